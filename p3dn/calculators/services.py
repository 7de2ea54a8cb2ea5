"""Running a calculator page: parse the form, call the rule, present the result."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from p3dn.calculators.forms import FormState, attach_rule_errors, initial_state, read_form
from p3dn.calculators.pages import Page
from p3dn.calculators.present import Presented, present
from p3dn.rules.errors import RuleInputError
from p3dn.rules.registry import RULES


@dataclass
class Outcome:
    state: FormState
    result: Presented | None = None


def open_page(page: Page) -> Outcome:
    """The page with the rule's worked example filled in and computed."""
    rule = RULES[page.rule]
    example = page.example or rule.example_input
    state = initial_state(page, example)
    return Outcome(state=state, result=present(page, rule.run(example)))


def calculate(page: Page, data: QueryDict, *, add_row: str | None = None) -> Outcome:
    """Compute the posted form; with ``add_row`` only add an empty row to that table."""
    state = read_form(page, data, add_row=add_row)
    if add_row or state.has_errors:
        return Outcome(state=state)
    try:
        result = RULES[page.rule].run({**page.fixed, **state.payload})
    except RuleInputError as exc:
        attach_rule_errors(state, exc.errors)
        return Outcome(state=state)
    return Outcome(state=state, result=present(page, result))
