"""Configuration of the rules: every threshold with its documented default and its confidence.

Values that DOMAIN.md marks [conflict], [not found] or [secondary] are parameters, never
hard-coded constants. Each default carries its confidence and source, so a page can say when
a result rests on an unconfirmed default (results list them under ``unconfirmed``).
Assumptions that are not numbers (how an unclear clause is read) are listed in ``ASSUMPTIONS``
and are reported the same way.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Confidence(StrEnum):
    """DOMAIN.md's confidence tags."""

    CONFIRMED = "confirmed"
    SECONDARY = "secondary"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class ParamInfo:
    """What a parameter (or an assumption) is, where its default comes from, how sure it is."""

    name: str
    label_id: str
    label_en: str
    confidence: Confidence
    source: str
    kind: str  # "decimal", "decimal_or_none", "int", "choice", "text", "assumption"
    choices: tuple[str, ...] = ()
    default: object = None

    @property
    def confirmed(self) -> bool:
        return self.confidence is Confidence.CONFIRMED


_C = Confidence.CONFIRMED
_S = Confidence.SECONDARY
_X = Confidence.CONFLICT
_N = Confidence.NOT_FOUND


@dataclass(frozen=True)
class Params:
    """Every configurable value the rules use. ``Params()`` holds the documented defaults;
    ``_INFO`` below says what each one is, where its default comes from and how sure it is."""

    # C1, C2: obligation and tiers
    pdn_min_tkdn_bmp: Decimal = Decimal("0.40")
    tkdn_min_pdn: Decimal = Decimal("0.25")
    bmp_max: Decimal = Decimal("0.15")
    # C3, C4: price preference
    preference_hps_min: Decimal = Decimal("1000000000")
    preference_tkdn_min: Decimal = Decimal("0.25")
    preference_max: Decimal = Decimal("0.25")
    preference_formula: str = "perpres12_2021"
    # C5, C6: goods
    tier2_item_max_share: Decimal = Decimal("0.03")
    tier2_total_max_share: Decimal = Decimal("0.10")
    tkdn35_investment_floor: Decimal = Decimal("0.25")
    tkdn35_rd_bonus_max: Decimal = Decimal("0.20")
    tkdn35_incentive_mode: str = "floor_then_add"
    tkdn35_weight_material: Decimal | None = None
    tkdn35_weight_labour: Decimal | None = None
    tkdn35_weight_overhead: Decimal | None = None
    # C10: BMP
    bmp16_weight_kemitraan: Decimal = Decimal("0.25")
    bmp16_weight_k3l: Decimal = Decimal("0.25")
    bmp16_weight_pengembangan_masyarakat: Decimal = Decimal("0.25")
    bmp16_weight_purna_jual: Decimal = Decimal("0.25")
    bmp35_weight_pengembangan_sdm: Decimal = Decimal("0.02")
    # C11: TKDN-IK
    ik_cap_material: Decimal = Decimal("0.24")
    ik_cap_labour: Decimal = Decimal("0.10")
    ik_cap_overhead: Decimal = Decimal("0.04")
    ik_cap_development: Decimal = Decimal("0.02")
    ik_min_certifiable: Decimal = Decimal("0.25")
    ik35_min_certifiable: Decimal = Decimal("0.25")
    industri_kecil_modal_max: Decimal = Decimal("5000000000")
    # C12: certificates
    cert_validity_years_16_2011: int = 3
    cert_validity_years_ik_46_2022: int = 3
    cert_extension_years_ik_46_2022: int = 2
    cert_validity_years_35_2025: int = 5
    cert_expiry_warning_days: int = 60
    tkdn_not_applicable_sentinel: Decimal = Decimal("999.99")
    # C17, C18, C19: UMK
    umk_min_share: Decimal = Decimal("0.40")
    umk_denominator: str = "belanja_pengadaan"
    reserved_pagu_max: Decimal = Decimal("15000000000")
    size_mikro_modal_max: Decimal = Decimal("1000000000")
    size_kecil_modal_max: Decimal = Decimal("5000000000")
    size_menengah_modal_max: Decimal = Decimal("10000000000")
    size_mikro_sales_max: Decimal = Decimal("2000000000")
    size_kecil_sales_max: Decimal = Decimal("15000000000")
    size_menengah_sales_max: Decimal = Decimal("50000000000")
    enterprise_size_basis: str = "modal"
    # C20: performance indicator (customer-defined)
    indicator_target_q1: Decimal | None = None
    indicator_target_q2: Decimal | None = None
    indicator_target_q3: Decimal | None = None
    indicator_target_q4: Decimal = Decimal("0.80")
    indicator_definition: str = (
        "% realisasi belanja barang/jasa produk bersertifikat TKDN, PDN dan/atau produk UMKK = "
        "realisasi belanja yang TKDN, PDN atau UMKK (setiap rupiah dihitung sekali) / "
        "total realisasi belanja barang/jasa"
    )


# name: (confidence, label_id, label_en, source[, choices])
_INFO: dict[str, tuple[Any, ...]] = {
    # C1, C2: obligation and tiers
    "pdn_min_tkdn_bmp": (
        _C,
        "Ambang TKDN + BMP produk wajib",
        "TKDN + BMP threshold of the obligation",
        "Perpres 16/2018 jo. 12/2021 Pasal 66 ayat (2)",
    ),
    "tkdn_min_pdn": (
        _C,
        "TKDN minimum PDN yang dibeli",
        "Minimum TKDN of the domestic product bought",
        "PP 29/2018 Pasal 61; Inpres 2/2022; Perpres 46/2025 Pasal 66 ayat (2)",
    ),
    "bmp_max": (
        _C,
        "BMP maksimum",
        "Maximum BMP",
        "Permenperin 16/2011 Pasal 13; Permenperin 35/2025",
    ),
    # C3, C4: price preference
    "preference_hps_min": (
        _C,
        "HPS minimum preferensi (harus di atas)",
        "HPS floor for preference (must be above)",
        "Perpres 12/2021 Pasal 67 ayat (2)",
    ),
    "preference_tkdn_min": (
        _C,
        "TKDN minimum penerima preferensi",
        "Minimum TKDN for preference",
        "Perpres 12/2021 Pasal 67 ayat (3) huruf a",
    ),
    "preference_max": (
        _C,
        "Preferensi harga tertinggi",
        "Maximum price preference",
        "Perpres 12/2021 Pasal 67 ayat (3) huruf b",
    ),
    "preference_formula": (
        _X,
        "Rumus HEA bawaan",
        "Default HEA formula",
        "DOMAIN.md 1.4: (1 - KP) x HP (Buku Saku P3DN) vs HP / (1 + KP) (era Perpres 54/2010)",
        ("perpres12_2021", "legacy"),
    ),
    # C5, C6: goods
    "tier2_item_max_share": (
        _C,
        "Batas biaya satu barang lapis kedua",
        "Cost cap of one tier-2 item",
        "Permenperin 16/2011 Pasal 4",
    ),
    "tier2_total_max_share": (
        _C,
        "Batas jumlah barang lapis kedua",
        "Cap on all tier-2 items together",
        "Permenperin 16/2011 Pasal 4",
    ),
    "tkdn35_investment_floor": (
        _S,
        "TKDN minimum bagi produsen yang berinvestasi",
        "TKDN floor for investing producers",
        "Permenperin 35/2025 (berita, lampung7.com)",
    ),
    "tkdn35_rd_bonus_max": (
        _S,
        "Tambahan TKDN maksimum untuk litbang",
        "Maximum R&D add-on",
        "Permenperin 35/2025 (berita, lampung7.com)",
    ),
    "tkdn35_incentive_mode": (
        _N,
        "Urutan insentif lantai 25% dan tambahan litbang",
        "How the 25% floor and the R&D add-on combine",
        "not found (DOMAIN.md 2.2)",
        ("floor_then_add", "add_then_floor"),
    ),
    "tkdn35_weight_material": (
        _N,
        "Bobot material (kosong = menurut biaya)",
        "Material weight (empty = by cost)",
        "Lampiran Permenperin 35/2025 not read (DOMAIN.md 2.2)",
    ),
    "tkdn35_weight_labour": (
        _N,
        "Bobot tenaga kerja (kosong = menurut biaya)",
        "Labour weight (empty = by cost)",
        "Lampiran Permenperin 35/2025 not read (DOMAIN.md 2.2)",
    ),
    "tkdn35_weight_overhead": (
        _N,
        "Bobot biaya tidak langsung pabrik (kosong = menurut biaya)",
        "Overhead weight (empty = by cost)",
        "Lampiran Permenperin 35/2025 not read (DOMAIN.md 2.2)",
    ),
    # C10: BMP
    "bmp16_weight_kemitraan": (
        _N,
        "Bobot faktor kemitraan (16/2011)",
        "Weight of partnership factor (16/2011)",
        "not found; equal weights assumed",
    ),
    "bmp16_weight_k3l": (
        _N,
        "Bobot faktor K3L (16/2011)",
        "Weight of K3L factor (16/2011)",
        "not found; equal weights assumed",
    ),
    "bmp16_weight_pengembangan_masyarakat": (
        _N,
        "Bobot faktor pengembangan masyarakat (16/2011)",
        "Weight of community factor (16/2011)",
        "not found; equal weights assumed",
    ),
    "bmp16_weight_purna_jual": (
        _N,
        "Bobot faktor layanan purna jual (16/2011)",
        "Weight of after-sales factor (16/2011)",
        "not found; equal weights assumed",
    ),
    "bmp35_weight_pengembangan_sdm": (
        _X,
        "Bobot pengembangan SDM industri (35/2025)",
        "Weight of industrial HR development (35/2025)",
        "2% soalindonesia.com, aktual.com; 1% konsultanindustri.com",
    ),
    # C11: TKDN-IK
    "ik_cap_material": (
        _S,
        "Batas komponen material TKDN-IK",
        "TKDN-IK material cap",
        "Permenperin 46/2022",
    ),
    "ik_cap_labour": (
        _S,
        "Batas komponen tenaga kerja TKDN-IK",
        "TKDN-IK labour cap",
        "Permenperin 46/2022",
    ),
    "ik_cap_overhead": (
        _S,
        "Batas komponen overhead TKDN-IK",
        "TKDN-IK overhead cap",
        "Permenperin 46/2022",
    ),
    "ik_cap_development": (
        _S,
        "Batas komponen pengembangan TKDN-IK",
        "TKDN-IK development cap",
        "Permenperin 46/2022",
    ),
    "ik_min_certifiable": (
        _S,
        "TKDN-IK minimum untuk sertifikat",
        "Minimum TKDN-IK for a certificate",
        "Permenperin 46/2022",
    ),
    "ik35_min_certifiable": (
        _N,
        "TKDN-IK minimum (self-declare 35/2025)",
        "Minimum TKDN-IK (35/2025 self-declare)",
        "not found; 46/2022 value kept",
    ),
    "industri_kecil_modal_max": (
        _S,
        "Modal maksimum industri kecil",
        "Capital ceiling of a small industry",
        "abdulkhalik.com (Permenperin 46/2022)",
    ),
    # C12: certificates
    "cert_validity_years_16_2011": (
        _X,
        "Masa berlaku sertifikat TKDN 16/2011 (tahun)",
        "TKDN certificate validity 16/2011 (years)",
        "3 years most outlets, 2 years some consultants (DOMAIN.md 1.7)",
    ),
    "cert_validity_years_ik_46_2022": (
        _S,
        "Masa berlaku sertifikat TKDN-IK (tahun)",
        "TKDN-IK certificate validity (years)",
        "hotfokus.com",
    ),
    "cert_extension_years_ik_46_2022": (
        _S,
        "Perpanjangan sertifikat TKDN-IK (tahun, sekali)",
        "TKDN-IK extension (years, once)",
        "hotfokus.com",
    ),
    "cert_validity_years_35_2025": (
        _S,
        "Masa berlaku sertifikat 35/2025 (tahun)",
        "Certificate validity 35/2025 (years)",
        "klikwartaku.com, ecobiz.asia",
    ),
    "cert_expiry_warning_days": (
        _S,
        "Peringatan sebelum berakhir (hari)",
        "Warning before expiry (days)",
        "darkneko-id/apdn_app practice",
    ),
    "tkdn_not_applicable_sentinel": (
        _S,
        "Nilai TKDN 'tidak berlaku' di ekspor Kemenperin",
        "TKDN 'not applicable' value in the Kemenperin export",
        "darkneko-id/apdn_app parser",
    ),
    # C17, C18, C19: UMK
    "umk_min_share": (
        _C,
        "Alokasi minimum untuk UMK dan koperasi",
        "Minimum allocation to UMK and cooperatives",
        "Perpres 12/2021 Pasal 65 ayat (3)",
    ),
    "umk_denominator": (
        _N,
        "Penyebut pangsa UMK",
        "Denominator of the UMK share",
        "not found (DOMAIN.md 6, C17)",
        ("belanja_pengadaan", "belanja_barang_jasa"),
    ),
    "reserved_pagu_max": (
        _C,
        "Pagu maksimum paket dicadangkan untuk usaha kecil",
        "Pagu ceiling of packages reserved for small business",
        "Perpres 12/2021 Pasal 65 ayat (4)",
    ),
    "size_mikro_modal_max": (
        _C,
        "Modal maksimum usaha mikro",
        "Micro: capital ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "size_kecil_modal_max": (
        _C,
        "Modal maksimum usaha kecil",
        "Small: capital ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "size_menengah_modal_max": (
        _C,
        "Modal maksimum usaha menengah",
        "Medium: capital ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "size_mikro_sales_max": (
        _C,
        "Penjualan tahunan maksimum usaha mikro",
        "Micro: annual sales ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "size_kecil_sales_max": (
        _C,
        "Penjualan tahunan maksimum usaha kecil",
        "Small: annual sales ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "size_menengah_sales_max": (
        _C,
        "Penjualan tahunan maksimum usaha menengah",
        "Medium: annual sales ceiling",
        "PP 7/2021 Pasal 35",
    ),
    "enterprise_size_basis": (
        _N,
        "Kriteria utama bila modal dan penjualan berbeda",
        "Criterion that decides when capital and sales disagree",
        "not found in DOMAIN.md",
        ("modal", "penjualan"),
    ),
    # C20: performance indicator (customer-defined)
    "indicator_target_q1": (
        _N,
        "Target indikator triwulan I",
        "Indicator target Q1",
        "customer-supplied",
    ),
    "indicator_target_q2": (
        _N,
        "Target indikator triwulan II",
        "Indicator target Q2",
        "customer-supplied",
    ),
    "indicator_target_q3": (
        _N,
        "Target indikator triwulan III",
        "Indicator target Q3",
        "customer-supplied",
    ),
    "indicator_target_q4": (
        _N,
        "Target indikator triwulan IV",
        "Indicator target Q4",
        "brief (Q4 = 80%); DKI Perjanjian Kinerja 80%",
    ),
    "indicator_definition": (
        _N,
        "Definisi indikator",
        "Indicator definition",
        "customer-supplied (DOMAIN.md 3.4, 8.7)",
    ),
}


DEFAULT_PARAMS = Params()

# Readings of unclear clauses, reported under ``unconfirmed`` whenever a result relies on one.
ASSUMPTIONS: dict[str, ParamInfo] = {
    info.name: info
    for info in (
        ParamInfo(
            "tier2_rule_reading",
            "Aturan lapis kedua: batas 3% terhadap harga barang jadi; "
            "batas 10% diisi mulai dari barang termurah",
            "Tier-2 rule: 3% measured on the finished product cost; the 10% cap is filled "
            "cheapest first",
            _S,
            "Permenperin 16/2011 Pasal 4 (summary only)",
            "assumption",
        ),
        ParamInfo(
            "tkdn35_uncertified_domestic",
            "35/2025: komponen dalam negeri tanpa nilai TKDN dihitung 100%",
            "35/2025: a domestic component without a TKDN value counts 100%",
            _N,
            "Lampiran Permenperin 35/2025 not read",
            "assumption",
        ),
        ParamInfo(
            "tkdn35_services_method",
            "35/2025: TKDN jasa dihitung seperti 16/2011 Pasal 8",
            "35/2025: services TKDN computed as under 16/2011 Pasal 8",
            _N,
            "Lampiran Permenperin 35/2025 not read",
            "assumption",
        ),
        ParamInfo(
            "bmp16_scoring",
            "BMP 16/2011 = 15% x jumlah (bobot faktor x capaian)",
            "BMP 16/2011 = 15% x sum(factor weight x achievement)",
            _S,
            "acerforindonesia.id (Pasal 13 summary)",
            "assumption",
        ),
        ParamInfo(
            "bmp35_weights",
            "Bobot faktor BMP 35/2025 dari berita (4%/2%/1%)",
            "BMP 35/2025 factor weights from news (4%/2%/1%)",
            _S,
            "soalindonesia.com; aktual.com",
            "assumption",
        ),
        ParamInfo(
            "ik35_method",
            "TKDN-IK self-declare 35/2025: jumlah komponen tanpa batas 40%",
            "TKDN-IK self-declare 35/2025: sum of components without the 40% cap",
            _S,
            "lampung7.com; abdulkhalik.com",
            "assumption",
        ),
        ParamInfo(
            "perpres46_import_fallback",
            "Impor boleh bila tidak ada PDN pada tingkat a-d",
            "Imports allowed when no domestic product fits tiers a-d",
            _N,
            "Bloomberg Technoz reading; ayat not found",
            "assumption",
        ),
        ParamInfo(
            "tier_volume_split",
            "Pembagian pembelian bila volume tingkat a kurang tidak diatur",
            "How a purchase is split when tier-a volume is short is not specified",
            _N,
            "Perpres 46/2025 Pasal 66 ayat (2) huruf b",
            "assumption",
        ),
        ParamInfo(
            "certificate_expiry_estimated",
            "Tanggal berakhir dihitung dari tanggal terbit + masa berlaku",
            "Expiry date derived from the issue date plus the validity period",
            _S,
            "DOMAIN.md 6, C12",
            "assumption",
        ),
    )
}


def _kind(default: object, choices: tuple[str, ...]) -> str:
    if default is None:
        return "decimal_or_none"
    if isinstance(default, Decimal):
        return "decimal"
    if isinstance(default, int):
        return "int"
    return "choice" if choices else "text"


@functools.cache
def param_info(name: str) -> ParamInfo:
    """Describe a parameter of ``Params`` or an entry of ``ASSUMPTIONS`` (immutable, so kept:
    every rule result looks up the parameters it used)."""
    if name in ASSUMPTIONS:
        return ASSUMPTIONS[name]
    for f in dataclasses.fields(Params):
        if f.name == name:
            confidence, label_id, label_en, source, *rest = _INFO[name]
            choices: tuple[str, ...] = rest[0] if rest else ()
            return ParamInfo(
                name=name,
                label_id=label_id,
                label_en=label_en,
                confidence=confidence,
                source=source,
                kind=_kind(f.default, choices),
                choices=choices,
                default=f.default,
            )
    raise KeyError(name)


def all_params() -> tuple[ParamInfo, ...]:
    """Every parameter with its default and confidence, in declaration order (for docs and UI)."""
    return tuple(param_info(f.name) for f in dataclasses.fields(Params))


def unconfirmed(params: Params, names: Iterable[str]) -> tuple[str, ...]:
    """The names among ``names`` whose value is an unconfirmed default, or an assumption.

    A parameter the deployment has set itself is its own configuration and is not listed.
    """
    out: list[str] = []
    for name in names:
        if name in out:
            continue
        info = param_info(name)
        if info.kind == "assumption" or (
            not info.confirmed and getattr(params, name) == info.default
        ):
            out.append(name)
    return tuple(out)


def with_overrides(params: Params, overrides: dict[str, Any]) -> Params:
    """A copy of ``params`` with already-validated values replaced."""
    return dataclasses.replace(params, **overrides)
