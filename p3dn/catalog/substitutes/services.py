"""The one write of the finder: ``scan`` a Pemda-year. Every RUP package and realization row
that is not PDN is searched by its name (finder.search_texts, finder.find) and stored with its
best domestic alternatives; the scan replaces the Pemda-year's previous one in one
transaction, and is audited. Run from the page by the Pemda's Tim P3DN (or the admin) and by
``p3dn catalog substitutes --scan --klpd D197 --tahun 2023``.

The rows (procurement.sums.source_rows, the rows the indicators sum, on the current data):

- ``rup``: RUP-PaketPenyedia packages of the commitment set whose status_pdn is not PDN
  (non-PDN part: the pagu);
- ``tender``, ``non_tender``: current e-contracts whose nilai_pdn_kontrak is below
  nilai_kontrak (non-PDN part: the difference);
- ``pencatatan_non_tender``: recorded non-tender purchases whose nilai_pdn_pct is below
  total_realisasi;
- ``e_purchasing``: completed e-Katalog lines of a product p3dn knows and that is not
  domestic (a line of an unknown product is "belum terklasifikasi", not non-PDN).

Swakelola (work a unit does itself: honoraria, travel) and Toko Daring orders (the data does
not say whether the goods are domestic) are not scanned.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from p3dn.accounts.models import Pemda
from p3dn.audit.services import log
from p3dn.catalog.search.queries import index_state
from p3dn.procurement.models import Product
from p3dn.procurement.queries import latest_refresh
from p3dn.procurement.sums import source_rows

from . import finder
from .models import RowSource, Scan, ScanRow

BATCH = 1000
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class _Row:
    source: str
    unit_id: int | None
    unit_name: str
    ident: str
    name: str
    nilai: Decimal
    non_pdn: Decimal
    unit_price: Decimal | None


def _product_names(codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    wanted = sorted(codes - {""})
    for start in range(0, len(wanted), BATCH):
        for code, name in Product.objects.filter(
                valid_to__isnull=True, kd_produk__in=wanted[start:start + BATCH]
        ).values_list("kd_produk", "nama_produk"):
            if name:
                names[code] = name
    return names


def non_pdn_rows(pemda: Pemda, tahun: int) -> Iterator[_Row]:
    """The rows of the Pemda-year that are not PDN, with their non-PDN part (see module)."""
    idents = {
        RowSource.RUP: "kd_rup", RowSource.TENDER: "kd_paket", RowSource.NON_TENDER: "kd_paket",
        RowSource.PENCATATAN: "kd_pct", RowSource.E_PURCHASING: "kd_paket",
    }
    for source, ident in idents.items():
        rows = list(source_rows(source.value, pemda, tahun).select_related("unit")
                    .order_by("pk"))
        names = (_product_names({r.kd_produk for r in rows})
                 if source == RowSource.E_PURCHASING else {})
        for row in rows:
            non_pdn = (row.d_nilai or ZERO) - (row.d_pdn or ZERO) - (row.d_unknown or ZERO)
            if non_pdn <= 0:
                continue
            name = row.nama_paket or ""
            unit_price = None
            code = str(getattr(row, ident))
            if source == RowSource.E_PURCHASING:
                name = names.get(row.kd_produk) or name
                unit_price = row.harga_satuan
                code = f"{code}/{row.kd_produk}" if row.kd_produk else code
            yield _Row(source.value, row.unit_id, row.unit.name if row.unit else "",
                       code[:120], name, row.d_nilai, non_pdn, unit_price)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def scan(*, pemda: Pemda, tahun: int, user: Any) -> Scan:
    """Search the domestic alternatives of every non-PDN row of the Pemda-year and store them,
    replacing the previous scan of the Pemda-year. ``user``: who asked (a User, or "cli")."""
    started = timezone.now()
    clock = time.monotonic()
    today = timezone.localdate()
    cache: dict[str, list[Any]] = {}
    stored: list[ScanRow] = []
    for row in non_pdn_rows(pemda, tahun):
        texts = finder.search_texts(row.name)
        found = finder.find(texts, pemda=pemda, unit_price=row.unit_price, as_of=today,
                            cache=cache)
        stored.append(ScanRow(
            unit_id=row.unit_id, unit_name=row.unit_name[:255], source=row.source,
            ident=row.ident, name=row.name, searched=" | ".join(texts), nilai=row.nilai,
            non_pdn=row.non_pdn, unit_price=row.unit_price,
            alternatives=len(found.alternatives),
            tier=found.tier.tier.value if found.tier else "",
            best=[finder.record(a) for a in found.best],
        ))
    state = index_state()
    refresh = latest_refresh(pemda=pemda)
    Scan.objects.filter(pemda=pemda, tahun=tahun).delete()
    person = _user(user)
    result = Scan.objects.create(
        pemda=pemda, tahun=tahun, started_at=started, finished_at=timezone.now(),
        data_as_of=refresh.data_as_of if refresh else None,
        registry_as_of=state.data_as_of, index_refreshed_at=state.refreshed_at,
        actor=person,
        actor_name=(person.get_username() if person else str(user or "system"))[:150],
        rows=len(stored), rows_with_alternatives=sum(1 for r in stored if r.alternatives),
        searches=len(cache), seconds=round(time.monotonic() - clock, 3),
    )
    for line in stored:
        line.scan = result
    ScanRow.objects.bulk_create(stored, batch_size=BATCH)
    log(actor=user or "system", action="substitutes.scan", obj=result, pemda=pemda,
        changes={"tahun": [None, tahun], "rows": [None, result.rows],
                 "rows_with_alternatives": [None, result.rows_with_alternatives]})
    return result
