"""Who may import and see import runs: the admin everything; a Tim P3DN its own Pemda's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from p3dn.accounts.models import User
from p3dn.imports.models import ImportRun


def can_import(user: User) -> bool:
    return user.is_authenticated and user.role in (User.Role.ADMIN, User.Role.TIM_P3DN)


def allowed_pemda(user: User) -> set[int] | None:
    """The Pemda whose data the user may import (None: all)."""
    if user.role == User.Role.ADMIN:
        return None
    if user.role == User.Role.TIM_P3DN and user.pemda_id is not None:
        return {user.pemda_id}
    raise PermissionDenied


def visible_runs(user: User) -> QuerySet[ImportRun]:
    if not can_import(user):
        raise PermissionDenied
    runs = ImportRun.objects.select_related("pemda", "user")
    if user.role == User.Role.ADMIN:
        return runs
    return runs.filter(Q(pemda_id=user.pemda_id) | Q(user=user))


def get_run_for(user: User, run_id: int | str) -> ImportRun:
    try:
        return visible_runs(user).get(pk=run_id)
    except (ImportRun.DoesNotExist, ValueError, TypeError):
        raise Http404("Import run not found") from None
