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


# SiRUP writes the several values of a consolidated package's field in one string, ';'-separated
# ("3;3;4", "Jasa Konsultansi;Jasa Konsultansi;Jasa Lainnya"). p3dn stores such a field as the
# set it means, written canonically: each value once, the same separator, no spaces around it.
SET_SEPARATOR = ";"


def value_set(value: str, order: dict[str, int] | None = None) -> list[str]:
    """The distinct values of a ';'-separated field, each once: in ``order``'s order (values it
    does not name after those, as first written), else as first written."""
    seen: dict[str, None] = {}
    for part in value.split(SET_SEPARATOR):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    values = list(seen)
    if order:
        values.sort(key=lambda v: order.get(v, len(order)))  # stable: unknown ones as written
    return values


_JENIS_ORDER = {j.value: i for i, j in enumerate(JenisPengadaan)}
_JENIS_BY_LOWER = {j.value.lower(): j.value for j in JenisPengadaan}


def jenis_set(value: str) -> str:
    """A jenis pengadaan field as the set of types it names: "Barang;Barang" is "Barang",
    "Jasa Konsultansi;Jasa Konsultansi;Jasa Lainnya" is "Jasa Konsultansi;Jasa Lainnya";
    known types in SiRUP's code order and spelling, an unknown one kept as written."""
    names = [_JENIS_BY_LOWER.get(v.lower(), v) for v in value_set(value)]
    return SET_SEPARATOR.join(value_set(SET_SEPARATOR.join(names), _JENIS_ORDER))


def code_set(value: str) -> str:
    """A field of codes as the set it names: "3;3;4" is "3;4"; whole numbers in numeric order,
    other codes after them as written."""
    codes = value_set(value)
    numbers = sorted((c for c in codes if c.isdigit()), key=int)
    return SET_SEPARATOR.join(numbers + [c for c in codes if not c.isdigit()])

