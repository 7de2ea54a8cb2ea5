"""Rules whose JSON output is fixed by contract: the CLI and the API return exactly these keys
(the explanation and the unconfirmed defaults come with ``--explain`` / ``?explain=true``)."""

from __future__ import annotations

from typing import Any

CONTRACT_KEYS: dict[str, tuple[str, ...]] = {
    "hea": ("formula", "eligible", "bids", "winner", "legal_basis"),
}


def public_output(rule: str, result: dict[str, Any], *, explain: bool) -> dict[str, Any]:
    keys = CONTRACT_KEYS.get(rule)
    if explain or keys is None:
        return result
    shaped = {key: result[key] for key in keys}
    if result.get("tied"):  # a tie on HEA and TKDN: no winner, and who tied
        shaped["tied"] = result["tied"]
    if result.get("warnings"):  # bids above the HPS or under 80% of it
        shaped["warnings"] = result["warnings"]
    return shaped
