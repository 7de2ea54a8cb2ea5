"""Reads over import runs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from p3dn.imports.models import ImportRun


@dataclass(frozen=True)
class RejectionReason:
    field: str
    reason: str
    rows: int


def rejection_reasons(run: ImportRun) -> list[RejectionReason]:
    """Why the rows of ``run`` were rejected: each field and reason with the number of rows it
    rejected, most first (a row with two problems counts under both). Counted over the problems
    the run stored (the first 10.000)."""
    counted = (
        run.row_errors.order_by()
        .values("field", "reason")
        .annotate(rows=Count("row_number", distinct=True))
        .order_by("-rows", "field", "reason")
    )
    return [RejectionReason(c["field"], c["reason"], c["rows"]) for c in counted]
