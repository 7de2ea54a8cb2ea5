"""The calculators over JSON: the same rules, the same payloads as `p3dn calc`. No login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from p3dn.calculators.shapes import public_output
from p3dn.rules.errors import RuleInputError
from p3dn.rules.registry import RULES
from p3dn.web.apikit import PUBLIC, ApiError, errors

router = Router(tags=["calculators"])


class RuleOut(Schema):
    name: str
    computation: str
    title_id: str
    title_en: str
    legal_basis: str
    example_input: dict[str, Any]


@router.get("", response={200: list[RuleOut], **errors(*PUBLIC)}, auth=None)
def list_rules(request: HttpRequest) -> list[Any]:
    """Every rule the calculators know, with a worked example input."""
    return list(RULES.values())


@router.post("/{rule}", response={200: dict[str, Any], **errors(*PUBLIC, 404)}, auth=None)
def calculate(
    request: HttpRequest,
    rule: str,
    payload: dict[str, Any] = Body(...),  # noqa: B008
    explain: bool = False,
) -> Any:
    """Run one rule on a JSON payload (money and fractions as decimal strings).

    The output carries the result and its ``legal_basis``; with ``explain=true`` also
    ``explanation`` (Indonesian steps) and ``unconfirmed`` (defaults the result rests on that
    are not confirmed). ``hea`` returns exactly formula, eligible, bids, winner, legal_basis,
    plus ``tied`` on a tie and ``warnings`` when a bid is above the HPS or under 80% of it.
    """
    if rule not in RULES:
        raise ApiError(404, f"unknown rule {rule!r}", errors=[])
    try:
        return public_output(rule, RULES[rule].run(payload), explain=explain)
    except RuleInputError as exc:
        raise ApiError(422, "invalid input", errors=[dict(e) for e in exc.errors]) from None
