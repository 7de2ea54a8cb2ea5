"""Finding a producer's region in the text the sources give: the Kemenperin export's
"Provinsi" column ("Jawa Barat", "DKI Jakarta") and its address, whose formal part ends with
the kabupaten or kota ("…, Kec. Cikarang Pusat, Kabupaten Bekasi, Jawa Barat, 17530"); and the
e-Katalog price regions (provinsiId / kabupatenId, mapped in regions.ExternalCode)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from p3dn.regions.models import ExternalCode, Region

_WORDS = re.compile(r"[^\W_]+")


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall((text or "").casefold()))


def _variants(region: Region) -> set[str]:
    """How an address may write a kabupaten or kota: 'kabupaten bekasi', 'kab bekasi',
    'kota bekasi', 'kota adm jakarta utara', 'jakarta utara'."""
    name = _norm(region.name)
    out = {name}
    for long, shorts in (
        ("kabupaten administrasi ", ("kab adm ", "kabupaten ", "")),
        ("kota administrasi ", ("kota adm ", "kota ", "")),
        ("kabupaten ", ("kab ",)),
    ):
        if name.startswith(long):
            rest = name[len(long) :]
            out |= {short + rest for short in shorts if short + rest}
            break
    return {v for v in out if " " in v or v.startswith(("kota", "kab"))}


@dataclass
class RegionFinder:
    """Loaded once per sync: provinces by every name they are known by, and the kabupaten
    and kota of each province with the ways an address writes them."""

    provinces: dict[str, Region] = field(default_factory=dict)
    places: dict[str, list[tuple[str, Region]]] = field(default_factory=dict)  # province code
    everywhere: list[tuple[str, Region]] = field(default_factory=list)
    ecat_kabupaten: dict[str, str] = field(default_factory=dict)
    ecat_provinsi: dict[str, str] = field(default_factory=dict)
    by_code: dict[str, Region] = field(default_factory=dict)
    _found: dict[tuple[str, str], tuple[Region | None, Region | None]] = field(
        default_factory=dict
    )

    @classmethod
    def load(cls) -> RegionFinder:
        finder = cls()
        regions = list(Region.objects.exclude(level=Region.Level.KECAMATAN))
        finder.by_code = {r.code: r for r in regions}
        for region in regions:
            if region.level == Region.Level.PROVINSI:
                finder.provinces[_norm(region.name)] = region
                finder.provinces[_norm("provinsi " + region.name)] = region
            else:
                for variant in _variants(region):
                    entry = (variant, region)
                    finder.places.setdefault(region.parent_id or "", []).append(entry)
                    finder.everywhere.append(entry)
        for code in ExternalCode.objects.all():
            if code.system in (ExternalCode.System.ECAT_PROVINSI,
                               ExternalCode.System.SIRUP_PROVINSI) and code.name_in_source:
                known = finder.by_code.get(code.region_id)
                if known is not None:
                    finder.provinces.setdefault(_norm(code.name_in_source), known)
            if code.system == ExternalCode.System.ECAT_KABUPATEN:
                finder.ecat_kabupaten[code.code] = code.region_id
            elif code.system == ExternalCode.System.ECAT_PROVINSI:
                finder.ecat_provinsi[code.code] = code.region_id
        return finder

    def province(self, text: str) -> Region | None:
        return self.provinces.get(_norm(text)) if text else None

    def place(self, address: str, province: Region | None) -> Region | None:
        """The kabupaten or kota an address names last (its formal part), within the
        province when known; None when none, or when two different ones tie."""
        text = f" {_norm(address)} "
        if text.strip() == "":
            return None
        candidates = self.places.get(province.code, []) if province else self.everywhere
        best: tuple[int, int] | None = None
        found: set[str] = set()
        for variant, region in candidates:
            at = text.rfind(f" {variant} ")
            if at < 0:
                continue
            rank = (at + len(variant), len(variant))
            if best is None or rank > best:
                best, found = rank, {region.code}
            elif rank == best:
                found.add(region.code)
        if best is None or len(found) != 1:
            return None
        return self.by_code[found.pop()]

    def locate(self, province_text: str, address: str) -> tuple[Region | None, Region | None]:
        """(most specific region, its province) from the province text and the address."""
        key = (province_text, address)
        if key not in self._found:
            self._found[key] = self._locate(province_text, address)
        return self._found[key]

    def _locate(self, province_text: str, address: str) -> tuple[Region | None, Region | None]:
        province = self.province(province_text)
        place = self.place(address, province)
        if place is not None:
            parent = self.by_code.get(place.parent_id or "")
            return place, parent or province
        return province, province

    def price_region(self, provinsi_id: object, kabupaten_id: object) -> Region | None:
        code = self.ecat_kabupaten.get(str(kabupaten_id)) or self.ecat_provinsi.get(
            str(provinsi_id)
        )
        return self.by_code.get(code) if code else None
