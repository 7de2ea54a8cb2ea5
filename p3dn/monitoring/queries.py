"""What the Dasbor shows: the indicators of a Pemda-year with their traffic lights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Value

from p3dn.accounts.models import Pemda
from p3dn.monitoring import rollups
from p3dn.monitoring.indicators import compute
from p3dn.procurement.models import BudgetStructure, Contract, RupPackage

# Until targets are set per Pemda: 80% capaian as in perangkat-daerah performance agreements
# (DKI Jakarta's PK uses 80%), and the 40% UMK floor of Perpres 12/2021 Pasal 65 ayat (3).
DEFAULT_CAPAIAN_TARGET = Decimal("0.80")
UMK_FLOOR = Decimal("0.40")
AMBER_BAND = Decimal("0.10")


def years_with_data(pemda: Pemda) -> list[int]:
    years: set[int] = set()
    for model in (RupPackage, Contract, BudgetStructure):
        years |= set(
            model.objects.filter(pemda=pemda)
            .values_list("tahun_anggaran", flat=True)
            .annotate(x=Value(1, IntegerField()))
            .distinct()
        )
    return sorted(years, reverse=True)


def light(value: str | None, target: Decimal) -> str:
    """green at or above the target, amber within 10 points below it, red below that."""
    if value is None:
        return "none"
    number = Decimal(value)
    if number >= target:
        return "green"
    return "amber" if number >= target - AMBER_BAND else "red"


def summarise_dashboard(*, pemda: Pemda, tahun: int) -> dict[str, Any]:
    whole = compute(pemda=pemda, tahun=tahun)
    units = compute(pemda=pemda, tahun=tahun, by="satker")["rows"]
    for row in units:
        row["light"] = light(row["capaian_pdn"], DEFAULT_CAPAIAN_TARGET)
        row["umk_light"] = light(row["porsi_umk_rencana"], UMK_FLOOR)
    units.sort(key=lambda r: (r["capaian_pdn"] is None, Decimal(r["capaian_pdn"] or 0)))
    return {
        "indicators": whole,
        "units": units,
        "target": DEFAULT_CAPAIAN_TARGET,
        "umk_floor": UMK_FLOOR,
        "capaian_light": light(whole["capaian_pdn"], DEFAULT_CAPAIAN_TARGET),
        "umk_light": light(whole["porsi_umk_rencana"], UMK_FLOOR),
        "years": years_with_data(pemda),
    }


def summarise_ranking(*, pemda_scope: Any, tahun: int) -> dict[str, Any]:
    """Every Pemda in scope for a year: ranked by capaian and by rupiah, per level, with the
    award categories; Pemda without data or without a Tim P3DN are listed as such. The figures
    are the import's rollups, read in one query (a Pemda-year without one is computed)."""
    pemdas = list(
        pemda_scope.select_related("region")
        .annotate(
            has_rup=Exists(RupPackage.objects.filter(pemda=OuterRef("pk"), tahun_anggaran=tahun)),
            has_contract=Exists(
                Contract.objects.filter(pemda=OuterRef("pk"), tahun_anggaran=tahun)
            ),
        )
        .order_by("region_id")
    )
    with_data = [p for p in pemdas if p.has_rup or p.has_contract]
    wholes = rollups.stored_wholes([p.pk for p in with_data], tahun)
    ranked, without = [], []
    for pemda in pemdas:
        if not (pemda.has_rup or pemda.has_contract):
            without.append(pemda)
            continue
        if pemda.pk in wholes:
            figures = rollups.indicators_json(pemda, tahun, wholes[pemda.pk])
        else:
            figures = compute(pemda=pemda, tahun=tahun)
        ranked.append({**figures, "pemda": pemda, "level": pemda.region.level})
    by_capaian = sorted(ranked, key=lambda r: Decimal(r["capaian_pdn"] or -1), reverse=True)
    by_rupiah = sorted(ranked, key=lambda r: Decimal(r["realisasi_pdn"]), reverse=True)
    awards = []
    for level in ("provinsi", "kabupaten", "kota"):
        rows = [r for r in ranked if r["level"] == level]
        if rows:
            awards.append(
                {
                    "level": level,
                    "pdn": max(rows, key=lambda r: Decimal(r["realisasi_pdn"])),
                    "umk": max(rows, key=lambda r: Decimal(r["realisasi_umk"])),
                }
            )
    return {
        "by_capaian": by_capaian,
        "by_rupiah": by_rupiah,
        "awards": awards,
        "without_data": without,
        "without_tim": [p for p in pemda_scope if not p.has_tim_p3dn],
    }
