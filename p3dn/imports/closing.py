"""When an import may close the current facts its file no longer lists.

A file of a Pemda-year is taken as a full extract of its dataset: a current fact it no longer
lists was removed at the source and is closed. That holds for LKPP's ISB pulls, and a genuine
newer pull drops few facts (packages cancelled, contracts withdrawn). A file that would close
more than ``P3DN_IMPORT_CLOSE_PERCENT`` (10 by default) of the current facts of one of its
Pemda-years is far more likely partial (a sample, one perangkat daerah's rows, a truncated
download, an export filtered by status) than a snapshot; a file far smaller than the current
set is one of them, since it closes at least the difference. Such a file stops before anything
is applied, and the user chooses:

- **confirm** (``Closing.CONFIRMED``): close them. From the run page the confirmation is for
  the number that was shown (``close_limit``): the file is run again and, if the data changed
  meanwhile and it would now close more than that, it stops again with the new number; fewer
  is applied. ``p3dn import --confirm-close`` and the API's ``confirm_close`` carry no number:
  the operator vouches for the file whatever it closes.
- **apply without closing** (``Closing.NONE``): insert and update what the file lists, close
  nothing (a partial or sample file).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.imports.models import ImportRun
from p3dn.lib.money import format_number


@dataclass(frozen=True)
class ScopeClosing:
    """One Pemda-year of a file: its current facts before the import, and how many of them
    the file no longer lists."""

    pemda_id: int
    tahun: int
    current: int
    closing: int


def too_many(scope: ScopeClosing, percent: int | None = None) -> bool:
    limit = settings.P3DN_IMPORT_CLOSE_PERCENT if percent is None else percent
    return scope.closing * 100 > scope.current * limit


def scope_label(pemda_id: int | None, tahun: int | None) -> str:
    """'Prov. Kalimantan Barat 2023'."""
    name = None
    if pemda_id is not None:
        name = Pemda.objects.filter(pk=pemda_id).values_list("name", flat=True).first()
    return " ".join(str(part) for part in (name, tahun) if part)


def _detail(scopes: list[ScopeClosing], dataset: str) -> str:
    return "; ".join(
        _("%(scope)s (%(dataset)s): %(n)s of %(current)s current facts")
        % {
            "scope": scope_label(s.pemda_id, s.tahun),
            "dataset": dataset,
            "n": format_number(s.closing),
            "current": format_number(s.current),
        }
        for s in scopes
        if s.closing
    )


def hold_reason(run: ImportRun, dataset: str, scopes: list[ScopeClosing]) -> str:
    """Why the run must stop and ask before it closes what its file no longer lists ('' when
    it may go on)."""
    total = sum(s.closing for s in scopes)
    if run.closing == ImportRun.Closing.NONE or not total:
        return ""
    if run.closing == ImportRun.Closing.CONFIRMED:
        if run.close_limit is None or total <= run.close_limit:
            return ""
        return _(
            "The file would now close %(n)s facts it no longer lists, more than the "
            "%(confirmed)s that were confirmed (the data changed meanwhile): %(detail)s. "
            "Nothing was applied; confirm the new number or apply without closing."
        ) % {
            "n": format_number(total),
            "confirmed": format_number(run.close_limit),
            "detail": _detail(scopes, dataset),
        }
    if not any(too_many(s) for s in scopes):
        return ""
    return _(
        "The file would close %(n)s facts it no longer lists, more than %(percent)s%% of the "
        "current facts, so it may not be a full extract: %(detail)s. Nothing was applied. "
        "Confirm to close them, or apply the file without closing anything."
    ) % {
        "n": format_number(total),
        "percent": settings.P3DN_IMPORT_CLOSE_PERCENT,
        "detail": _detail(scopes, dataset),
    }
