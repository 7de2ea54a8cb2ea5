"""When a source row or a figure is too odd to be true: the pure decisions behind the
data-quality warnings (p3dn/quality, docs/quality.md).

Each test here is a definition, not a regulation: it says when a figure is impossible or so
unlikely that the Tim P3DN must check it with the PPK before reporting it. The thresholds are
named constants so docs/quality.md can state them and tests can pin them.

- ``UMK_RESERVED_CEILING`` (Rp15.000.000.000): Perpres 16/2018 as amended by Perpres 12/2021,
  Pasal 65(4): packages of Barang / Pekerjaan Konstruksi / Jasa Lainnya with a pagu of at most
  Rp15 miliar are reserved for usaha kecil and koperasi; above it a contract is normally won by
  a medium or large enterprise (PP 7/2021: a small enterprise sells at most Rp15 miliar a year),
  so a contract above Rp15 miliar whose whole value is declared UMK is suspect.
- ``DIGIT_SLIP_FACTOR`` (5): a PDN or UMK part is a part of the contract value and can never
  exceed it. A part more than 5 times the value is not a rounding or an addendum: it is a digit
  typed once too often (one extra digit is 10 times, one extra "000" 1.000 times); 5 is half of
  one digit's slip, so a slip is caught even when the value was later changed by half, and a
  part only a little above its value (a late addendum, a rounding) is not called a slip.
- ``SAMPLE_PACKAGE_SHARE`` (1/2) and ``SAMPLE_MIN_NAMED`` (10): the imported RUP "looks like a
  sample" when the realization names at least 10 distinct RUP packages and the imported RUP
  holds fewer than half as many packages as that (penyedia and swakelola together); or
  ``SAMPLE_PAGU_SHARE`` (1/2): when the imported RUP pagu is less than half of the realization
  (every channel). A complete RUP holds every package the realization names, and plans at least
  what is realised. (Realization naming packages that a complete RUP lacks is the warning
  ``realisasi_tanpa_rup``, not a sample.)
- ``capaian_above_full``: capaian PDN (realisasi PDN / komitmen PDN) above 100%: the
  realization of domestic products is larger than what was committed for them. Possible in
  principle (a package realised above its pagu), but at Pemda level it means the commitment is
  incomplete: the figure is "data belum lengkap", never a success.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from p3dn.rules.common import ONE, ZERO

UMK_RESERVED_CEILING = Decimal("15000000000")
DIGIT_SLIP_FACTOR = Decimal(5)
SAMPLE_PACKAGE_SHARE = Decimal("0.5")
SAMPLE_MIN_NAMED = 10
SAMPLE_PAGU_SHARE = Decimal("0.5")

# The codes whose presence means the Pemda-year's capaian cannot be reported as it stands.
INCOMPLETE_CODES = frozenset({"rup_sampel", "capaian_di_atas_100"})


def umk_equals_contract(nilai: Decimal, umk: Decimal | None) -> bool:
    """The whole value of a contract above Rp15 miliar declared UMK (Pasal 65(4) reserves only
    packages up to Rp15 miliar for small enterprises)."""
    return umk is not None and nilai > UMK_RESERVED_CEILING and umk == nilai


def digit_slip(nilai: Decimal, bagian: Decimal | None) -> bool:
    """A PDN or UMK part (``bagian``) more than ``DIGIT_SLIP_FACTOR`` times the value of its
    row: a digit typed too many (or the value typed with too few). A part on a row of value 0
    or less is a slip whenever it is positive."""
    if bagian is None or bagian <= ZERO:
        return False
    if nilai <= ZERO:
        return True
    return bagian > nilai * DIGIT_SLIP_FACTOR


def capaian_above_full(realisasi_pdn: Decimal, komitmen_pdn: Decimal) -> bool:
    """Capaian PDN above 100% (a zero commitment gives no capaian, so never above)."""
    return komitmen_pdn > ZERO and realisasi_pdn > komitmen_pdn * ONE


@dataclass(frozen=True)
class RupCoverage:
    """How the imported RUP of a Pemda-year covers what the realization names."""

    rup_packages: int  # packages in the imported RUP (penyedia and swakelola)
    rup_pagu: Decimal  # pagu of the provider packages counted as commitment
    named: int  # distinct RUP codes the realization names
    named_missing: int  # of those, codes not in the imported RUP
    realisasi: Decimal  # realization of every channel

    @property
    def missing_share(self) -> Decimal:
        return Decimal(self.named_missing) / Decimal(self.named) if self.named else ZERO


def sample_reasons(coverage: RupCoverage) -> list[str]:
    """Why the imported RUP looks like a sample, as reason codes (empty when it does not):
    ``paket`` when the realization names at least ``SAMPLE_MIN_NAMED`` packages and the RUP
    holds fewer than ``SAMPLE_PACKAGE_SHARE`` of that many; ``pagu`` when the RUP pagu is less
    than ``SAMPLE_PAGU_SHARE`` of the realization."""
    reasons = []
    if coverage.named >= SAMPLE_MIN_NAMED and Decimal(coverage.rup_packages) < (
        coverage.named * SAMPLE_PACKAGE_SHARE
    ):
        reasons.append("paket")
    if coverage.realisasi > ZERO and coverage.rup_pagu < coverage.realisasi * SAMPLE_PAGU_SHARE:
        reasons.append("pagu")
    return reasons


_SPACES = re.compile(r"\s+")


def unit_name_key(name: str) -> str:
    """The name two units are compared by: case, surrounding and repeated spaces aside."""
    return _SPACES.sub(" ", name).strip().casefold()


def is_incomplete(codes: set[str] | frozenset[str]) -> bool:
    """Whether a Pemda-year whose warnings carry ``codes`` must be marked "data belum lengkap"
    (in the ranking, the Dasbor and reports) rather than shown as a result."""
    return bool(INCOMPLETE_CODES & set(codes))
