"""Indicator rollups: the figures of each Pemda-year over its current facts, summed once by
the import that changed them and read back by the Dasbor, the API, the CLI and the ranking.

``refresh`` recomputes Pemda-years with ``indicators.collect`` itself on the facts (so a rollup
holds exactly what the fact queries return, by the same definitions), whole, per perangkat
daerah and per month, and stores them in ``IndicatorRollup``. The import calls it inside its
transaction, so a rejected or failed import leaves the rollups as they were. ``stored`` is what
``collect`` reads when it is asked for the current data without filters; a Pemda-year that was
never refreshed (data imported before rollups existed) has no rollup and is computed from the
facts until ``refresh_all`` (the data migration, or ``manage.py refresh_rollups``) builds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from decimal import Context, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from p3dn.accounts.models import Pemda
from p3dn.procurement.models import (
    BudgetStructure,
    Contract,
    EPurchase,
    IndicatorRollup,
    Pencatatan,
    Product,
    Provider,
    RupPackage,
    TokoDaringOrder,
)

Grain = IndicatorRollup.Grain
# grain → the ``by`` of indicators.collect
GRAINS = ((Grain.PEMDA, None), (Grain.UNIT, "satker"), (Grain.MONTH, "month"))
BY_GRAIN = {by: grain for grain, by in GRAINS}
# The facts the unfiltered indicators read, by Pemda-year.
PEMDA_MODELS = (RupPackage, BudgetStructure, Contract, Pencatatan, EPurchase, TokoDaringOrder)

_facts_only: ContextVar[bool] = ContextVar("rollups_facts_only", default=False)


@contextlib.contextmanager
def facts_only() -> Iterator[None]:
    """Within this block the indicators are computed from the facts, never from rollups."""
    token = _facts_only.set(True)
    try:
        yield
    finally:
        _facts_only.reset(token)


# ------------------------------------------------------------------ writing


def _rows(pemda: Pemda, tahun: int, grain: str, key: str, figures: Any) -> list[IndicatorRollup]:
    unit_id = int(key) if grain == Grain.UNIT and key else None
    bulan = dt.date.fromisoformat(f"{key}-01") if grain == Grain.MONTH and key else None
    measures: list[tuple[str, Decimal, Decimal, Decimal, Decimal]] = [
        ("rup", figures.pagu_penyedia, figures.komitmen_pdn, figures.komitmen_umk, Decimal(0)),
        ("belanja", figures.belanja_pengadaan, Decimal(0), Decimal(0), Decimal(0)),
    ]
    for channel, money in figures.realisasi.items():
        measures.append((channel, money.nilai, money.pdn, money.umk, money.belum_terklasifikasi))
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
        )
        for measure, nilai, pdn, umk, unknown in kept
    ]


def rebuild(pemda: Pemda, tahun: int) -> int:
    """Recompute one Pemda-year's rollup from its current facts; returns the rows stored."""
    from p3dn.monitoring.indicators import collect

    rows: list[IndicatorRollup] = []
    with transaction.atomic():
        # One rebuild of a Pemda at a time: on PostgreSQL two imports committing concurrently
        # would otherwise each delete what the other could not yet see, and both insert.
        list(Pemda.objects.select_for_update().filter(pk=pemda.pk).values_list("pk"))
        with facts_only():
            for grain, by in GRAINS:
                for key, figures in collect(pemda, tahun, None, by).items():
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


# ------------------------------------------------------------------ reading


def _key(row: IndicatorRollup | dict[str, Any], grain: str) -> str:
    if grain == Grain.UNIT:
        unit_id = row["unit_id"] if isinstance(row, dict) else row.unit_id
        return str(unit_id or "")
    if grain == Grain.MONTH:
        bulan = row["bulan"] if isinstance(row, dict) else row.bulan
        return bulan.strftime("%Y-%m") if bulan else ""
    return ""


def _apply(figures: Any, row: dict[str, Any]) -> None:
    from p3dn.monitoring.indicators import Money

    measure = row["measure"]
    if measure == "rup":
        figures.pagu_penyedia, figures.komitmen_pdn, figures.komitmen_umk = (
            row["nilai"],
            row["pdn"],
            row["umk"],
        )
    elif measure == "belanja":
        figures.belanja_pengadaan = row["nilai"]
    else:
        figures.realisasi[measure] = Money(
            row["nilai"], row["pdn"], row["umk"], row["belum_terklasifikasi"]
        )


FIELDS = ("pemda_id", "grain", "unit_id", "bulan", "measure", "nilai", "pdn", "umk",
          "belum_terklasifikasi")


def stored(pemda: Pemda, tahun: int, by: str | None) -> dict[str, Any] | None:
    """``collect(pemda, tahun, None, by)`` from the rollup, or None when the Pemda-year has
    none (or the caller wants the facts: ``facts_only``)."""
    if _facts_only.get() or by not in BY_GRAIN:
        return None
    from p3dn.monitoring.indicators import Figures

    grain = BY_GRAIN[by]
    wanted = {Grain.PEMDA, grain}
    rows = IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun, grain__in=wanted)
    figures: dict[str, Any] = defaultdict(Figures)
    built = False
    for row in rows.values(*FIELDS):
        if row["grain"] == Grain.PEMDA:
            built = True
            if grain != Grain.PEMDA:
                continue
        _apply(figures[_key(row, grain)], row)
    return dict(figures) if built else None


def stored_wholes(pemda_ids: Iterable[int], tahun: int) -> dict[int, Any]:
    """The whole-year figures of every Pemda of ``pemda_ids`` that has a rollup for ``tahun``,
    in one query: {pemda_id: Figures}."""
    from p3dn.monitoring.indicators import Figures

    ids = set(pemda_ids)
    figures: dict[int, Any] = defaultdict(Figures)
    columns = ("pemda_id", "measure", "nilai", "pdn", "umk", "belum_terklasifikasi")
    query = IndicatorRollup.objects.filter(tahun=tahun, grain=Grain.PEMDA).values_list(*columns)
    sql, params = query.query.sql_with_params()
    # Read raw: Django's SQLite converter quantizes each of these thousands of values, which
    # costs more than the query; the Decimal is the same number (the sum as the facts gave it).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pemda_id, measure, *money in cursor.fetchall():
            if pemda_id in ids:
                values = dict(zip(columns[2:], map(_decimal, money), strict=True))
                _apply(figures[pemda_id], {"measure": measure, **values})
    return dict(figures)


_FROM_FLOAT = Context(prec=15).create_decimal_from_float  # as Django's SQLite converter


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    return _FROM_FLOAT(value)


def indicators_json(pemda: Pemda, tahun: int, figures: Any) -> dict[str, Any]:
    """What ``compute(pemda=…, tahun=…)`` returns, from a Pemda-year's whole figures."""
    from p3dn.monitoring.indicators import figures_json

    return {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "tahun": tahun,
        "as_of": None,
        **figures_json(figures),
    }
