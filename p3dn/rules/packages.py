"""C18 packages reserved for small business and C19 enterprise size (PP 7/2021)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import JenisPengadaan
from p3dn.rules.errors import Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed

RESERVABLE = (
    JenisPengadaan.BARANG,
    JenisPengadaan.PEKERJAAN_KONSTRUKSI,
    JenisPengadaan.JASA_LAINNYA,
)
UKM_VALUES = ("UKM", "UsahaKecil")  # SiRUP status_ukm, current and older dataset versions


@dataclass(frozen=True)
class Package:
    """A SiRUP package (field names as in RUP-PaketPenyedia-Terumumkan)."""

    kd_rup: str
    nama_paket: str
    jenis_pengadaan: JenisPengadaan
    pagu: Decimal
    status_ukm: str | None = None
    alasan_non_ukm: str | None = None
    pengecualian_teknis: bool = False  # Pasal 65 ayat (5): needs capability small firms lack


@dataclass(frozen=True)
class PackageCheck:
    kd_rup: str
    nama_paket: str
    dicadangkan: bool
    ditandai_ukm: bool
    perlu_tindak_lanjut: bool
    alasan: str


@dataclass(frozen=True)
class ReservedResult:
    packages: tuple[PackageCheck, ...]
    jumlah_dicadangkan: int
    jumlah_perlu_tindak_lanjut: int
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def reserved_packages(
    packages: Sequence[Package], *, params: Params = DEFAULT_PARAMS
) -> ReservedResult:
    """C18: a package is reserved for small business and cooperatives when it is Barang,
    Pekerjaan Konstruksi or Jasa Lainnya with pagu <= Rp15 miliar and no technical exception;
    a reserved package not marked UKM and without alasan_non_ukm is flagged.

    Legal basis: Perpres 12/2021 Pasal 65 ayat (4) and (5).
    """
    problems = Problems()
    problems.empty("paket", packages)
    for i, p in enumerate(packages):
        problems.negative(f"paket[{i}].pagu", p.pagu)
    problems.raise_if_any()
    limit = params.reserved_pagu_max
    checks: list[PackageCheck] = []
    for p in packages:
        marked = (p.status_ukm or "").strip() in UKM_VALUES
        reason_given = bool((p.alasan_non_ukm or "").strip())
        head = f"{p.kd_rup} {p.nama_paket}: {p.jenis_pengadaan.value}, pagu {f.rp(p.pagu)}"
        if p.jenis_pengadaan not in RESERVABLE:
            reserved, why = False, f"{head} {f.ARROW} jenis ini tidak termasuk Pasal 65 ayat (4)."
        elif p.pagu > limit:
            reserved, why = False, f"{head} > {f.rp(limit)} {f.ARROW} tidak dicadangkan."
        elif p.pengecualian_teknis:
            reserved, why = (
                False,
                f"{head}; memerlukan kemampuan teknis yang tidak dapat dipenuhi usaha kecil "
                f"(Pasal 65 ayat (5)) {f.ARROW} tidak dicadangkan.",
            )
        else:
            reserved, why = (
                True,
                f"{head} {f.LE} {f.rp(limit)} {f.ARROW} dicadangkan untuk usaha kecil/koperasi",
            )
        flag = reserved and not marked and not reason_given
        if reserved:
            if marked:
                why += "; berstatus UKM."
            elif reason_given:
                why += f"; tidak berstatus UKM, alasan dicatat: {p.alasan_non_ukm}."
            else:
                why += (
                    "; TIDAK berstatus UKM dan tanpa alasan_non_ukm "
                    + f.ARROW
                    + " perlu tindak lanjut."
                )
        checks.append(PackageCheck(p.kd_rup, p.nama_paket, reserved, marked, flag, why))
    n_reserved = sum(1 for c in checks if c.dicadangkan)
    n_flag = sum(1 for c in checks if c.perlu_tindak_lanjut)
    text = [c.alasan for c in checks]
    text.append(f"{n_reserved} dari {len(checks)} paket dicadangkan; {n_flag} perlu tindak lanjut.")
    return ReservedResult(
        tuple(checks),
        n_reserved,
        n_flag,
        "Perpres 12/2021 Pasal 65 ayat (4) dan (5)",
        tuple(text),
        unconfirmed(params, ["reserved_pagu_max"]),
    )


class Size(StrEnum):
    MIKRO = "mikro"
    KECIL = "kecil"
    MENENGAH = "menengah"
    BESAR = "besar"


@dataclass(frozen=True)
class SizeResult:
    ukuran: Size
    menurut_modal: Size | None
    menurut_penjualan: Size | None
    berbeda: bool
    usaha_kecil: bool  # mikro or kecil: "usaha kecil" of Perpres 12/2021 Pasal 65 ayat (1)
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def _classify(value: Decimal, limits: tuple[Decimal, Decimal, Decimal]) -> Size:
    for size, limit in zip((Size.MIKRO, Size.KECIL, Size.MENENGAH), limits, strict=True):
        if value <= limit:
            return size
    return Size.BESAR


def enterprise_size(
    *,
    modal_usaha: Decimal | None = None,
    hasil_penjualan: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> SizeResult:
    """C19: enterprise size by capital (excluding land and buildings) or annual sales.

    Legal basis: PP 7/2021 Pasal 35 — modal: mikro <= Rp1 M, kecil <= Rp5 M, menengah <= Rp10 M;
    hasil penjualan tahunan: mikro <= Rp2 M, kecil <= Rp15 M, menengah <= Rp50 M. When both are
    given and disagree, ``params.enterprise_size_basis`` decides (not found: unconfirmed).
    """
    problems = Problems()
    if modal_usaha is None and hasil_penjualan is None:
        problems.add(
            "modal_usaha",
            "required",
            "Isi modal usaha atau hasil penjualan tahunan.",
            "Give modal_usaha or hasil_penjualan.",
        )
    problems.negative("modal_usaha", modal_usaha)
    problems.negative("hasil_penjualan", hasil_penjualan)
    problems.raise_if_any()
    text: list[str] = []
    by_capital = by_sales = None
    if modal_usaha is not None:
        by_capital = _classify(
            modal_usaha,
            (
                params.size_mikro_modal_max,
                params.size_kecil_modal_max,
                params.size_menengah_modal_max,
            ),
        )
        text.append(
            f"Modal usaha (tanpa tanah dan bangunan) {f.rp(modal_usaha)} {f.ARROW} usaha "
            f"{by_capital.value} "
            f"(mikro {f.LE} {f.rp(params.size_mikro_modal_max)}, kecil {f.LE} "
            f"{f.rp(params.size_kecil_modal_max)}, menengah {f.LE} "
            f"{f.rp(params.size_menengah_modal_max)})."
        )
    if hasil_penjualan is not None:
        by_sales = _classify(
            hasil_penjualan,
            (
                params.size_mikro_sales_max,
                params.size_kecil_sales_max,
                params.size_menengah_sales_max,
            ),
        )
        text.append(
            f"Hasil penjualan tahunan {f.rp(hasil_penjualan)} {f.ARROW} usaha {by_sales.value} "
            f"(mikro {f.LE} {f.rp(params.size_mikro_sales_max)}, kecil {f.LE} "
            f"{f.rp(params.size_kecil_sales_max)}, menengah {f.LE} "
            f"{f.rp(params.size_menengah_sales_max)})."
        )
    differ = by_capital is not None and by_sales is not None and by_capital is not by_sales
    notes = []
    if differ:
        notes.append("enterprise_size_basis")
        size = by_capital if params.enterprise_size_basis == "modal" else by_sales
        text.append(
            f"Kedua kriteria berbeda; dipakai kriteria {params.enterprise_size_basis} "
            "(konfigurasi)."
        )
    else:
        size = by_capital or by_sales
    assert size is not None
    small = size in (Size.MIKRO, Size.KECIL)
    text.append(
        f"Ukuran usaha: {size.value}"
        + (" (termasuk usaha kecil menurut Perpres 12/2021 Pasal 65 ayat (1))." if small else ".")
    )
    return SizeResult(
        size,
        by_capital,
        by_sales,
        differ,
        small,
        "PP 7/2021 Pasal 35",
        tuple(text),
        unconfirmed(params, notes),
    )
