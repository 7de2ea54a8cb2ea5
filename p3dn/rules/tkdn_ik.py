"""C11: TKDN-IK, the small-industry self-assessment (Permenperin 46/2022; 35/2025 self-declare)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import Problems
from p3dn.rules.packages import Size, enterprise_size
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


# ------------------------------------------------------------------ pre-check before submission

# The four causes most TKDN-IK applications are rejected for (Kemenperin, January 2024:
# DOMAIN.md 2.3), each with the rule it rests on.
UKURAN = "ukuran_usaha"
KBLI = "kbli"
BAHAN_BAKU = "bahan_baku"
NIE = "nie"
CAUSES = (UKURAN, KBLI, BAHAN_BAKU, NIE)

GAGAL = "gagal"  # the application would be rejected for this cause
TIDAK_DIKETAHUI = "tidak_diketahui"  # the data to check it is missing

LEGAL_BASIS = {
    UKURAN: "PP 7/2021 Pasal 35 (kriteria usaha mikro dan kecil); Permenperin 46/2022 "
    "(TKDN-IK hanya untuk industri kecil: modal usaha paling banyak Rp5 miliar di luar tanah "
    "dan bangunan)",
    KBLI: "Permenperin 46/2022 (penilaian per jenis produk industri kecil yang diproduksi "
    "sesuai perizinan berusahanya); PP 5/2021 (NIB dan KBLI kegiatan usaha)",
    BAHAN_BAKU: "Permenperin 46/2022 (komponen material langsung dalam negeri, paling tinggi "
    "24%, dibuktikan dengan bukti pembelian bahan baku dalam negeri)",
    NIE: "UU 17/2023 tentang Kesehatan dan Permenkes 62/2017 (alat kesehatan dan PKRT wajib "
    "memiliki izin edar/NIE); BPOM untuk obat, kosmetik dan pangan olahan",
}


@dataclass(frozen=True)
class Finding:
    cause: str  # one of CAUSES
    status: str  # GAGAL or TIDAK_DIKETAHUI
    message: str
    legal_basis: str


@dataclass(frozen=True)
class PrecheckResult:
    findings: tuple[Finding, ...]
    lolos: bool  # no cause found, nothing missing
    ada_gagal: bool  # at least one cause found
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def _kbli_codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.replace(",", " ").split() if c)


def precheck(
    *,
    modal_usaha: Decimal | None,
    hasil_penjualan: Decimal | None,
    ukuran_tercatat: str,
    kbli_nib: tuple[str, ...] | str,
    kbli_produk: str,
    bukti_bahan_baku: bool | None,
    produk_kesehatan: bool,
    nie: str,
    params: Params = DEFAULT_PARAMS,
) -> PrecheckResult:
    """The four main causes a TKDN-IK application is rejected for, checked before submission.

    Legal basis: PP 7/2021 Pasal 35 and Permenperin 46/2022 (small industry: capital at most
    Rp5 miliar excluding land and buildings, else a small enterprise by the PP 7/2021 size);
    the product's 5-digit KBLI must be one of the KBLI on the NIB (PP 5/2021); proof of a
    domestic raw-material purchase backs the material component (Permenperin 46/2022); a
    health product needs its NIE (UU 17/2023, Permenkes 62/2017). ``ukuran_tercatat`` (mikro,
    kecil, menengah, besar or '') is the registry's size, used when neither capital nor sales
    is known. A finding is GAGAL when the cause is there, TIDAK_DIKETAHUI when the data is
    missing; the application passes only with no finding.
    """
    problems = Problems()
    problems.negative("modal_usaha", modal_usaha)
    problems.negative("hasil_penjualan", hasil_penjualan)
    problems.choice("ukuran_tercatat", ukuran_tercatat, ("", "mikro", "kecil", "menengah",
                                                          "besar"))
    problems.raise_if_any()
    findings: list[Finding] = []
    text: list[str] = []
    notes: list[str] = ["industri_kecil_modal_max"]

    def add(cause: str, status: str, message: str) -> None:
        findings.append(Finding(cause, status, message, LEGAL_BASIS[cause]))
        text.append(message)

    # 1. size
    if modal_usaha is not None and modal_usaha > params.industri_kecil_modal_max:
        add(UKURAN, GAGAL, f"Modal usaha {f.rp(modal_usaha)} > "
            f"{f.rp(params.industri_kecil_modal_max)}: bukan industri kecil.")
    elif modal_usaha is not None or hasil_penjualan is not None:
        size = enterprise_size(modal_usaha=modal_usaha, hasil_penjualan=hasil_penjualan,
                               params=params)
        notes.extend(size.unconfirmed)
        if size.ukuran in (Size.MENENGAH, Size.BESAR):
            add(UKURAN, GAGAL, f"Menurut PP 7/2021 usaha {size.ukuran.value}: bukan industri "
                "kecil.")
        else:
            text.append(f"Ukuran usaha {size.ukuran.value} (PP 7/2021): industri kecil.")
    elif ukuran_tercatat in ("menengah", "besar"):
        add(UKURAN, GAGAL, f"Ukuran usaha tercatat {ukuran_tercatat}: bukan industri kecil.")
    elif ukuran_tercatat in ("mikro", "kecil"):
        text.append(f"Ukuran usaha tercatat {ukuran_tercatat}: industri kecil.")
    else:
        add(UKURAN, TIDAK_DIKETAHUI, "Modal usaha, hasil penjualan dan ukuran usaha belum "
            "diisi: status industri kecil belum dapat diperiksa.")
    # 2. KBLI of the product against the NIB
    on_nib = _kbli_codes(kbli_nib) if isinstance(kbli_nib, str) else tuple(kbli_nib)
    product = kbli_produk.strip()
    if not product or not on_nib:
        add(KBLI, TIDAK_DIKETAHUI, "KBLI produk atau KBLI pada NIB belum diisi.")
    elif product not in on_nib:
        add(KBLI, GAGAL, f"KBLI produk {product} tidak termasuk KBLI pada NIB "
            f"({', '.join(on_nib)}).")
    else:
        text.append(f"KBLI produk {product} termasuk KBLI pada NIB.")
    # 3. domestic raw material
    if bukti_bahan_baku is None:
        add(BAHAN_BAKU, TIDAK_DIKETAHUI, "Belum dinyatakan ada tidaknya bukti pembelian bahan "
            "baku dalam negeri.")
    elif not bukti_bahan_baku:
        add(BAHAN_BAKU, GAGAL, "Tidak ada bukti pembelian bahan baku dalam negeri.")
    else:
        text.append("Ada bukti pembelian bahan baku dalam negeri.")
    # 4. NIE for health products
    if produk_kesehatan and not nie.strip():
        add(NIE, GAGAL, "Produk kesehatan tanpa Nomor Izin Edar (NIE).")
    elif produk_kesehatan:
        text.append(f"Produk kesehatan dengan NIE {nie.strip()}.")
    failed = any(x.status == GAGAL for x in findings)
    return PrecheckResult(
        findings=tuple(findings),
        lolos=not findings,
        ada_gagal=failed,
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )
