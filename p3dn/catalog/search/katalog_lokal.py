"""The katalog lokal filter of the search: the form, the API and the command validate
``katalog_lokal=<kd_klpd>`` against the Pemda table and restrict the results to the products
the Pemda's katalog lokal approved (``p3dn.catalog.listings``; the query functions take them as
``only_product_ids``). A Pemda with an empty katalog lokal finds nothing, which is the truth."""

from __future__ import annotations

from p3dn.accounts.models import Pemda
from p3dn.catalog.listings.queries import listed_product_ids


def product_ids_of(pemda: Pemda) -> set[int]:
    """The CatalogProduct ids in the Pemda's katalog lokal (approved entries only)."""
    return set(listed_product_ids(pemda))


def pemda_of(kd_klpd: str) -> Pemda | None:
    """The Pemda a ``katalog_lokal`` parameter names (its LKPP KLPD code, any case)."""
    code = kd_klpd.strip().upper()
    if not code or len(code) > 10:
        return None
    return Pemda.objects.filter(kd_klpd=code).first()
