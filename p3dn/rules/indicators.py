"""C13 spend-line clusters, C16 capaian and komposisi, C17 UMK share, C20 the P3DN indicator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed

# C13 ---------------------------------------------------------------------------------------


class Cluster(StrEnum):
    TKDN = "TKDN"
    PDN = "PDN"
    IMPOR = "Impor"


@dataclass(frozen=True)
class SpendLine:
    """A spending line: ``sertifikat_berlaku`` when a valid TKDN certificate was matched (with
    its ``tkdn`` fraction); ``produsen_dalam_negeri`` when the producer is on the Kemenperin
    referensi list or confirmed by enquiry."""

    uraian: str
    nilai: Decimal
    sertifikat_berlaku: bool = False
    tkdn: Decimal | None = None
    produsen_dalam_negeri: bool = False


@dataclass(frozen=True)
class ClassifiedLine:
    uraian: str
    nilai: Decimal
    cluster: Cluster
    tkdn: Decimal | None
    nilai_tkdn_rp: Decimal


@dataclass(frozen=True)
class ClusterTotal:
    cluster: Cluster
    jumlah: int
    nilai: Decimal
    nilai_tkdn_rp: Decimal


@dataclass(frozen=True)
class ClusterResult:
    lines: tuple[ClassifiedLine, ...]
    totals: tuple[ClusterTotal, ...]
    total_nilai: Decimal
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def classify_spend(lines: Sequence[SpendLine]) -> ClusterResult:
    """C13: cluster of each line — TKDN if a valid certificate matched, else PDN if a domestic
    producer is confirmed, else Impor; Nilai Rupiah TKDN = nilai x TKDN for TKDN lines.

    Legal basis: DJPb Kemenkeu, Petunjuk Teknis Aplikasi SAKTI — Pencatatan Informasi TKDN v1.1.
    """
    problems = Problems()
    problems.empty("lines", lines)
    for i, line in enumerate(lines):
        problems.negative(f"lines[{i}].nilai", line.nilai)
        problems.fraction(f"lines[{i}].tkdn", line.tkdn)
        if line.sertifikat_berlaku and line.tkdn is None:
            problems.add(
                f"lines[{i}].tkdn",
                "required",
                "TKDN wajib diisi bila sertifikat berlaku.",
                "TKDN is required when a valid certificate matched.",
            )
    problems.raise_if_any()
    out: list[ClassifiedLine] = []
    text: list[str] = []
    for line in lines:
        if line.sertifikat_berlaku and line.tkdn is not None:
            rp_tkdn = line.nilai * line.tkdn
            out.append(ClassifiedLine(line.uraian, line.nilai, Cluster.TKDN, line.tkdn, rp_tkdn))
            text.append(
                f"{line.uraian}: sertifikat TKDN berlaku {f.ARROW} TKDN; nilai Rupiah TKDN = "
                f"{f.rp(line.nilai)} {f.TIMES} {f.pct(line.tkdn)} = {f.rp(rp_tkdn)}."
            )
        elif line.produsen_dalam_negeri:
            out.append(ClassifiedLine(line.uraian, line.nilai, Cluster.PDN, line.tkdn, ZERO))
            text.append(
                f"{line.uraian}: tanpa sertifikat berlaku, produsen dalam negeri terkonfirmasi "
                f"{f.ARROW} PDN."
            )
        else:
            out.append(ClassifiedLine(line.uraian, line.nilai, Cluster.IMPOR, line.tkdn, ZERO))
            text.append(
                f"{line.uraian}: tanpa sertifikat dan produsen dalam negeri tidak terkonfirmasi "
                f"{f.ARROW} Impor."
            )
    totals = []
    for cluster in Cluster:
        mine = [x for x in out if x.cluster is cluster]
        totals.append(
            ClusterTotal(
                cluster,
                len(mine),
                sum((x.nilai for x in mine), ZERO),
                sum((x.nilai_tkdn_rp for x in mine), ZERO),
            )
        )
    total = sum((x.nilai for x in out), ZERO)
    text.append(
        "Jumlah: "
        + "; ".join(f"{t.cluster.value} {f.rp(t.nilai)}" for t in totals)
        + f"; total {f.rp(total)}."
    )
    return ClusterResult(
        tuple(out),
        tuple(totals),
        total,
        "Juknis Aplikasi SAKTI - Pencatatan Informasi TKDN v1.1 (DJPb Kemenkeu)",
        tuple(text),
        (),
    )


# C16 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapaianResult:
    realisasi_pdn: Decimal
    komitmen_pdn: Decimal
    capaian: Decimal
    komitmen_nol: bool
    realisasi_total_pengadaan: Decimal | None
    komposisi_pdn: Decimal | None
    target: Decimal | None
    memenuhi_target: bool | None
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def capaian(
    *,
    realisasi_pdn: Decimal,
    komitmen_pdn: Decimal,
    realisasi_total_pengadaan: Decimal | None = None,
    target: Decimal | None = None,
    rincian: Sequence[tuple[str, Decimal]] = (),
) -> CapaianResult:
    """C16: capaian (progress) = realisasi PDN / komitmen PDN (0 and flagged when komitmen is 0);
    komposisi = realisasi PDN / all realised procurement. The two are different numbers and are
    labelled apart. ``rincian`` shows how realisasi was summed (e.g. K/L + Pemda).

    Legal basis: Perpres 12/2021 Pasal 66 and Inpres 2/2022 (commitment and realisation of PDN
    spending); the ratio follows LKPP/Kemenperin reporting (DOMAIN.md 3.4).
    """
    problems = Problems()
    problems.negative("realisasi_pdn", realisasi_pdn)
    problems.negative("komitmen_pdn", komitmen_pdn)
    problems.negative("realisasi_total_pengadaan", realisasi_total_pengadaan)
    problems.fraction("target", target, "Target")
    if rincian and sum((v for _n, v in rincian), ZERO) != realisasi_pdn:
        problems.add(
            "rincian_realisasi_pdn",
            "conflict",
            "Jumlah rincian tidak sama dengan realisasi PDN.",
            "The breakdown does not add up to realisasi_pdn.",
        )
    problems.raise_if_any()
    text: list[str] = []
    if rincian:
        text.append(
            "Realisasi PDN = "
            + " + ".join(f"{n} {f.rp(v)}" for n, v in rincian)
            + f" = {f.rp(realisasi_pdn)}."
        )
    zero = komitmen_pdn == 0
    value = ZERO if zero else realisasi_pdn / komitmen_pdn
    if zero:
        text.append("Komitmen PDN nol: capaian ditetapkan 0 dan ditandai.")
    else:
        text.append(
            f"Capaian (progres) = realisasi PDN / komitmen PDN = {f.rp(realisasi_pdn)} / "
            f"{f.rp(komitmen_pdn)} "
            f"= {f.pct(value)}."
        )
    komposisi = None
    if realisasi_total_pengadaan is not None:
        if realisasi_total_pengadaan == 0:
            text.append("Realisasi total pengadaan nol: komposisi tidak dapat dihitung.")
        else:
            komposisi = realisasi_pdn / realisasi_total_pengadaan
            text.append(
                f"Komposisi PDN (bukan capaian) = realisasi PDN / realisasi total pengadaan = "
                f"{f.rp(realisasi_pdn)} / {f.rp(realisasi_total_pengadaan)} = {f.pct(komposisi)}."
            )
    ok = None
    if target is not None:
        ok = value >= target
        text.append(
            f"Target {f.pct(target)}: capaian {f.pct(value)} {f.GE if ok else '<'} target "
            f"{f.ARROW} {'tercapai' if ok else 'belum tercapai'}."
        )
    return CapaianResult(
        realisasi_pdn,
        komitmen_pdn,
        value,
        zero,
        realisasi_total_pengadaan,
        komposisi,
        target,
        ok,
        "Perpres 12/2021 Pasal 66; Inpres 2/2022 (komitmen dan realisasi belanja PDN)",
        tuple(text),
        (),
    )


# C17 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UmkShareResult:
    tahap: str
    nilai_umk: Decimal
    penyebut: str
    nilai_penyebut: Decimal
    pangsa: Decimal
    minimum: Decimal
    memenuhi: bool
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


_UMK_PARTS = {
    "pagu_ukm": "pagu paket berstatus UKM (SiRUP)",
    "nilai_umk_kontrak": "nilai UMK kontrak (SPSE e-kontrak)",
    "nilai_umk_pct": "nilai UMK pencatatan (SPSE)",
    "nilai_umk_katalog": "e-Katalog dari penyedia UKM",
}


def umk_share(
    *,
    tahap: str,
    bagian: Sequence[tuple[str, Decimal]],
    belanja_pengadaan: Decimal | None = None,
    belanja_barang_jasa: Decimal | None = None,
    penyebut: str | None = None,
    params: Params = DEFAULT_PARAMS,
) -> UmkShareResult:
    """C17: UMK share = UMK value / denominator, compared with at least 40%.

    ``tahap`` "rencana": Σ pagu of packages with status_ukm UKM; "realisasi": Σ nilai_umk_kontrak
    + Σ nilai_umk_pct + e-Katalog from UKM providers (``bagian`` holds these parts). The
    denominator (belanja pengadaan or belanja barang/jasa) is configuration: not found.
    Legal basis: Perpres 12/2021 Pasal 65 ayat (3); Inpres 2/2022.
    """
    penyebut = penyebut or params.umk_denominator
    denominators = {
        "belanja_pengadaan": belanja_pengadaan,
        "belanja_barang_jasa": belanja_barang_jasa,
    }
    problems = Problems()
    problems.choice("tahap", tahap, ("rencana", "realisasi"))
    problems.choice("penyebut", penyebut, denominators)
    for name, value in (*bagian, *denominators.items()):
        problems.negative(name, value)
    if denominators.get(penyebut, ONE) is None:
        problems.add(
            penyebut,
            "required",
            f"Wajib diisi karena penyebut = {penyebut}.",
            f"Required because the denominator is {penyebut}.",
        )
    else:
        problems.zero_total(penyebut, denominators.get(penyebut) or ZERO)
    problems.raise_if_any()
    base = denominators[penyebut]
    assert base is not None
    nilai = sum((v for _n, v in bagian), ZERO)
    share = nilai / base
    ok = share >= params.umk_min_share
    label = "belanja pengadaan" if penyebut == "belanja_pengadaan" else "belanja barang/jasa"
    text = [f"{_UMK_PARTS.get(n, n)}: {f.rp(v)}." for n, v in bagian]
    text.append(f"Nilai UMK ({tahap}) = {f.rp(nilai)}.")
    text.append(
        f"Pangsa UMK = {f.rp(nilai)} / {label} {f.rp(base)} = {f.pct(share)} "
        f"{f.GE if ok else '<'} {f.pct(params.umk_min_share)} {f.ARROW} "
        + ("memenuhi." if ok else "belum memenuhi.")
    )
    return UmkShareResult(
        tahap,
        nilai,
        penyebut,
        base,
        share,
        params.umk_min_share,
        ok,
        "Perpres 12/2021 Pasal 65 ayat (3); Inpres 2/2022",
        tuple(text),
        unconfirmed(
            params,
            ["umk_min_share"] + ([] if penyebut != params.umk_denominator else ["umk_denominator"]),
        ),
    )


# C20 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """A realised spending line and what it counts as (any combination)."""

    uraian: str
    nilai: Decimal
    tkdn: bool = False  # product with a TKDN certificate
    pdn: bool = False  # domestic product
    umkk: bool = False  # product of a micro/small enterprise or cooperative


@dataclass(frozen=True)
class IndicatorResult:
    definisi: str
    nilai_terhitung: Decimal
    total_realisasi: Decimal
    indikator: Decimal
    per_kategori: tuple[
        tuple[str, Decimal], ...
    ]  # first matching category: TKDN, then PDN, then UMKK
    triwulan: int | None
    target: Decimal | None
    memenuhi_target: bool | None
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def indicator_p3dn(
    lines: Sequence[IndicatorLine],
    *,
    total_realisasi: Decimal | None = None,
    triwulan: int | None = None,
    target: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> IndicatorResult:
    """C20: % realisasi belanja barang/jasa of TKDN, PDN and/or UMKK products, each rupiah counted
    once, over total realised goods/services spending; compared with the quarter's target.

    The definition is customer-supplied (``params.indicator_definition``) and is returned with the
    result. Legal basis: the region's performance indicator (Perjanjian Kinerja), grounded in
    Perpres 12/2021 Pasal 65-66 and Inpres 2/2022.
    """
    problems = Problems()
    for i, line in enumerate(lines):
        problems.negative(f"belanja[{i}].nilai", line.nilai)
    problems.fraction("target", target, "Target")
    if triwulan is not None and not 1 <= triwulan <= 4:
        problems.add("triwulan", "out_of_range", "Triwulan 1-4.", "Quarter must be 1-4.")
    lines_total = sum((x.nilai for x in lines), ZERO)
    total = total_realisasi if total_realisasi is not None else lines_total
    if total_realisasi is not None and total_realisasi < lines_total:
        problems.add(
            "total_realisasi",
            "below_lines",
            "Total realisasi lebih kecil dari jumlah baris belanja.",
            "Total realisation is less than the sum of the lines.",
        )
    problems.zero_total("total_realisasi", total)
    problems.raise_if_any()
    by_cat = {"TKDN": ZERO, "PDN": ZERO, "UMKK": ZERO}
    for line in lines:
        if line.tkdn:
            by_cat["TKDN"] += line.nilai
        elif line.pdn:
            by_cat["PDN"] += line.nilai
        elif line.umkk:
            by_cat["UMKK"] += line.nilai
    counted = sum(by_cat.values(), ZERO)
    value = counted / total
    notes = ["indicator_definition"]
    text = [
        f"Definisi: {params.indicator_definition}.",
        f"Dihitung sekali per rupiah: TKDN {f.rp(by_cat['TKDN'])} + PDN (tanpa sertifikat) "
        f"{f.rp(by_cat['PDN'])} "
        f"+ UMKK (selain di atas) {f.rp(by_cat['UMKK'])} = {f.rp(counted)}.",
        f"Indikator = {f.rp(counted)} / {f.rp(total)} = {f.pct(value)}.",
    ]
    if target is None and triwulan is not None:
        target = getattr(params, f"indicator_target_q{triwulan}")
        notes.append(f"indicator_target_q{triwulan}")
    ok = None
    if target is not None:
        ok = value >= target
        text.append(
            f"Target{' triwulan ' + str(triwulan) if triwulan else ''} {f.pct(target)}: "
            f"{f.pct(value)} {f.GE if ok else '<'} {f.pct(target)} {f.ARROW} "
            + ("tercapai." if ok else "belum tercapai.")
        )
    elif triwulan is not None:
        text.append(f"Target triwulan {triwulan} belum dikonfigurasi.")
    return IndicatorResult(
        definisi=params.indicator_definition,
        nilai_terhitung=counted,
        total_realisasi=total,
        indikator=value,
        per_kategori=tuple(by_cat.items()),
        triwulan=triwulan,
        target=target,
        memenuhi_target=ok,
        legal_basis=(
            "Indikator kinerja daerah (definisi pengguna); Perpres 12/2021 Pasal 65-66; "
            "Inpres 2/2022"
        ),
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )
