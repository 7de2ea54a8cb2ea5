"""Indicator rollups: the sums of each Pemda-year over its current facts, stored once by the
import that changed them and read back by the Dasbor, the API, the CLI and the ranking.

``rebuild`` recomputes a Pemda-year with ``sums.collect_from_facts`` (so a rollup holds exactly
what the fact queries return, by the same definitions), whole, per perangkat daerah and per
month, and stores it in ``IndicatorRollup``. The import calls ``refresh_after_import`` inside
its transaction, so a rejected or failed import leaves the rollups as they were.
``sums.collect`` reads them when it is asked for the current data without filters; a Pemda-year
that was never refreshed (data imported before rollups existed) has no rollup and is summed from
the facts until ``refresh_all`` (the data migration procurement.0003) builds it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from p3dn.accounts.models import Pemda
from p3dn.procurement.models import (
    BudgetStructure,
    Commitment,
    Contract,
    EPurchase,
    IndicatorRollup,
    ManualRealization,
    Pencatatan,
    PencatatanRealisasi,
    Product,
    Provider,
    RupPackage,
    TokoDaringOrder,
)
from p3dn.procurement.sums import GRAINS, UNION, Figures, Grain, collect_from_facts

# The facts the unfiltered indicators read, by Pemda-year (a pencatatan realization's number
# tells a manual line that repeats it: sums.spse_duplicate).
PEMDA_MODELS = (
    RupPackage,
    BudgetStructure,
    Contract,
    Pencatatan,
    PencatatanRealisasi,
    EPurchase,
    TokoDaringOrder,
    Commitment,
    ManualRealization,
)


def _rows(
    pemda: Pemda, tahun: int, grain: str, key: str, figures: Figures
) -> list[IndicatorRollup]:
    unit_id = int(key) if grain == Grain.UNIT and key else None
    bulan = dt.date.fromisoformat(f"{key}-01") if grain == Grain.MONTH and key else None
    zero = Decimal(0)
    measures: list[tuple[str, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]] = [
        ("rup", figures.pagu_penyedia, figures.komitmen_pdn, figures.komitmen_umk, zero, zero,
         zero, zero),
        ("belanja", figures.belanja_pengadaan, zero, zero, zero, zero, zero, zero),
        ("apbd", zero, figures.komitmen_pdn_apbd, figures.komitmen_umk_apbd, zero, zero, zero,
         zero),
        (UNION, figures.tkdn_pdn_umkk, zero, zero, zero, zero, zero, zero),
    ]
    for channel, money in figures.realisasi.items():
        measures.append((channel, money.nilai, money.pdn, money.umk, money.belum_terklasifikasi,
                         money.nilai_estimasi, money.pdn_estimasi, money.umk_estimasi))
    kept = [m for m in measures if any(m[1:])] or measures[:1]  # a part exists even at zero
    return [
        IndicatorRollup(
            pemda=pemda,
            tahun=tahun,
            grain=grain,
            unit_id=unit_id,
            bulan=bulan,
            measure=measure,
            nilai=nilai,
            pdn=pdn,
            umk=umk,
            belum_terklasifikasi=unknown,
            nilai_estimasi=nilai_estimasi,
            pdn_estimasi=pdn_estimasi,
            umk_estimasi=umk_estimasi,
        )
        for measure, nilai, pdn, umk, unknown, nilai_estimasi, pdn_estimasi, umk_estimasi in kept
    ]


def rebuild(pemda: Pemda, tahun: int) -> int:
    """Recompute one Pemda-year's rollup from its current facts; returns the rows stored."""
    rows: list[IndicatorRollup] = []
    with transaction.atomic():
        # One rebuild of a Pemda at a time: on PostgreSQL two imports committing concurrently
        # would otherwise each delete what the other could not yet see, and both insert.
        list(Pemda.objects.select_for_update().filter(pk=pemda.pk).values_list("pk"))
        for grain, by in GRAINS:
            for key, figures in collect_from_facts(pemda, tahun, None, by).items():
                rows.extend(_rows(pemda, tahun, grain, key, figures))
        IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun).delete()
        IndicatorRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def refresh(pemda_ids: Iterable[int], years: Iterable[int]) -> int:
    """Recompute the rollups of every Pemda-year of ``pemda_ids`` by ``years``."""
    years = sorted(set(years))
    count = 0
    with transaction.atomic():
        for pemda in Pemda.objects.filter(pk__in=set(pemda_ids)).order_by("pk"):
            for tahun in years:
                count += rebuild(pemda, tahun)
    return count


def refresh_pairs(pairs: Iterable[tuple[int, int]]) -> int:
    by_pemda: dict[int, set[int]] = defaultdict(set)
    for pemda_id, tahun in pairs:
        by_pemda[pemda_id].add(tahun)
    count = 0
    with transaction.atomic():
        for pemda in Pemda.objects.filter(pk__in=by_pemda).order_by("pk"):
            for tahun in sorted(by_pemda[pemda.pk]):
                count += rebuild(pemda, tahun)
    return count


def refresh_products(kd_produk: Iterable[str]) -> int:
    """Recompute the Pemda-years whose current e-purchasing lines name one of ``kd_produk``
    (their PDN changed: a TKDN claim window, sums.tkdn_claim_stands), as a v5 line's product
    or among a v6 package's product ids."""
    codes = sorted(set(kd_produk))
    pairs: set[tuple[int, int]] = set()
    current = EPurchase.objects.filter(valid_to__isnull=True)
    for start in range(0, len(codes), 1000):
        pairs |= set(
            current.filter(kd_produk__in=codes[start:start + 1000])
            .values_list("pemda_id", "tahun_anggaran").distinct()
        )
    wanted = set(codes)
    for pemda_id, tahun, ids in (
        current.filter(source=EPurchase.Source.V6).exclude(product_ids="")
        .values_list("pemda_id", "tahun_anggaran", "product_ids").iterator()
    ):
        if (pemda_id, tahun) not in pairs and wanted & set(ids.split(",")):
            pairs.add((pemda_id, tahun))
    return refresh_pairs(pairs)


def _pairs_with(models: Iterable[Any]) -> set[tuple[int, int]]:
    """The Pemda-years holding current facts of ``models`` (an index seek per Pemda)."""
    pairs: set[tuple[int, int]] = set()
    for model in models:
        years = sorted(
            set(model.objects.filter(valid_to__isnull=True).values_list("tahun_anggaran", flat=True)
                .order_by().distinct())
        )
        for tahun in years:
            pemda = Pemda.objects.filter(
                Exists(
                    model.objects.filter(
                        pemda=OuterRef("pk"), tahun_anggaran=tahun, valid_to__isnull=True
                    )
                )
            )
            pairs |= {(pk, tahun) for pk in pemda.values_list("pk", flat=True)}
    return pairs


def refresh_after_import(model: Any, pemda_ids: Iterable[int], years: Iterable[int]) -> int:
    """What an import of ``model`` facts changes: its Pemda-years, or, for products and
    providers (which classify e-purchasing lines and Toko Daring merchants of every Pemda),
    every Pemda-year with such lines. Runs inside the import's transaction."""
    if model is Product:  # PDN and "known" of e-purchasing lines
        return refresh_pairs(_pairs_with((EPurchase,)))
    if model is Provider:  # UKM of e-purchasing lines and of Toko Daring merchants
        return refresh_pairs(_pairs_with((EPurchase, TokoDaringOrder)))
    if model in PEMDA_MODELS:
        return refresh(pemda_ids, years)
    return 0


def refresh_all() -> int:
    """Rebuild the rollups of every Pemda-year with current facts (after an upgrade)."""
    with transaction.atomic():
        IndicatorRollup.objects.all().delete()
        return refresh_pairs(_pairs_with(PEMDA_MODELS))
