"""A Pemda's targets for a year: the capaian path by quarter, the UMK floor and the definition
variant it reports. Without a recorded target the defaults apply (80% capaian by Q4 as in
perangkat-daerah performance agreements, reached in equal quarterly steps; the 40% UMK floor of
Perpres 12/2021 Pasal 65 ayat (3))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from p3dn.accounts.models import Pemda
from p3dn.monitoring.models import Target

FIELDS = (
    "capaian_q1",
    "capaian_q2",
    "capaian_q3",
    "capaian_q4",
    "umk_floor",
    "denominator",
    "umk_denominator",
    "dasar",
)


def target_for(pemda: Pemda, tahun: int) -> Target:
    """The recorded target, or an unsaved one holding the defaults."""
    found = Target.objects.filter(pemda=pemda, tahun=tahun).first()
    return found if found is not None else Target(pemda=pemda, tahun=tahun)


def path_at(target: Target, day: dt.date) -> Decimal:
    """The cumulative capaian the path expects on ``day`` of the target's year: 0 on 1 January,
    each quarter's target at that quarter's end, straight lines in between."""
    if day.year < target.tahun:
        return Decimal(0)
    if day.year > target.tahun:
        return target.capaian_q4
    quarter_ends = [dt.date(target.tahun, m, 1) for m in (4, 7, 10)] + [
        dt.date(target.tahun + 1, 1, 1)
    ]
    start, level = dt.date(target.tahun, 1, 1), Decimal(0)
    for end, goal in zip(quarter_ends, target.path(), strict=True):
        if day < end:
            share = Decimal((day - start).days) / Decimal((end - start).days)
            return level + (goal - level) * share
        start, level = end, goal
    return target.capaian_q4


def month_path(target: Target) -> list[tuple[str, Decimal]]:
    """The path at the end of each month of the year ('YYYY-MM', cumulative capaian)."""
    out = []
    for month in range(1, 13):
        end = dt.date(target.tahun + (month == 12), month % 12 + 1, 1)
        out.append((f"{target.tahun}-{month:02d}", path_at(target, end)))
    return out


def reported_capaian(target: Target, figures: dict[str, Any]) -> Decimal | None:
    """capaian under the denominator the Pemda reports (``figures`` as ``compute`` gives it)."""
    denominator = Decimal(figures[target.denominator])
    if denominator == 0:
        return None
    return Decimal(figures["realisasi_pdn"]) / denominator


def reported_umk_share(target: Target, figures: dict[str, Any]) -> Decimal | None:
    denominator = Decimal(figures[target.umk_denominator])
    if denominator == 0:
        return None
    return Decimal(figures["komitmen_umk"]) / denominator


@dataclass
class Trend:
    """The cumulative capaian month by month, with the target at the quarter ends; the same
    line on the Dasbor and in the report."""

    months: list[str]
    capaian: list[Decimal | None]
    target: list[Decimal | None]
    undated_pdn: Decimal  # PDN realization without a date, left out of the months


def trend_for(
    monthly: Sequence[dict[str, Any]],
    komitmen_pdn: Decimal,
    tahun: int,
    last: dt.date,
    path: list[Decimal],
) -> Trend:
    """The cumulative capaian at the end of each month of ``tahun`` up to ``last``.
    Realization dated before the year counts from January, after it in December."""
    months = [f"{tahun}-{m:02d}" for m in range(1, 13)]
    dated = [(row["bulan"], Decimal(row["realisasi_pdn"])) for row in monthly if row["bulan"]]
    undated = sum((Decimal(r["realisasi_pdn"]) for r in monthly if not r["bulan"]), Decimal(0))
    end = (
        f"{last.year}-{last.month:02d}"
        if last.year == tahun
        else (months[-1] if last.year > tahun else "")
    )
    capaian: list[Decimal | None] = []
    for month in months:
        if month > end or not komitmen_pdn:
            capaian.append(None)
            continue
        upto = sum((v for bulan, v in dated if bulan <= month or month == months[-1]), Decimal(0))
        capaian.append(upto / komitmen_pdn)
    target: list[Decimal | None] = [None] * 12
    for quarter, value in enumerate(path):
        target[quarter * 3 + 2] = value
    return Trend(months, capaian, target, undated)
