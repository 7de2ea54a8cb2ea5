"""What a perangkat daerah's codes look like.

LKPP names one unit with two codes: SiRUP and SPSE give a numeric ``kd_satker`` (60414) and the
budget code ``kd_satker_str`` (1.02.0.00.0.00.02.0000), but some files (SPSE-TenderSelesaiNilai)
write the budget code in ``kd_satker`` and leave ``kd_satker_str`` out. Such a code names the
unit whose budget code it is, never a unit of its own."""

from __future__ import annotations

import re

# four or more dot-separated groups of digits: the urusan.bidang.…unit budget code
_BUDGET_CODE = re.compile(r"\d+(?:\.\d+){3,}")


def is_budget_code(code: str) -> bool:
    """True when a kd_satker is in fact a budget code (kd_satker_str)."""
    return bool(_BUDGET_CODE.fullmatch(code.strip()))
