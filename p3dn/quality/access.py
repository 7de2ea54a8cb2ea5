"""Who may read a Pemda-year's data-quality warnings and their rows (docs/roles.md).

- admin and national viewers: every Pemda.
- tim_p3dn and viewers of a Pemda: every row of their own Pemda.
- operator: the rows of its own perangkat daerah only (the warnings' sentences, which speak of
  the whole Pemda it may read on the Dasbor, stay as they are).

Another Pemda does not exist for them (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from p3dn.accounts.access import get_pemda_for
from p3dn.accounts.models import Pemda, User


@dataclass(frozen=True)
class Scope:
    """The Pemda whose warnings the user reads, and the one unit it is limited to (or None)."""

    pemda: Pemda
    unit_id: int | None


def get_scope_for(user: User, pemda_id: int | str) -> Scope:
    """The warnings of ``pemda_id`` the user may read; 404 when the Pemda is not theirs."""
    pemda = get_pemda_for(user, pemda_id)
    if user.role == User.Role.OPERATOR:
        return Scope(pemda, user.unit_id or 0)
    return Scope(pemda, None)
