"""Who may see and change what. One function per guarded model; views, API, exports and
commands never read these models any other way.

- admin: everything, read and write.
- tim_p3dn: its own Pemda, read and write (units, users of the Pemda, Pemda profile).
- operator: reads its own Pemda; writes only its own unit.
- viewer: reads its own Pemda, or every Pemda when it has none (national viewer); never writes.

Something outside the user's scope does not exist for them (404); something they can see but
not change is forbidden (403).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from p3dn.accounts.models import Pemda, SignInLock, Unit, User

M = TypeVar("M", bound=Model)


def user_of(request: HttpRequest) -> User:
    """The request's user with its p3dn type; views and endpoints behind a login use it."""
    return request.user  # type: ignore[return-value]


def in_pemda_scope(qs: QuerySet[M], user: User, pemda_field: str) -> QuerySet[M]:
    """``qs`` narrowed to what ``user`` may read: everything for national users, the rows of
    their own Pemda (``pemda_field`` names the Pemda's id) for the others, nothing otherwise."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_national:
        return qs
    if user.pemda_id is None:
        return qs.none()
    return qs.filter(**{pemda_field: user.pemda_id})


def visible_pemda(user: User) -> QuerySet[Pemda]:
    return in_pemda_scope(Pemda.objects.select_related("region"), user, "pk")


def can_edit_pemda(user: User, pemda: Pemda | int) -> bool:
    """The national admin, or the Tim P3DN of ``pemda``: who manages a Pemda's own things (its
    units, Monev, katalog lokal, business-matching events, TKDN-IK candidates)."""
    pemda_id = pemda if isinstance(pemda, int) else pemda.pk
    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == User.Role.ADMIN or (
        user.role == User.Role.TIM_P3DN and user.pemda_id == pemda_id
    )


def get_pemda_for(user: User, pemda_id: int | str, *, write: bool = False) -> Pemda:
    try:
        pemda = visible_pemda(user).get(pk=pemda_id)
    except (Pemda.DoesNotExist, ValueError, TypeError):
        raise Http404("Pemda not found") from None
    if write and not can_edit_pemda(user, pemda):
        raise PermissionDenied
    return pemda


def get_pemda_by_klpd_for(user: User | None, kd_klpd: str, *, write: bool = False) -> Pemda:
    """The Pemda of LKPP code ``kd_klpd`` (any case, spaces around ignored) as ``user`` may
    read it (404 otherwise; 403 when ``write`` and it may not change it), the way the API and
    the commands look a Pemda up by its code. ``user`` None is the command line, which runs with
    the server's own rights and reads every Pemda."""
    code = kd_klpd.strip().upper()
    if user is None:
        pemda = Pemda.objects.filter(kd_klpd=code).first()
        if pemda is None:
            raise Http404("Pemda not found")
        return pemda
    pemda_id = Pemda.objects.filter(kd_klpd=code).values_list("pk", flat=True).first()
    return get_pemda_for(user, pemda_id or 0, write=write)


def visible_units(user: User) -> QuerySet[Unit]:
    return in_pemda_scope(Unit.objects.select_related("pemda", "parent"), user, "pemda_id")


def can_edit_unit(user: User, unit: Unit) -> bool:
    if user.role == User.Role.OPERATOR:
        return user.unit_id == unit.pk
    return can_edit_pemda(user, unit.pemda)


def get_unit_for(user: User, unit_id: int | str, *, write: bool = False) -> Unit:
    try:
        unit = visible_units(user).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Unit not found") from None
    if write and not can_edit_unit(user, unit):
        raise PermissionDenied
    return unit


def visible_users(user: User) -> QuerySet[User]:
    """The accounts a user may manage: all for the admin, its Pemda's for a Tim P3DN."""
    qs = User.objects.select_related("pemda", "unit")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == User.Role.ADMIN:
        return qs
    if user.role == User.Role.TIM_P3DN and user.pemda_id is not None:
        return qs.filter(pemda_id=user.pemda_id)
    return qs.filter(pk=user.pk)


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.role in (User.Role.ADMIN, User.Role.TIM_P3DN)


def get_user_for(user: User, user_id: int | str, *, write: bool = False) -> User:
    try:
        other = visible_users(user).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("User not found") from None
    if write and not (can_manage_users(user) or other.pk == user.pk):
        raise PermissionDenied
    return other


def visible_sign_in_locks(user: User) -> QuerySet[SignInLock]:
    """Sign-in locks a user may see and lift: every one for the admin; for a Tim P3DN those of
    its own Pemda's accounts, never a whole address (that spans every Pemda behind it)."""
    qs = SignInLock.objects.select_related("pemda")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == User.Role.ADMIN:
        return qs
    if user.role == User.Role.TIM_P3DN and user.pemda_id is not None:
        return qs.filter(kind=SignInLock.Kind.ACCOUNT, pemda_id=user.pemda_id)
    return qs.none()


def get_sign_in_lock_for(user: User, lock_id: int | str) -> SignInLock:
    try:
        return visible_sign_in_locks(user).get(pk=lock_id)
    except (SignInLock.DoesNotExist, ValueError, TypeError):
        raise Http404("Sign-in lock not found") from None


def require_admin(user: User) -> None:
    """National-administrator-only pages (code mappings)."""
    if not user.is_authenticated or user.role != User.Role.ADMIN:
        raise PermissionDenied
