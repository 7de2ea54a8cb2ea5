"""The P3DN indicators of one Pemda and fiscal year, computed on the data as it stood on a date.

The definitions are the issue's, word for word, and are written out in docs/indicators.md.
The sums they start from (komitmen, belanja pengadaan, realisasi per channel) are procurement's
(``p3dn.procurement.sums``: from the import's rollup or from the facts); this module makes the
ratios of them (capaian and komposisi PDN, C16, and the UMK shares, C17, through the rules
library) and the JSON. Every number on the dashboard, in the API, in reports and on the CLI
comes from ``compute``, and every reader of a whole year (the Dasbor, the report, the Monev
snapshot, the exports, the API and the CLI) assembles it through ``PemdaYear``; the ranking reads
the whole-year JSON of many Pemda at once through ``year_json``, the part of it ``compute``
gives for the current data. Money stays exact (Decimal, cents kept); ratios are rounded
half-up to 6 decimals only when written out. A zero denominator gives null and a warning,
never an error.

``warnings`` is a list of objects ``{"code", "count", "nilai", "message"}`` (docs/quality.md):
each JSON (the whole year and every row) carries the codes its own figures decide (capaian
above 100%, the zero denominators); the whole year carries every data-quality warning of the
Pemda-year besides (``p3dn.quality.cached``), one object per code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from p3dn.accounts.models import Pemda, Unit
from p3dn.monitoring.classification import klasifikasi_json
from p3dn.monitoring.performance import performance_json
from p3dn.procurement.sums import CHANNELS, NO_FILTERS, Figures, Filters, collect
from p3dn.quality.cached import RefreshMark, year_warnings
from p3dn.quality.queries import CODES, FIGURE_CODES, figure_warnings
from p3dn.rules.indicators import capaian, umk_share

# The money of the indicator JSON, whole and per part (exact decimal strings), and its ratios
# (fractions with 6 decimals): the one list the exports, the report and Monev's deltas read.
MONEY_KEYS = (
    "pagu_penyedia",
    "komitmen_pdn",
    "komitmen_umk",
    "belanja_pengadaan",
    "realisasi_total",
    "realisasi_pdn",
    "realisasi_umk",
)
RATIO_KEYS = ("capaian_pdn", "komposisi_pdn", "porsi_umk_rencana", "porsi_umk_realisasi")
# The commitment of the template (Rencana APBD per perangkat daerah, as reported to Kemendagri)
# and the capaian against it: beside the RUP commitment, in the same JSON.
APBD_MONEY_KEYS = ("komitmen_pdn_apbd", "komitmen_umk_apbd")
APBD_RATIO_KEYS = ("capaian_pdn_apbd",)


def ratio_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def money_text(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def ratios(f: Figures) -> tuple[dict[str, Decimal | None], list[dict[str, Any]]]:
    """capaian and komposisi (C16) and the UMK shares (C17) from the rules library, and the
    warnings the figures say by themselves (a zero denominator, a capaian above 100%)."""
    total = f.total
    warnings = [w.as_json() for w in figure_warnings(f)]
    out: dict[str, Decimal | None] = {}
    if f.komitmen_pdn == 0:
        out["capaian_pdn"] = None
    else:
        out["capaian_pdn"] = capaian(realisasi_pdn=total.pdn, komitmen_pdn=f.komitmen_pdn).capaian
    if total.nilai == 0:
        out["komposisi_pdn"] = None
    else:
        out["komposisi_pdn"] = capaian(
            realisasi_pdn=total.pdn,
            komitmen_pdn=f.komitmen_pdn,
            realisasi_total_pengadaan=total.nilai,
        ).komposisi_pdn
    if f.belanja_pengadaan == 0:
        out["porsi_umk_rencana"] = out["porsi_umk_realisasi"] = None
    else:
        for key, tahap, value in (
            ("porsi_umk_rencana", "rencana", f.komitmen_umk),
            ("porsi_umk_realisasi", "realisasi", total.umk),
        ):
            out[key] = umk_share(
                tahap=tahap,
                bagian=[("nilai", value)],
                belanja_pengadaan=f.belanja_pengadaan,
                penyebut="belanja_pengadaan",
            ).pangsa
    return out, warnings


def apbd_json(f: Figures) -> dict[str, Any]:
    """The APBD commitment and the capaian against it (C16 of the rules library); null when no
    commitment template gives the Pemda (or unit) a PDN commitment."""
    total = f.total
    value = (
        capaian(realisasi_pdn=total.pdn, komitmen_pdn=f.komitmen_pdn_apbd).capaian
        if f.komitmen_pdn_apbd
        else None
    )
    return {
        "komitmen_pdn_apbd": money_text(f.komitmen_pdn_apbd),
        "komitmen_umk_apbd": money_text(f.komitmen_umk_apbd),
        "capaian_pdn_apbd": ratio_text(value),
    }


def figures_json(f: Figures) -> dict[str, Any]:
    total = f.total
    values, warnings = ratios(f)
    realisasi = {}
    for channel, money in f.realisasi.items():
        item: dict[str, Any] = {
            "nilai": money_text(money.nilai),
            "pdn": money_text(money.pdn),
            "umk": money_text(money.umk),
        }
        if channel in ("e_purchasing", "toko_daring"):
            item["belum_terklasifikasi"] = money_text(money.belum_terklasifikasi)
        item["klasifikasi"] = klasifikasi_json(channel, money)
        realisasi[channel] = item
    return {
        "pagu_penyedia": money_text(f.pagu_penyedia),
        "komitmen_pdn": money_text(f.komitmen_pdn),
        "komitmen_umk": money_text(f.komitmen_umk),
        "belanja_pengadaan": money_text(f.belanja_pengadaan),
        "realisasi": realisasi,
        "realisasi_total": money_text(total.nilai),
        "realisasi_pdn": money_text(total.pdn),
        "realisasi_umk": money_text(total.umk),
        "realisasi_pdn_estimasi": money_text(total.pdn_estimasi),
        "realisasi_umk_estimasi": money_text(total.umk_estimasi),
        **{k: ratio_text(v) for k, v in values.items()},
        "warnings": warnings,
        **apbd_json(f),
    }


def whole_warnings(
    own: list[dict[str, Any]],
    *,
    pemda: Pemda,
    tahun: int,
    as_of: dt.date | None,
    filtered: bool = False,
    mark: RefreshMark | None = None,
) -> list[dict[str, Any]]:
    """The warnings of a whole-year JSON: every data-quality warning of the Pemda-year
    (``quality.cached.year_warnings``), one per code in the order of ``quality.queries.CODES``.
    Narrowed by filters, the codes the figures decide come from the narrowed figures (``own``)."""
    found = {w["code"]: w for w in own} if filtered else {}
    for warning in year_warnings(pemda=pemda, tahun=tahun, as_of=as_of, mark=mark):
        if not (filtered and warning.code in FIGURE_CODES):
            found[warning.code] = warning.as_json()
    if not filtered:
        for w in own:  # the figures' own codes are the warnings' codes; never lose one
            found.setdefault(w["code"], w)
    return [found[code] for code in CODES if code in found]


def year_json(
    pemda: Pemda, tahun: int, figures: Figures, mark: RefreshMark | None = None
) -> dict[str, Any]:
    """What ``compute(pemda=…, tahun=…)`` returns, from a Pemda-year's whole figures (``mark``:
    the Pemda's import refresh mark, when the caller read those of many Pemda at once)."""
    result = {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "tahun": tahun,
        "as_of": None,
        **figures_json(figures),
        "indikator_pk": performance_json(figures, tahun, None),
    }
    result["warnings"] = whole_warnings(
        result["warnings"], pemda=pemda, tahun=tahun, as_of=None, mark=mark
    )
    return result


def compute(
    *,
    pemda: Pemda,
    tahun: int,
    as_of: dt.date | None = None,
    by: str | None = None,
    filters: Filters = NO_FILTERS,
) -> dict[str, Any]:
    """The indicator JSON of a Pemda-year (with ``rows`` per satker, channel or month)."""
    result: dict[str, Any] = {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "tahun": tahun,
        "as_of": as_of.isoformat() if as_of else None,
    }
    if filters.active:
        result["filters"] = {
            "channels": list(filters.channels),
            "jenis_pengadaan": filters.jenis_pengadaan or None,
            "metode_pengadaan": filters.metode_pengadaan or None,
            "sumber_dana": filters.sumber_dana or None,
        }
    whole = collect(pemda, tahun, as_of, filters=filters)[""]
    result.update(figures_json(whole))
    result["warnings"] = whole_warnings(
        result["warnings"], pemda=pemda, tahun=tahun, as_of=as_of, filtered=filters.active
    )
    result["indikator_pk"] = performance_json(whole, tahun, as_of)
    if by == "channel":
        result["rows"] = [{"channel": c, **result["realisasi"][c]} for c in CHANNELS]
    elif by in ("satker", "month"):
        parts = collect(pemda, tahun, as_of, by, filters)
        units = {str(u.pk): u for u in Unit.objects.filter(pemda=pemda)}
        rows = []
        for key in sorted(parts, key=lambda k: (units[k].name if k in units else "~", k)):
            row: dict[str, str | None]
            if by == "satker":
                unit = units.get(key)
                row = {
                    "kd_satker": unit.kd_satker if unit else None,
                    "kd_satker_str": unit.kd_satker_str if unit else None,
                    "nama_satker": unit.name if unit else None,
                }
            else:
                row = {"bulan": key or None}
            figures = figures_json(parts[key])
            if by == "satker":
                figures["indikator_pk"] = performance_json(parts[key], tahun, as_of)
            rows.append({**row, **figures})
        result["rows"] = rows
    return result


@dataclass
class PemdaYear:
    """One Pemda-year's indicators as every reader assembles them: the Dasbor
    (``queries.summarise_dashboard``), the report (``reports.documents.build_report``), the Monev
    snapshot (``monev.services.take_snapshot``), the Dasbor exports, the API and the CLI.

    ``whole`` is the JSON of the whole year, ``units`` and ``months`` its rows per perangkat
    daerah and per month, ``json(by)`` the JSON with the rows of ``by`` (what the API and the
    CLI answer and a snapshot stores). Each part is computed once, when first read."""

    pemda: Pemda
    tahun: int
    as_of: dt.date | None = None
    filters: Filters = field(default=NO_FILTERS)

    def json(self, by: str | None = None) -> dict[str, Any]:
        """``compute`` of this year, with the rows of ``by`` (None: the whole year only)."""
        if by is None:
            return self.whole
        return compute(
            pemda=self.pemda, tahun=self.tahun, as_of=self.as_of, by=by, filters=self.filters
        )

    @cached_property
    def whole(self) -> dict[str, Any]:
        return compute(pemda=self.pemda, tahun=self.tahun, as_of=self.as_of, filters=self.filters)

    @cached_property
    def units(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.json("satker")["rows"]
        return rows

    @cached_property
    def months(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.json("month")["rows"]
        return rows
