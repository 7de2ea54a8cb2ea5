"""The search index of the registry and the synonym groups an admin edits (docs/search.md).

``SearchItem``: one row per listed ``CatalogProduct`` (one item per producer + product +
specification + brand (+ type), with all its certificates: the registry's deduplication), with
the analysed text of each field (p3dn.lib.search tokens joined by spaces) and the filter
columns. The text engine sits beside it, created by migration 0001 for the database in use:
SQLite an FTS5 table ``search_fts`` over these columns (external content), PostgreSQL a
``tsv tsvector`` column with a GIN index. ``SearchToken`` and ``SearchState`` hold the
statistics the relevance score and the broad-query test read. All of it is derived data,
kept up to date by ``services.refresh_index`` after each registry sync (core/worker.py) and by
``p3dn catalog search --refresh``: only the products changed since the last refresh are
re-analysed (``SearchItem.fingerprint``), or the whole index is rebuilt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The analysed text fields, in the order of p3dn.lib.search.DEFAULT_FIELDS; the column
# names are the FTS5 column names (the external content table shares them).
TEXT_COLUMNS = ("name", "brand", "type", "spec", "category", "producer", "codes")


class SearchItem(models.Model):
    """A registry product as the search reads it."""

    product = models.OneToOneField(
        "catalog.CatalogProduct", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.CASCADE, related_name="+"
    )
    label = models.TextField(help_text="the product name as written (the last tie-break)")
    name = models.TextField(blank=True)
    brand = models.TextField(blank=True)
    tipe = models.TextField(blank=True, db_column="type")
    spec = models.TextField(blank=True)
    category = models.TextField(blank=True)
    producer_text = models.TextField(blank=True, db_column="producer")
    codes = models.TextField(blank=True)
    stems = models.TextField(blank=True, help_text="stems of name, brand, type and spec")
    # filters
    tkdn = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    tkdn_bmp = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    valid_until = models.DateField(null=True)
    umk_ikm = models.BooleanField(default=False)
    province = models.CharField(max_length=20, blank=True)
    kbli = models.CharField(max_length=20, blank=True)
    kbki = models.CharField(max_length=20, blank=True)
    hs = models.CharField(max_length=40, blank=True)
    price_min = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    price_max = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    sources = models.CharField(
        max_length=60, blank=True, help_text="kemenperin, ekatalog, manual (comma-separated)"
    )
    fingerprint = models.BigIntegerField(
        null=True, help_text="hash of the registry values the row was built from "
        "(services.fingerprint): a refresh re-analyses only the products whose hash changed"
    )

    class Meta:
        indexes = [
            # TKDN first, with the filter columns inside: the broad tier reads candidates in
            # TKDN order and checks the filters in the index (docs/search.md).
            models.Index(
                fields=["tkdn", "valid_until", "umk_ikm", "province", "price_min", "product"],
                name="search_item_tkdn",
            ),
            models.Index(fields=["province", "tkdn"], name="search_item_province"),
        ]

    def __str__(self) -> str:
        return self.label


class SearchToken(models.Model):
    """A token of the indexed text: the items it occurs in (any field; name, brand or type)."""

    token = models.CharField(max_length=255, primary_key=True)
    items = models.PositiveIntegerField()
    items_in_name = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.token


class SearchState(models.Model):
    """One row: what the index holds and how it was built, and the versions that tell a
    process its cached vocabulary and synonyms are stale."""

    SINGLETON = 1

    items = models.PositiveIntegerField(default=0)
    # field → total tokens over all items (for the average field lengths of BM25F)
    lengths = models.JSONField(default=dict, blank=True)
    # Random stamps, new at each refresh and each synonym change: a process compares them
    # with those of its cached vocabulary, typo index and synonyms (never reused, so a
    # cache cannot survive a new database either).
    index_version = models.BigIntegerField(default=0)
    synonyms_version = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    data_as_of = models.DateTimeField(
        null=True, blank=True, help_text="the registry sync the index was built after"
    )
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"search index v{self.index_version} ({self.items} items)"


class SynonymGroup(models.Model):
    """Words and phrases that name the same thing (p3dn.lib.search.synonyms): seeded from the
    shipped p3dn/catalog/data/synonyms.csv, edited by the national admin."""

    domain = models.CharField(_("domain"), max_length=40)
    terms = models.TextField(_("terms"), help_text=_("Words or phrases separated by '|'."))
    ambiguous = models.TextField(
        _("ambiguous terms"), blank=True,
        help_text=_("Terms of this group that also stand in another group, separated by '|'."),
    )
    active = models.BooleanField(_("active"), default=True)
    shipped = models.BooleanField(default=False, help_text="seeded from the shipped file")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return self.terms[:120]

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split("|") if t.strip()]

    @property
    def ambiguous_list(self) -> list[str]:
        return [t.strip() for t in self.ambiguous.split("|") if t.strip()]
