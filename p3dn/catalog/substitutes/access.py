"""Who uses the import-substitution finder.

- Everyone, signed in or not, finds the domestic alternatives of a text (the page, the API):
  it reads only the public registry, as the product search does.
- The scans of a Pemda-year (its non-PDN packages and realization with their alternatives)
  are read by the Pemda's own users (Tim P3DN, operators, viewers) and by national users;
  another Pemda's users get 404.
- A scan is run by the Pemda's Tim P3DN and the national administrator (403 for the others).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from p3dn.accounts.access import can_edit_pemda, get_pemda_for, in_pemda_scope
from p3dn.accounts.models import Pemda, User

from .models import Scan


def visible_scans(user: User) -> QuerySet[Scan]:
    if not (user.is_authenticated and user.is_active):
        return Scan.objects.none()
    return in_pemda_scope(Scan.objects.select_related("pemda"), user, "pemda_id")


def can_scan(user: User, pemda: Pemda) -> bool:
    return bool(user.is_authenticated and user.is_active and can_edit_pemda(user, pemda))


def get_pemda_to_read(user: User, pemda_id: int | str) -> Pemda:
    """A Pemda whose scans the user may read (404 otherwise)."""
    return get_pemda_for(user, pemda_id)


def get_pemda_to_scan(user: User, pemda_id: int | str) -> Pemda:
    """A Pemda the user may scan: 404 when it may not read it, 403 when it may not scan it."""
    pemda = get_pemda_for(user, pemda_id)
    if not can_scan(user, pemda):
        raise PermissionDenied
    return pemda


def get_scan_for(user: User, pemda: Pemda, tahun: int) -> Scan | None:
    """The latest scan of the Pemda-year the user may read (None when there is none)."""
    return visible_scans(user).filter(pemda=pemda, tahun=tahun).order_by(
        "-finished_at", "-id").first()
