"""Who may see and change what in business matching (docs/matching.md, "Roles").

- National users (admin, national viewers) read every Pemda's events, demand and totals; only
  the admin writes.
- The Tim P3DN of a Pemda manages its events (create, edit, invitations, interests and
  commitments) and every need of its Pemda.
- An operator reads its Pemda's events and demand, and declares and edits the needs of its
  own unit only.
- A viewer of a Pemda reads its Pemda's.

Another Pemda's event or need does not exist for a user of a Pemda (404); something they can
see but not change is forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from p3dn.accounts.access import can_edit_pemda, in_pemda_scope
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.matching.models import Event, Interest, Need


def can_manage(user: User, pemda: Pemda | int) -> bool:
    """Events, invitations, interests and commitments of ``pemda``."""
    return can_edit_pemda(user, pemda)


def can_declare_need(user: User, unit: Unit) -> bool:
    """A need of ``unit``: the Pemda's Tim P3DN and the admin, or the unit's own operator."""
    if can_manage(user, unit.pemda_id):
        return True
    return (user.is_authenticated and user.is_active and user.role == User.Role.OPERATOR
            and user.unit_id == unit.pk)


def require_manage(user: User, pemda: Pemda) -> None:
    if not can_manage(user, pemda):
        raise PermissionDenied


def visible_events(user: User) -> QuerySet[Event]:
    return in_pemda_scope(Event.objects.select_related("pemda"), user, "pemda_id")


def get_event_for(user: User, pk: int | str, *, write: bool = False) -> Event:
    try:
        event = visible_events(user).get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("Event not found") from None
    if write and not can_manage(user, event.pemda_id):
        raise PermissionDenied
    return event


def visible_needs(user: User) -> QuerySet[Need]:
    return in_pemda_scope(Need.objects.select_related("pemda", "unit"), user, "pemda_id")


def get_need_for(user: User, pk: int | str, *, write: bool = False) -> Need:
    try:
        need = visible_needs(user).get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError):
        raise Http404("Need not found") from None
    if write and not can_declare_need(user, need.unit):
        raise PermissionDenied
    return need


def visible_interests(user: User) -> QuerySet[Interest]:
    qs = Interest.objects.select_related("event", "event__pemda", "producer", "product",
                                         "unit", "need")
    return in_pemda_scope(qs, user, "event__pemda_id")


def get_interest_for(user: User, pk: int | str, *, write: bool = False) -> Interest:
    try:
        interest = visible_interests(user).get(pk=pk)
    except (Interest.DoesNotExist, ValueError, TypeError):
        raise Http404("Interest not found") from None
    if write and not can_manage(user, interest.event.pemda_id):
        raise PermissionDenied
    return interest
