"""C22: Kemendagri region codes (PP.KK.CC.DDDD): validity, level, kab/kota, desa/kelurahan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.errors import RuleInputError, field_error

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
KOTA_MIN = 71  # kabupaten 01-69, kota 71-99


class Level(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    KECAMATAN = "kecamatan"
    DESA_KELURAHAN = "desa_kelurahan"


_LEVELS = (Level.PROVINSI, Level.KABUPATEN_KOTA, Level.KECAMATAN, Level.DESA_KELURAHAN)


@dataclass(frozen=True)
class RegionCode:
    kode: str
    level: Level
    provinsi: str
    kabupaten_kota: str | None
    kecamatan: str | None
    desa_kelurahan: str | None
    jenis_kabupaten_kota: str | None  # "kabupaten" or "kota"
    jenis_desa: str | None  # "desa" or "kelurahan"
    induk: str | None  # parent code
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...] = ()


def parse_region_code(kode: str, *, field: str = "kode") -> RegionCode:
    """C22: validate a Kemendagri region code and describe it.

    Format ^\\d{2}(\\.\\d{2}(\\.\\d{2}(\\.\\d{4})?)?)?$; the level follows from the length; a
    kab/kota part >= 71 is a kota; a village code starting with 1 is a kelurahan, otherwise a
    desa. A bad code raises RuleInputError naming it. Legal basis: Kepmendagri 300.2.2-2138
    Tahun 2025 (kode dan data wilayah administrasi pemerintahan).
    """
    text = kode.strip()
    if not CODE_PATTERN.match(text):
        raise RuleInputError(
            [
                field_error(
                    field,
                    "invalid_region_code",
                    f"Kode wilayah '{kode}' tidak sah: format PP, PP.KK, PP.KK.CC atau "
                    "PP.KK.CC.DDDD (angka, dipisah titik).",
                    f"Region code '{kode}' is invalid: use PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD "
                    "(digits separated by dots).",
                )
            ]
        )
    parts = text.split(".")
    zero = [i for i, p in enumerate(parts) if int(p) == 0]
    if zero:
        raise RuleInputError(
            [
                field_error(
                    field,
                    "invalid_region_code",
                    f"Kode wilayah '{kode}' tidak sah: bagian ke-{zero[0] + 1} bernilai nol.",
                    f"Region code '{kode}' is invalid: part {zero[0] + 1} is zero.",
                )
            ]
        )
    level = _LEVELS[len(parts) - 1]
    lines = [
        f"Kode {text}: {len(parts)} bagian {'-'.join(str(len(p)) for p in parts)} digit {f.ARROW} "
        f"{level.value}."
    ]
    jenis_kab = None
    if len(parts) >= 2:
        jenis_kab = "kota" if int(parts[1]) >= KOTA_MIN else "kabupaten"
        lines.append(
            f"Bagian kab/kota {parts[1]} {f.GE if jenis_kab == 'kota' else '<'} {KOTA_MIN} "
            f"{f.ARROW} {jenis_kab}."
        )
    jenis_desa = None
    if len(parts) == 4:
        jenis_desa = "kelurahan" if parts[3].startswith("1") else "desa"
        lines.append(f"Kode desa {parts[3]} diawali {parts[3][0]} {f.ARROW} {jenis_desa}.")
    return RegionCode(
        kode=text,
        level=level,
        provinsi=parts[0],
        kabupaten_kota=".".join(parts[:2]) if len(parts) >= 2 else None,
        kecamatan=".".join(parts[:3]) if len(parts) >= 3 else None,
        desa_kelurahan=text if len(parts) == 4 else None,
        jenis_kabupaten_kota=jenis_kab,
        jenis_desa=jenis_desa,
        induk=".".join(parts[:-1]) if len(parts) > 1 else None,
        legal_basis=(
            "Kepmendagri 300.2.2-2138 Tahun 2025 (kode dan data wilayah administrasi pemerintahan)"
        ),
        explanation=tuple(lines),
    )
