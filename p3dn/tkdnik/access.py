"""Who may see and change what in the TKDN-IK pipeline (docs/tkdnik.md).

- The users of a Pemda read its candidates, targets, onboarding and reminders; national users
  (admin, national viewer) read every Pemda's. Another Pemda's candidate does not exist (404).
- A province's users also read the target progress of the kabupaten/kota of their province
  (the figures only: never their candidates).
- Only the Pemda's own Tim P3DN (and the national admin) register candidates and record their
  steps (403 for the others).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from p3dn.accounts.access import can_edit_pemda, in_pemda_scope, visible_pemda
from p3dn.accounts.models import Pemda, User
from p3dn.regions.models import Region
from p3dn.tkdnik.models import Candidate


def can_manage(user: User, pemda: Pemda | int) -> bool:
    return can_edit_pemda(user, pemda)


def require_manage(user: User, pemda: Pemda) -> None:
    if not can_manage(user, pemda):
        raise PermissionDenied


def visible_candidates(user: User) -> QuerySet[Candidate]:
    qs = Candidate.objects.select_related(
        "pemda", "kecamatan", "producer", "product", "certificate"
    )
    return in_pemda_scope(qs, user, "pemda_id")


def get_candidate_for(user: User, pk: int | str, *, write: bool = False) -> Candidate:
    try:
        candidate = visible_candidates(user).get(pk=pk)
    except (Candidate.DoesNotExist, ValueError, TypeError):
        raise Http404("Candidate not found") from None
    if write and not can_manage(user, candidate.pemda_id):
        raise PermissionDenied
    return candidate


def progress_pemda(user: User) -> QuerySet[Pemda]:
    """The Pemda whose target progress ``user`` reads: its own (and, for a province's users,
    the kabupaten/kota of the province), or every Pemda for national users."""
    own = visible_pemda(user)
    if user.is_authenticated and user.is_active and not user.is_national and user.pemda_id:
        pemda = user.pemda
        if pemda is not None and pemda.region.level == Region.Level.PROVINSI:
            return Pemda.objects.select_related("region").filter(
                Q(pk=pemda.pk) | Q(region__parent_id=pemda.region_id))
    return own


def get_progress_pemda_for(user: User, pemda_id: int | str) -> Pemda:
    try:
        return progress_pemda(user).get(pk=pemda_id)
    except (Pemda.DoesNotExist, ValueError, TypeError):
        raise Http404("Pemda not found") from None
