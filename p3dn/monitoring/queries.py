"""What the Dasbor shows: the indicators of a Pemda-year with their traffic lights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda, Unit
from p3dn.monitoring.indicators import PemdaYear, year_json
from p3dn.monitoring.models import Target
from p3dn.monitoring.targets import (
    month_path,
    path_at,
    reported_capaian,
    reported_umk_share,
    target_for,
    trend_for,
)
from p3dn.procurement.models import BudgetStructure, Contract, RupBudgetLine, RupPackage
from p3dn.procurement.sums import NO_FILTERS, Filters, rollup_wholes
from p3dn.quality.cached import refresh_marks, year_warnings
from p3dn.quality.queries import is_incomplete
from p3dn.regions.models import Region
from p3dn.rules.common import value_set

# The defaults of an unrecorded target (p3dn.monitoring.models.Target): 80% capaian as in
# perangkat-daerah performance agreements (DKI Jakarta's PK uses 80%), and the 40% UMK floor
# of Perpres 12/2021 Pasal 65 ayat (3).
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


def year_is_complete(pemda: Pemda, tahun: int) -> bool:
    """Whether the Pemda-year's capaian can be reported: its RUP is not only a sample and its
    own capaian is not above 100% (``quality.queries.is_incomplete``, read from the cache)."""
    return not is_incomplete(year_warnings(pemda=pemda, tahun=tahun))


def opening_year(pemda: Pemda, years: list[int]) -> tuple[int, int | None]:
    """The year a Pemda's Dasbor opens on (``years`` newest first, not empty): the newest year
    with complete data, and the newer year(s)' newest when it is not the newest (its data is
    incomplete: the page says so); the newest year when no year is complete."""
    for tahun in years:
        if year_is_complete(pemda, tahun):
            return tahun, (years[0] if tahun != years[0] else None)
    return years[0], None


def latest_complete_year(scope: Any, default: int) -> int:
    """The newest fiscal year in which a Pemda of ``scope`` with data (RUP packages or
    contracts) has complete data (the year a ranking opens on); the newest year with any data
    when none has; else ``default``."""
    years: dict[int, set[int]] = {}
    for model in (RupPackage, Contract):
        pairs = model.objects.filter(pemda__in=scope).values_list("tahun_anggaran", "pemda_id")
        for tahun, pemda_id in pairs.distinct().order_by():
            years.setdefault(tahun, set()).add(pemda_id)
    if not years:
        return default
    pemdas = {p.pk: p for p in Pemda.objects.filter(pk__in=set().union(*years.values()))}
    for tahun in sorted(years, reverse=True):
        if any(year_is_complete(pemdas[pk], tahun) for pk in sorted(years[tahun])):
            return tahun
    return max(years)


# More PDN realized than committed: the commitment (the RUP) is incomplete, a sample or
# misclassified (docs/quality.md, capaian_di_atas_100); never shown as an achievement.
IMPOSSIBLE_CAPAIAN = Decimal(1)


def light(value: str | Decimal | None, target: Decimal) -> str:
    """green at or above the target, amber within 10 points below it, red below that;
    "incomplete" above 100% (the data, not the Pemda, is what the number shows)."""
    if value is None:
        return "none"
    number = Decimal(value)
    if number > IMPOSSIBLE_CAPAIAN:
        return "incomplete"
    if number >= target:
        return "green"
    return "amber" if number >= target - AMBER_BAND else "red"


# The warnings of indicator JSON written before they were objects (Monev snapshots keep the JSON
# of their day): the English strings of then, with the code and the sentence they now have.
OLD_WARNINGS = {
    "komitmen_pdn is 0: capaian_pdn is null": (
        "komitmen_pdn_nol",
        _("The PDN commitment is 0: capaian PDN cannot be computed."),
    ),
    "realisasi_total is 0: komposisi_pdn is null": (
        "realisasi_total_nol",
        _("There is no realization: komposisi PDN cannot be computed."),
    ),
    "belanja_pengadaan is 0: porsi_umk_rencana and porsi_umk_realisasi are null": (
        "belanja_pengadaan_nol",
        _("Belanja pengadaan is 0: the UMK shares cannot be computed."),
    ),
}


def readable_warnings(warnings: list[Any] | None) -> list[dict[str, Any]]:
    """The ``warnings`` of an indicator JSON as objects ``{"code", "count", "nilai",
    "message"}``, whatever its age: an old string (a snapshot taken before the objects) becomes
    the object of its code (count and nilai unknown: None); an unknown string is its own
    message."""
    out = []
    for w in warnings or []:
        if isinstance(w, dict):
            out.append(w)
            continue
        code, message = OLD_WARNINGS.get(str(w), ("", str(w)))
        out.append({"code": code, "count": None, "nilai": None, "message": str(message)})
    return out


def year_incomplete(figures: dict[str, Any]) -> bool:
    """Whether a whole-year JSON's capaian cannot be reported as it stands ("data belum
    lengkap"): its RUP is only a sample, or the Pemda's own capaian is above 100%
    (``rules.data_quality.is_incomplete``)."""
    codes = {w.get("code") for w in readable_warnings(figures.get("warnings"))}
    capaian = figures.get("capaian_pdn")
    above = capaian is not None and Decimal(capaian) > IMPOSSIBLE_CAPAIAN
    return "rup_sampel" in codes or above


UNIT_SORTS = (
    "nama_satker",
    "komitmen_pdn",
    "komitmen_pdn_apbd",
    "realisasi_pdn",
    "capaian_pdn",
    "capaian_pdn_apbd",
    "porsi_umk_rencana",
)

# The commitment the headline capaian is read against: the RUP's (default) or the APBD plan's
# (the commitment template), as the Pemda's recorded target says it reports.
APBD_BASIS = Target.Denominator.KOMITMEN_PDN_APBD


def capaian_key(target: Target) -> str:
    """The indicator key of the capaian the Dasbor's headline and lights show."""
    return "capaian_pdn_apbd" if target.denominator == APBD_BASIS else "capaian_pdn"


def headline_capaian(target: Target, whole: dict[str, Any]) -> dict[str, Any]:
    """The headline capaian with its basis (``rup`` or ``apbd``) and the other one beside it."""
    apbd = target.denominator == APBD_BASIS
    return {
        "basis": "apbd" if apbd else "rup",
        "value": whole[capaian_key(target)],
        "other": whole["capaian_pdn" if apbd else "capaian_pdn_apbd"],
        "commitment": whole["komitmen_pdn_apbd" if apbd else "komitmen_pdn"],
    }


def name_units(units: list[dict[str, Any]]) -> None:
    """Give each row the name a table shows: a name two units of the Pemda share carries the
    unit's code, so the rows can be told apart."""
    counts: dict[str, int] = {}
    for row in units:
        if row.get("nama_satker"):
            counts[row["nama_satker"]] = counts.get(row["nama_satker"], 0) + 1
    for row in units:
        name = row.get("nama_satker") or ""
        repeated = counts.get(name, 0) > 1 and row.get("kd_satker")
        row["nama_tampil"] = f"{name} ({row['kd_satker']})" if repeated else name


def has_data(row: dict[str, Any]) -> bool:
    """A perangkat daerah row with a commitment or any realization."""
    return any(
        row.get(key) not in (None, "0", "0.00") and Decimal(row[key]) != 0
        for key in ("komitmen_pdn", "pagu_penyedia", "realisasi_total")
        if row.get(key) is not None
    )


def sort_units(units: list[dict[str, Any]], sort: str) -> None:
    """Sort the unit rows in place by a column ('-' first for descending); empty values last."""
    key = sort.lstrip("-")
    if key not in UNIT_SORTS:
        key, sort = "capaian_pdn", "capaian_pdn"
    descending = sort.startswith("-")

    def value(row: dict[str, Any]) -> Any:
        if key == "nama_satker":
            return (row[key] or row["kd_satker"] or "").casefold()
        return Decimal(row[key])

    present = [r for r in units if r[key] is not None]
    missing = [r for r in units if r[key] is None]
    present.sort(key=value, reverse=descending)
    units[:] = present + missing


def in_province(scope: Any, provinsi: str) -> Any:
    """The Pemda of ``scope`` in a province (its Kemendagri code, e.g. '61'): the province
    itself and its kabupaten and kota. An empty code leaves the scope as it is."""
    if not provinsi:
        return scope
    return scope.filter(Q(region_id=provinsi) | Q(region__code__startswith=f"{provinsi}."))


def named(scope: Any, q: str) -> Any:
    """The Pemda of ``scope`` whose name holds ``q`` or whose LKPP or Kemendagri code is ``q``."""
    q = q.strip()
    if not q:
        return scope
    return scope.filter(
        Q(name__icontains=q) | Q(kd_klpd__iexact=q) | Q(region_id=q) | Q(region__code=q)
    )


def provinces() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level="provinsi").values_list("code", "name"))


def filter_options(pemda: Pemda, tahun: int) -> dict[str, list[str]]:
    """The jenis, metode and sumber dana that occur in the Pemda-year's current RUP."""
    rup = RupPackage.objects.filter(pemda=pemda, tahun_anggaran=tahun, valid_to__isnull=True)
    lines = RupBudgetLine.objects.filter(pemda=pemda, tahun_anggaran=tahun, valid_to__isnull=True)

    def distinct(qs: Any, column: str) -> list[str]:
        return sorted(v for v in qs.values_list(column, flat=True).distinct().order_by() if v)

    return {
        "jenis": sorted(  # a consolidated package's set of types offers each of them
            {j for v in distinct(rup, "jenis_pengadaan") for j in value_set(v)}
        ),
        "metode": distinct(rup, "metode_pengadaan"),
        "sumber_dana": distinct(lines, "sumber_dana"),
    }


def trend(
    target: Target, whole: dict[str, Any], months: list[dict[str, Any]], today: dt.date
) -> dict[str, Any]:
    """The Dasbor's trend: ``targets.trend_for`` (the report draws the same line) up to today,
    with the path at the end of every month for the "on the path" figures."""
    commitment = Decimal(whole["komitmen_pdn_apbd" if capaian_key(target) != "capaian_pdn"
                               else "komitmen_pdn"])
    line = trend_for(months, commitment, target.tahun, today, target.path())
    return {
        "labels": line.months,
        "actual": line.capaian,
        "path": [goal for _label, goal in month_path(target)],
        "quarter_ends": line.target,
        "outside": line.undated_pdn,
    }


def summarise_dashboard(
    *, pemda: Pemda, tahun: int, filters: Filters = NO_FILTERS, today: dt.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    target = target_for(pemda, tahun)
    goal = target.capaian_q4
    year = PemdaYear(pemda=pemda, tahun=tahun, filters=filters)
    whole, units, months = year.whole, year.units, year.months
    unit_ids = {u.kd_satker: u.pk for u in Unit.objects.filter(pemda=pemda)}
    key = capaian_key(target)
    for row in units:
        row["unit_id"] = unit_ids.get(row["kd_satker"]) if row["kd_satker"] else None
        row["light"] = light(row[key], goal)
        row["umk_light"] = light(row["porsi_umk_rencana"], target.umk_floor)
    name_units(units)
    sort_units(units, "capaian_pdn")
    return {
        "indicators": whole,
        "warnings": readable_warnings(whole["warnings"]),
        "incomplete": year_incomplete(whole),
        "units": units,
        "months": months,
        "trend": trend(target, whole, months, today),
        "target": goal,
        "target_obj": target,
        "target_now": path_at(target, today),
        "reported_capaian": reported_capaian(target, whole),
        "reported_umk": reported_umk_share(target, whole),
        "umk_floor": target.umk_floor,
        "capaian_light": (
            "incomplete"
            if key == "capaian_pdn" and year_incomplete(whole)
            else light(whole[key], goal)
        ),
        "headline": headline_capaian(target, whole),
        "performance": whole["indikator_pk"],
        "umk_light": light(whole["porsi_umk_rencana"], target.umk_floor),
        "years": years_with_data(pemda),
        "options": filter_options(pemda, tahun),
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
    wholes = rollup_wholes([p.pk for p in with_data], tahun)
    marks = refresh_marks([p.pk for p in with_data])
    ranked, without = [], []
    for pemda in pemdas:
        if not (pemda.has_rup or pemda.has_contract):
            without.append(pemda)
            continue
        if pemda.pk in wholes:
            figures = year_json(pemda, tahun, wholes[pemda.pk], marks[pemda.pk])
        else:
            figures = PemdaYear(pemda=pemda, tahun=tahun).whole
        ranked.append({**figures, "pemda": pemda, "level": pemda.region.level})
    incomplete = [r for r in ranked if year_incomplete(r)]
    for row in ranked:
        row["incomplete"] = row in incomplete
    by_capaian = sorted(
        (r for r in ranked if not r["incomplete"]),
        key=lambda r: Decimal(r["capaian_pdn"] or -1),
        reverse=True,
    )
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
        "incomplete": incomplete,
        "by_rupiah": by_rupiah,
        "awards": awards,
        "without_data": without,
        "without_tim": [p for p in pemda_scope if not p.has_tim_p3dn],
    }
