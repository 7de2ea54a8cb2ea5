"""THE PLUG POINT of the katalog lokal filter (issue 12, point 2 meets point 3).

The katalog lokal app (``p3dn/catalog/listings/``, built beside this one) exposes
``listed_product_ids(pemda) -> set[int]``: the CatalogProduct ids a Pemda's katalog lokal
holds. This module is the one place the search reads it: the form, the API and the command
validate ``katalog_lokal=<kd_klpd>`` against the Pemda table and call ``product_ids_of``; the
query functions take the ids as ``only_product_ids``. While that app is not installed the
filter answers "not available" (422 / a form error), never an empty list that would read as
"nothing in the katalog lokal".
"""

from __future__ import annotations

import importlib

from django.apps import apps

from p3dn.accounts.models import Pemda

LISTINGS_APP = "p3dn.catalog.listings"
LISTINGS_QUERIES = "p3dn.catalog.listings.queries"  # holds listed_product_ids(pemda)


class Unavailable(Exception):
    """The katalog lokal app is not installed."""


def available() -> bool:
    return apps.is_installed(LISTINGS_APP)


def product_ids_of(pemda: Pemda) -> set[int]:
    """The CatalogProduct ids in the Pemda's katalog lokal."""
    if not available():
        raise Unavailable(LISTINGS_APP)
    module = importlib.import_module(LISTINGS_QUERIES)
    return set(module.listed_product_ids(pemda))


def pemda_of(kd_klpd: str) -> Pemda | None:
    """The Pemda a ``katalog_lokal`` parameter names (its LKPP KLPD code, any case)."""
    code = kd_klpd.strip().upper()
    if not code or len(code) > 10:
        return None
    return Pemda.objects.filter(kd_klpd=code).first()
