"""C11: TKDN-IK, the small-industry self-assessment (Permenperin 46/2022; 35/2025 self-declare)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed

R46 = "permenperin46_2022"
R35 = "permenperin35_2025"

COMPONENTS = (
    ("material", "material langsung", "ik_cap_material"),
    ("tenaga_kerja", "tenaga kerja langsung", "ik_cap_labour"),
    ("overhead", "biaya tidak langsung pabrik", "ik_cap_overhead"),
    ("pengembangan", "biaya pengembangan", "ik_cap_development"),
)


@dataclass(frozen=True)
class IkScore:
    komponen: str
    skor: Decimal  # claimed
    batas: Decimal | None  # cap, None when lifted
    dihitung: Decimal  # counted


@dataclass(frozen=True)
class TkdnIkResult:
    regulation: str
    tkdn_ik: Decimal
    minimum: Decimal
    dapat_disertifikasi: bool
    scores: tuple[IkScore, ...]
    industri_kecil: bool | None
    masa_berlaku_tahun: int
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def tkdn_ik(
    *,
    regulation: str,
    material: Decimal,
    tenaga_kerja: Decimal,
    overhead: Decimal,
    pengembangan: Decimal,
    modal_usaha: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> TkdnIkResult:
    """C11: TKDN-IK = sum of component scores (fractions of the product value).

    Legal basis: Permenperin 46/2022 — each component capped (material 24%, labour 10%,
    overhead 4%, development 2%, total at most 40%), a certificate needs at least 25%, valid 3
    years. Permenperin 35/2025 — self-declare, the 40% cap lifted (components summed without
    caps, assumption), valid 5 years. ``modal_usaha`` checks the small-industry criterion
    (capital at most Rp5 miliar excluding land and buildings).
    """
    claimed = {
        "material": material,
        "tenaga_kerja": tenaga_kerja,
        "overhead": overhead,
        "pengembangan": pengembangan,
    }
    problems = Problems()
    problems.choice("regulation", regulation, (R46, R35))
    for key, value in claimed.items():
        problems.fraction(key, value, "Skor")
    problems.negative("modal_usaha", modal_usaha)
    problems.raise_if_any()
    capped = regulation == R46
    scores: list[IkScore] = []
    text: list[str] = []
    notes: list[str] = []
    for key, label, cap_name in COMPONENTS:
        cap: Decimal | None = getattr(params, cap_name) if capped else None
        counted = min(claimed[key], cap) if cap is not None else claimed[key]
        scores.append(IkScore(key, claimed[key], cap, counted))
        if cap is not None:
            notes.append(cap_name)
            cut = f" {f.ARROW} dibatasi {f.pct(cap)}" if claimed[key] > cap else ""
            text.append(f"Skor {label} {f.pct(claimed[key])} (batas {f.pct(cap)}){cut}.")
        else:
            text.append(f"Skor {label} {f.pct(claimed[key])} (tanpa batas, self-declare).")
    total = sum((s.dihitung for s in scores), ZERO)
    if not capped:
        notes.append("ik35_method")
        if total > ONE:
            text.append(f"Jumlah {f.pct(total)} dibatasi 100%.")
            total = ONE
    minimum = params.ik_min_certifiable if capped else params.ik35_min_certifiable
    notes.append("ik_min_certifiable" if capped else "ik35_min_certifiable")
    text.append(
        "TKDN-IK = " + " + ".join(f.pct(s.dihitung) for s in scores) + f" = {f.pct(total)}."
    )
    ok = total >= minimum
    text.append(
        f"TKDN-IK {f.pct(total)} {f.GE if ok else '<'} {f.pct(minimum)} {f.ARROW} "
        + ("dapat disertifikasi." if ok else "belum dapat disertifikasi.")
    )
    small = None
    if modal_usaha is not None:
        small = modal_usaha <= params.industri_kecil_modal_max
        notes.append("industri_kecil_modal_max")
        text.append(
            f"Modal usaha {f.rp(modal_usaha)} {f.LE if small else '>'} "
            f"{f.rp(params.industri_kecil_modal_max)} {f.ARROW} "
            + ("industri kecil." if small else "bukan industri kecil: TKDN-IK tidak dapat dipakai.")
        )
    years = params.cert_validity_years_ik_46_2022 if capped else params.cert_validity_years_35_2025
    notes.append("cert_validity_years_ik_46_2022" if capped else "cert_validity_years_35_2025")
    text.append(
        f"Masa berlaku sertifikat {years} tahun"
        + (
            f", dapat diperpanjang sekali {params.cert_extension_years_ik_46_2022} tahun."
            if capped
            else "."
        )
    )
    return TkdnIkResult(
        regulation=regulation,
        tkdn_ik=total,
        minimum=minimum,
        dapat_disertifikasi=ok and small is not False,
        scores=tuple(scores),
        industri_kecil=small,
        masa_berlaku_tahun=years,
        legal_basis="Permenperin 46/2022 (TKDN industri kecil)"
        if capped
        else "Permenperin 35/2025 (TKDN industri kecil, self-declare)",
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )
