"""The Excel templates for what LKPP does not publish: commitments per perangkat daerah,
manual realization lines with their evidence, and TKDN-IK targets per kecamatan and quarter.

Their columns are the template's headers; they are validated row by row like any import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from p3dn.imports.datasets.base import (
    CleanError,
    Dataset,
    boolean,
    col,
    date_value,
    exact,
    integer,
    percent_fraction,
    text,
)
from p3dn.lib.money import parse_number
from p3dn.procurement.models import Commitment, ManualRealization, TkdnIkTarget


def typed_money(value: Any) -> Decimal:
    """Rupiah typed by a person: 1500000, 1.500.000 or 'Rp 1.500.000,50'; never negative,
    at most two decimals (more are refused, not rounded)."""
    if value is None or text(value) == "":
        raise CleanError(_("missing"))
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise CleanError(_("not an amount"))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        try:
            amount = parse_number(value)
        except (ValueError, ArithmeticError):
            raise CleanError(_("not an amount")) from None
    if not amount.is_finite():
        raise CleanError(_("not an amount"))
    if amount < 0:
        raise CleanError(_("negative amount"))
    return exact(amount, 2)


def optional_money(value: Any) -> Decimal:
    return Decimal("0.00") if value is None or text(value) == "" else typed_money(value)


def yes_no(value: Any) -> bool:
    result = boolean(value)
    if result is None:
        raise CleanError(_("fill in Ya or Tidak"))
    return result


def evidence(value: Any) -> str:
    word = text(value).lower()
    for choice in ManualRealization.Evidence.values:
        if word == choice.lower():
            return choice
    raise CleanError(_("one of Kontrak, Kwitansi, Bukti Pembelian"))


def quarter(value: Any) -> int:
    number = integer(value)
    if number not in (1, 2, 3, 4):
        raise CleanError(_("a quarter is 1, 2, 3 or 4"))
    return number


def count(value: Any) -> int:
    number = integer(value) or 0
    if number < 0:
        raise CleanError(_("negative amount"))
    return number


COMMITMENT = Dataset(
    name="P3DN-Komitmen",
    title="Templat: komitmen PDN dan UMK per perangkat daerah",
    model=Commitment,
    signature=frozenset({"kd_satker", "komitmen_pdn", "komitmen_umk"}),
    columns=(
        col("kd_satker", clean=text, required=True),
        col("komitmen_pdn", clean=typed_money, required=True),
        col("komitmen_umk", clean=optional_money),
        col("keterangan"),
    ),
)


REALIZATION = Dataset(
    name="P3DN-RealisasiManual",
    title="Templat: realisasi di luar sistem LKPP (dengan bukti)",
    model=ManualRealization,
    signature=frozenset({"kd_satker", "jenis_bukti", "nomor_bukti", "tanggal_bukti", "nilai"}),
    columns=(
        col("kd_satker", clean=text, required=True),
        col("jenis_bukti", clean=evidence, required=True),
        col("nomor_bukti", clean=text, required=True),
        col("tanggal_bukti", clean=date_value, required=True),
        col("uraian"),
        col("nilai", clean=typed_money, required=True),
        col("pdn", "pdn", clean=yes_no, required=True),
        col("tkdn", "tkdn_persen", clean=percent_fraction),
        col("umk", "umk", clean=yes_no, required=True),
    ),
)


def _kecamatan_of_pemda(values: dict[str, Any], pemda_id: int | None) -> list[tuple[str, str]]:
    """The kecamatan must exist and lie in the Pemda's region."""
    from p3dn.accounts.models import Pemda
    from p3dn.regions.models import Region

    code = values["kode_kecamatan"]
    if not Region.objects.filter(code=code, level=Region.Level.KECAMATAN).exists():
        return [("kode_kecamatan", _("%(code)s is not a kecamatan code") % {"code": code})]
    region = Pemda.objects.filter(id__in=[pemda_id]).values_list("region_id", flat=True).first()
    if region and not code.startswith(region + "."):
        return [("kode_kecamatan", _("kecamatan %(code)s is outside this Pemda") % {"code": code})]
    return []


TKDN_IK_TARGET = Dataset(
    name="P3DN-TargetTKDNIK",
    title="Templat: target sertifikasi TKDN-IK per kecamatan dan triwulan",
    model=TkdnIkTarget,
    signature=frozenset({"kode_kecamatan", "triwulan", "target_ikm"}),
    columns=(
        col("kode_kecamatan", clean=text, required=True),
        col("triwulan", clean=quarter, required=True),
        col("target_ikm", clean=count),
        col("target_produk", clean=count),
    ),
    check=_kecamatan_of_pemda,
)

# Each template: its dataset, an Indonesian explanation per column and an example row.
TEMPLATES: dict[str, tuple[Dataset, list[tuple[str, str, object]]]] = {
    "komitmen": (COMMITMENT, [
        ("tahun_anggaran", "Tahun anggaran, mis. 2025", 2025),
        ("kd_klpd", "Kode KLPD LKPP Pemda, mis. D107", "D107"),
        ("kd_satker", "Kode satker (kd_satker) perangkat daerah dari SiRUP", "60414"),
        ("nama_satker", "Nama perangkat daerah (hanya untuk dibaca)", "DINAS KESEHATAN"),
        ("komitmen_pdn", "Komitmen belanja PDN (Rp)", 12500000000),
        ("komitmen_umk", "Komitmen belanja UMK dan koperasi (Rp)", 5000000000),
        ("keterangan", "Catatan (boleh kosong)", ""),
    ]),
    "realisasi": (REALIZATION, [
        ("tahun_anggaran", "Tahun anggaran", 2025),
        ("kd_klpd", "Kode KLPD LKPP Pemda", "D107"),
        ("kd_satker", "Kode satker perangkat daerah", "60414"),
        ("jenis_bukti", "Kontrak, Kwitansi atau Bukti Pembelian", "Kwitansi"),
        ("nomor_bukti", "Nomor kontrak / kwitansi", "KW/027/DINKES/2025"),
        ("tanggal_bukti", "Tanggal bukti (YYYY-MM-DD)", "2025-03-14"),
        ("uraian", "Uraian belanja", "Pembelian masker kain produksi UMK lokal"),
        ("nilai", "Nilai (Rp)", 15750000),
        ("pdn", "Produk dalam negeri? Ya / Tidak", "Ya"),
        ("tkdn_persen", "Nilai TKDN (%) bila bersertifikat, boleh kosong", ""),
        ("umk", "Dari usaha mikro/kecil atau koperasi? Ya / Tidak", "Ya"),
    ]),
    "target-tkdn-ik": (TKDN_IK_TARGET, [
        ("tahun_anggaran", "Tahun", 2025),
        ("kd_klpd", "Kode KLPD LKPP Pemda", "D107"),
        ("kode_kecamatan", "Kode kecamatan Kemendagri, mis. 32.04.05", "32.04.05"),
        ("triwulan", "Triwulan 1-4", 1),
        ("target_ikm", "Jumlah IKM yang ditargetkan bersertifikat TKDN-IK", 10),
        ("target_produk", "Jumlah produk yang ditargetkan bersertifikat", 25),
    ]),
}
