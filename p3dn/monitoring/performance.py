"""The Perjanjian Kinerja indicator (C20) of a Pemda-year or of one perangkat daerah, from the
data: % realisasi belanja barang/jasa of TKDN, PDN and/or UMKK products, each rupiah counted
once, over the whole realization, with the quarter's target.

It is the rules library's ``indicator_p3dn`` (the function the calculator uses) fed with what
the sums give: the realization that is PDN (TKDN-certified goods are domestic: recorded as PDN
wherever the sources say so), the part that is UMKK and not PDN (``Figures.tkdn_pdn_umkk`` less
the PDN part: ``sums.union_of`` counts each row's rupiah once) and the rest. docs/indicators.md
says exactly what is counted. Where the data cannot give a right figure the indicator is null
with the reason; where part of the realization is not yet classified the figure is a lower
bound and says so.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p3dn.procurement.sums import ZERO, Figures
from p3dn.rules.errors import RuleInputError
from p3dn.rules.indicators import IndicatorLine, indicator_p3dn
from p3dn.rules.params import DEFAULT_PARAMS, Params


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _ratio(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def quarter_on(tahun: int, day: dt.date) -> int:
    """The quarter of ``tahun`` that ``day`` is in: 1 before the year, 4 after it."""
    if day.year < tahun:
        return 1
    if day.year > tahun:
        return 4
    return (day.month - 1) // 3 + 1


def quarter_target(triwulan: int, params: Params = DEFAULT_PARAMS) -> Decimal:
    """The quarter's target of the rules parameters; a quarter without one is held to the Q4
    target (80%): the indicator is a share of what was spent, not progress through the year."""
    value: Decimal | None = getattr(params, f"indicator_target_q{triwulan}")
    return value if value is not None else params.indicator_target_q4


# Why the indicator is null or a lower bound: English msgids, said in Indonesian (p3dn/locale).
REASONS = {
    "tanpa_realisasi": _("There is no realization yet: the indicator cannot be computed."),
    "melebihi_realisasi": _(
        "A recorded PDN or UMK value exceeds its realization value (data to correct, see the "
        "data quality): the indicator is not shown rather than shown wrong."
    ),
    "belum_terklasifikasi": _(
        "Part of the realization is not yet classified as PDN (e-Katalog without product data, "
        "Toko Daring): it counts as neither TKDN, PDN nor UMKK, so the indicator is a lower "
        "bound and cannot be judged against a target it is below."
    ),
}


def performance_json(
    f: Figures, tahun: int, as_of: dt.date | None, params: Params = DEFAULT_PARAMS
) -> dict[str, Any]:
    """C20 of ``f`` as JSON, with the target of the quarter of ``as_of`` (today when None)."""
    total = f.total
    pdn = total.pdn
    umkk_only = max(f.tkdn_pdn_umkk - pdn, ZERO)
    counted = pdn + umkk_only
    triwulan = quarter_on(tahun, as_of or timezone.localdate())
    target = quarter_target(triwulan, params)
    out: dict[str, Any] = {
        "definisi": params.indicator_definition,
        "tkdn_pdn": _money(pdn),
        "umkk_selain_pdn": _money(umkk_only),
        "nilai_terhitung": _money(counted),
        "total_realisasi": _money(total.nilai),
        "belum_terklasifikasi": _money(total.belum_terklasifikasi),
        "indikator": None,
        "triwulan": triwulan,
        "target": _ratio(target),
        "target_q4": _ratio(params.indicator_target_q4),
        "memenuhi_target": None,
        "batas_bawah": False,
        "alasan": [],
    }
    reasons: list[str] = []
    if total.nilai == 0:
        reasons.append("tanpa_realisasi")
    elif counted > total.nilai:
        reasons.append("melebihi_realisasi")
    else:
        lines = [
            IndicatorLine("PDN", pdn, pdn=True),
            IndicatorLine("UMKK", umkk_only, umkk=True),
        ]
        try:
            result = indicator_p3dn(
                lines, total_realisasi=total.nilai, triwulan=triwulan, target=target,
                params=params,
            )
        except RuleInputError:  # negative sums: the data, not the Pemda
            reasons.append("melebihi_realisasi")
        else:
            out["indikator"] = _ratio(result.indikator)
            out["memenuhi_target"] = result.memenuhi_target
            if total.belum_terklasifikasi > 0:
                out["batas_bawah"] = True
                reasons.append("belum_terklasifikasi")
                if not result.memenuhi_target:  # a lower bound below the target says nothing
                    out["memenuhi_target"] = None
    out["alasan"] = [{"code": code, "message": str(REASONS[code])} for code in reasons]
    return out
