"""SQLite: a covering index of the filter columns, keyed by product id. A search with filters
checks each FTS5 match against it instead of against the item's row (whose analysed text
makes it a kilobyte or more, the filter columns often on an overflow page): at 1.000.000 items
the count and the candidates of a filtered query read a few dozen bytes per match. Not in
``SearchItem.Meta``: PostgreSQL filters the matches it reads from the heap anyway and has no
use for it. Derived from the rows, so the refresh (full or incremental) keeps it without a
line of code."""

from django.db import migrations

COLUMNS = ("product_id", "tkdn", "tkdn_bmp", "valid_until", "umk_ikm", "province", "price_min",
           "price_max", "kbli", "kbki", "hs")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX search_item_filters ON search_searchitem ({', '.join(COLUMNS)})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_item_filters")


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_searchitem_fingerprint"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
