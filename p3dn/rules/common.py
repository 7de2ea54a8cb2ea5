"""Small shared vocabulary of the rules: procurement types and result bookkeeping."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)


class JenisPengadaan(StrEnum):
    """SiRUP ``jenis_pengadaan`` (``kd_jenis_pengadaan`` "1".."4")."""

    BARANG = "Barang"
    PEKERJAAN_KONSTRUKSI = "Pekerjaan Konstruksi"
    JASA_KONSULTANSI = "Jasa Konsultansi"
    JASA_LAINNYA = "Jasa Lainnya"


JENIS_BY_CODE = {
    "1": JenisPengadaan.BARANG,
    "2": JenisPengadaan.PEKERJAAN_KONSTRUKSI,
    "3": JenisPengadaan.JASA_KONSULTANSI,
    "4": JenisPengadaan.JASA_LAINNYA,
}


def parse_jenis(value: str) -> JenisPengadaan | None:
    """A procurement type from its SiRUP name or code ("Barang" or "1"); None if unknown."""
    if value in JENIS_BY_CODE:
        return JENIS_BY_CODE[value]
    for jenis in JenisPengadaan:
        if jenis.value.lower() == value.strip().lower():
            return jenis
    return None
