r"""PostgreSQL: what the GIN index alone can answer, written into every indexed item's tsvector
(backends.pg_tsvector writes the same for the rows a refresh builds from now on):

- the words of name, brand, type and codes (weights A and B) again as "!word" at the same
  positions, so that a broad query's candidates are found in those fields without reading
  every item that has the word elsewhere;
- the filter values as lexemes without a position ("#t25" for TKDN of 25 % or more in steps
  of 5, "#b40", "#umk", "#p" + province: backends.facet_lexemes), so that the index narrows a
  filtered search before any row is read.

Written here in SQL as they were defined when this migration was written (the words as text:
the tsvector operator || would shift the positions of the ones it appends)."""

from django.db import migrations

ADD = r"""
UPDATE search_searchitem SET tsv = (tsv::text || coalesce(' ' || (
    SELECT string_agg(
        '''' || replace(replace('!' || u.lexeme, '\', '\\'), '''', '''''') || ''':'
        || array_to_string(ARRAY(SELECT x.p || x.w FROM unnest(u.positions, u.weights)
                                 AS x(p, w)), ','),
        ' ')
      FROM unnest(ts_filter(tsv, '{a,b}')) AS u
     WHERE u.lexeme NOT LIKE '#%' AND u.lexeme NOT LIKE '!%' AND u.lexeme NOT LIKE '~%'
), ''))::tsvector || array_to_tsvector(ARRAY(
    SELECT '#t' || k FROM generate_series(0, 100, 5) k
     WHERE tkdn IS NOT NULL AND tkdn * 100 >= k
    UNION ALL SELECT '#b40' WHERE tkdn_bmp >= 0.40
    UNION ALL SELECT '#umk' WHERE umk_ikm
    UNION ALL SELECT '#p' || province WHERE province <> ''
))
"""
REMOVE = r"""
UPDATE search_searchitem SET tsv = ts_delete(tsv, ARRAY(
    SELECT lexeme FROM unnest(tsv) WHERE lexeme LIKE '#%' OR lexeme LIKE '!%'
))
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_search_item_filters"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
