"""C10: Bobot Manfaat Perusahaan (BMP), capped at 15%, and TKDN + BMP.

The factor menus are dated data: four factors under Permenperin 16/2011 (weights not found,
configurable, equal by default) and the 15-factor menu of Permenperin 35/2025 (weights from
news; the industrial-HR weight is in conflict and configurable). BMP belongs to the company
and applies to all its TKDN-certified products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import FieldError, Problems
from p3dn.rules.params import DEFAULT_PARAMS, Confidence, Params, unconfirmed

R16 = "permenperin16_2011"
R35 = "permenperin35_2025"


@dataclass(frozen=True)
class BmpFactor:
    """A factor of a menu. Its weight is ``weight`` or, when ``param`` is set, that parameter."""

    code: str
    label_id: str
    weight: Decimal | None
    confidence: Confidence
    param: str | None = None

    def weight_in(self, params: Params) -> Decimal:
        if self.param is not None:
            value = getattr(params, self.param)
            assert isinstance(value, Decimal)
            return value
        assert self.weight is not None
        return self.weight


def _menu35(code: str, label: str, weight: str) -> BmpFactor:
    return BmpFactor(code, label, Decimal(weight), Confidence.SECONDARY)


BMP_MENUS: dict[str, tuple[BmpFactor, ...]] = {
    # Pasal 13: BMP = accumulated factor weights x maximum weight (15%); weights not found.
    R16: (
        BmpFactor(
            "kemitraan",
            "Kemitraan dengan usaha mikro, kecil dan koperasi",
            None,
            Confidence.NOT_FOUND,
            "bmp16_weight_kemitraan",
        ),
        BmpFactor(
            "k3l",
            "Keselamatan dan kesehatan kerja dan lingkungan (K3L/SMK3)",
            None,
            Confidence.NOT_FOUND,
            "bmp16_weight_k3l",
        ),
        BmpFactor(
            "pengembangan_masyarakat",
            "Pemberdayaan/pengembangan masyarakat",
            None,
            Confidence.NOT_FOUND,
            "bmp16_weight_pengembangan_masyarakat",
        ),
        BmpFactor(
            "purna_jual",
            "Fasilitas pelayanan purna jual",
            None,
            Confidence.NOT_FOUND,
            "bmp16_weight_purna_jual",
        ),
    ),
    # soalindonesia.com, aktual.com (DOMAIN.md 2.2): weights are percentage points of BMP.
    R35: (
        _menu35("penyerapan_tenaga_kerja", "Penyerapan tenaga kerja", "0.04"),
        _menu35("investasi_baru", "Investasi baru", "0.04"),
        _menu35("kemitraan_rantai_pasok", "Kemitraan dan rantai pasok", "0.04"),
        _menu35("industri_pionir", "Industri pionir/substitusi impor", "0.04"),
        _menu35("mesin_dalam_negeri", "Mesin/peralatan buatan dalam negeri", "0.04"),
        _menu35("lokasi_perusahaan", "Lokasi perusahaan", "0.04"),
        _menu35("merek_dalam_negeri", "Merek dalam negeri", "0.02"),
        _menu35("industri_4_0", "Industri 4.0", "0.02"),
        _menu35("industri_hijau", "Industri hijau", "0.02"),
        BmpFactor(
            "pengembangan_sdm",
            "Pengembangan SDM industri",
            None,
            Confidence.CONFLICT,
            "bmp35_weight_pengembangan_sdm",
        ),
        _menu35("nilai_ekspor", "Nilai ekspor", "0.02"),
        _menu35("sertifikasi_akreditasi", "Sertifikasi/akreditasi", "0.01"),
        _menu35("esg", "Environmental, social and governance (ESG)", "0.01"),
        _menu35("penghargaan", "Penghargaan", "0.01"),
        _menu35("kepatuhan_siinas", "Kepatuhan pelaporan SIINas", "0.01"),
    ),
}


@dataclass(frozen=True)
class SelectedFactor:
    """A factor the company meets; ``capaian`` is the share of its weight achieved (default all)."""

    kode: str
    capaian: Decimal = ONE


@dataclass(frozen=True)
class FactorScore:
    kode: str
    label_id: str
    bobot: Decimal
    capaian: Decimal
    nilai: Decimal
    confidence: Confidence


@dataclass(frozen=True)
class BmpResult:
    regulation: str
    bmp: Decimal
    bmp_sebelum_batas: Decimal
    dibatasi: bool
    factors: tuple[FactorScore, ...]
    tkdn: Decimal | None
    tkdn_plus_bmp: Decimal | None
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def check_factors(factors: Sequence[SelectedFactor], regulation: str) -> list[FieldError]:
    """Problems in the selected factors: codes must be on the regulation's menu, once each."""
    problems = Problems()
    problems.choice("regulation", regulation, BMP_MENUS)
    codes = [m.code for m in BMP_MENUS.get(regulation, ())]
    for i, s in enumerate(factors):
        if codes:
            problems.choice(f"faktor[{i}].kode", s.kode, codes)
        problems.fraction(f"faktor[{i}].capaian", s.capaian, "Capaian")
    problems.duplicates("faktor", (s.kode for s in factors), key="kode")
    return problems.errors


def bmp(
    factors: Sequence[SelectedFactor],
    *,
    regulation: str,
    tkdn: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> BmpResult:
    """C10: BMP = min(sum of factor scores, 15%); with ``tkdn``, also TKDN + BMP.

    Legal basis: Permenperin 16/M-IND/PER/2/2011 Pasal 13 (BMP = accumulated factor weights x
    maximum weight 15%); Permenperin 35/2025 (15-factor menu, total capped at 15%).
    """
    problems = Problems()
    problems.extend(check_factors(factors, regulation))
    problems.fraction("tkdn", tkdn)
    problems.raise_if_any()
    menu = {m.code: m for m in BMP_MENUS[regulation]}
    scores: list[FactorScore] = []
    notes: list[str] = ["bmp_max"]
    text: list[str] = []
    for s in factors:
        factor = menu[s.kode]
        weight = factor.weight_in(params)
        if regulation == R16:
            value = params.bmp_max * weight * s.capaian
            text.append(
                f"{factor.label_id}: {f.pct(params.bmp_max)} {f.TIMES} bobot {f.pct(weight)} "
                f"{f.TIMES} "
                f"capaian {f.pct(s.capaian)} = {f.pct(value)}."
            )
        else:
            value = weight * s.capaian
            text.append(
                f"{factor.label_id}: bobot {f.pct(weight)} {f.TIMES} capaian {f.pct(s.capaian)} = "
                f"{f.pct(value)}."
            )
        scores.append(
            FactorScore(s.kode, factor.label_id, weight, s.capaian, value, factor.confidence)
        )
        if factor.param:
            notes.append(factor.param)
    notes.append("bmp16_scoring" if regulation == R16 else "bmp35_weights")
    total = sum((x.nilai for x in scores), ZERO)
    value = min(total, params.bmp_max)
    capped = total > params.bmp_max
    if not scores:
        text.append("Tidak ada faktor yang dipenuhi.")
    text.append(
        f"BMP = min({f.pct(total)}, {f.pct(params.bmp_max)}) = {f.pct(value)}"
        + (" (dibatasi 15%)." if capped else ".")
    )
    plus = None
    if tkdn is not None:
        plus = tkdn + value
        text.append(f"TKDN + BMP = {f.pct(tkdn)} + {f.pct(value)} = {f.pct(plus)}.")
    return BmpResult(
        regulation=regulation,
        bmp=value,
        bmp_sebelum_batas=total,
        dibatasi=capped,
        factors=tuple(scores),
        tkdn=tkdn,
        tkdn_plus_bmp=plus,
        legal_basis=(
            "Permenperin 16/M-IND/PER/2/2011 Pasal 13"
            if regulation == R16
            else "Permenperin 35/2025 (faktor penentu BMP, paling tinggi 15%)"
        ),
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes) if scores else unconfirmed(params, ["bmp_max"]),
    )
