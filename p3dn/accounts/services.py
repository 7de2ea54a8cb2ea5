"""Every change to accounts, Pemda and units: one function each, atomic, audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts import access
from p3dn.accounts.models import (
    ApiToken,
    Pemda,
    SignInFailure,
    SignInLock,
    Unit,
    User,
    sign_in_key,
)
from p3dn.audit.models import LogEntry
from p3dn.audit.services import diff, log, snapshot
from p3dn.regions import services as regions
from p3dn.regions.models import Region

USER_FIELDS = ["username", "first_name", "last_name", "email", "role", "pemda", "unit", "is_active"]
UNIT_FIELDS = ["pemda", "kd_satker", "kd_satker_str", "name", "parent", "is_active"]
PEMDA_FIELDS = ["name", "kd_klpd", "has_tim_p3dn", "tim_p3dn_decree"]
LOCK_FIELDS = ["kind", "username", "address", "failures", "locked_at", "locked_until"]


@transaction.atomic
def sync_reference_data() -> dict[str, int]:
    """The shipped regions and code mappings (regions first), then a Pemda for every province,
    kabupaten and kota that has none, and the LKPP KLPD code of each; idempotent.

    Pemda an admin entered or edited by hand are never touched: a KLPD code is only given to a
    Pemda without one, and only when no Pemda carries it yet.
    """
    counts = regions.sync_reference_data()
    with_pemda = set(Pemda.objects.values_list("region_id", flat=True))
    new_pemda = [
        Pemda(region=region, name=regions.pemda_name(region))
        for region in Region.objects.exclude(level=Region.Level.KECAMATAN)
        if region.code not in with_pemda
    ]
    Pemda.objects.bulk_create(new_pemda, batch_size=1000)
    klpd = 0
    for kd_klpd, region_code in regions.shipped_klpd_codes():
        if not Pemda.objects.filter(kd_klpd=kd_klpd).exists():
            klpd += Pemda.objects.filter(region_id=region_code, kd_klpd__isnull=True).update(
                kd_klpd=kd_klpd
            )
    return {
        "regions": counts["regions"],
        "pemda": len(new_pemda),
        "codes": counts["codes"],
        "klpd": klpd,
    }


def _check_role_scope(
    *, actor: User | None, role: str, pemda: Pemda | None, unit: Unit | None
) -> None:
    errors: dict[str, str] = {}
    if role not in User.Role.values:
        errors["role"] = _("Unknown role “%(role)s”.") % {"role": role}
    elif role == User.Role.ADMIN and (pemda or unit):
        errors["pemda"] = _("A national administrator belongs to no Pemda.")
    elif role == User.Role.TIM_P3DN and (not pemda or unit):
        errors["pemda"] = _("A Tim P3DN account needs its Pemda and no unit.")
    elif role == User.Role.OPERATOR and not unit:
        errors["unit"] = _("An operator account needs its unit.")
    elif role == User.Role.OPERATOR and unit and pemda and unit.pemda_id != pemda.pk:
        errors["unit"] = _("The unit “%(unit)s” does not belong to %(pemda)s.") % {
            "unit": unit,
            "pemda": pemda,
        }
    elif role == User.Role.VIEWER and unit:
        errors["unit"] = _("A viewer belongs to a Pemda or is national, not to a unit.")
    if errors:
        raise ValidationError(errors)
    # A Tim P3DN manages the accounts of its own Pemda only, and cannot create admins.
    if (
        actor is not None
        and actor.role != User.Role.ADMIN
        and (role == User.Role.ADMIN or pemda is None or pemda.pk != actor.pemda_id)
    ):
        raise PermissionDenied


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    pemda: Pemda | None = None,
    unit: Unit | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create an account; ``actor`` None means the command line (``p3dn createadmin``, demo)."""
    if actor is not None and not access.can_manage_users(actor):
        raise PermissionDenied
    if unit is not None and pemda is None:
        pemda = unit.pemda
    _check_role_scope(actor=actor, role=role, pemda=pemda, unit=unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("The username “%(name)s” is taken.") % {"name": username}}
        )
    user = User(
        username=username,
        role=role,
        pemda=pemda,
        unit=unit,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.full_clean(exclude=["password"])
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    log(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        pemda=pemda,
        changes=diff({}, snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, **fields: Any) -> User:
    """Change an account's names, role, scope or active flag."""
    if not access.can_manage_users(actor):
        raise PermissionDenied
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        if name not in USER_FIELDS or name == "username":
            raise TypeError(f"update_user cannot change {name}")
        setattr(user, name, value)
    if user.unit is not None:
        user.pemda = user.unit.pemda
    _check_role_scope(actor=actor, role=user.role, pemda=user.pemda, unit=user.unit)
    if user.pk == actor.pk and (not user.is_active or user.role != before["role"]):
        raise ValidationError(
            {"role": _("You cannot change your own role or deactivate yourself.")}
        )
    user.full_clean(exclude=["password"])
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        log(
            actor=actor, action="accounts.user.updated", obj=user, pemda=user.pemda, changes=changes
        )
    return user


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> User:
    """Set a new password (validated); the audit entry never holds the password."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    log(actor=actor or user, action="accounts.user.password_changed", obj=user, pemda=user.pemda)
    return user


@transaction.atomic
def update_pemda(*, actor: User, pemda: Pemda, **fields: Any) -> Pemda:
    """Change a Pemda's profile. Only the admin may change its LKPP KLPD code."""
    if not access.can_edit_pemda(actor, pemda):
        raise PermissionDenied
    if "kd_klpd" in fields and actor.role != User.Role.ADMIN and fields["kd_klpd"] != pemda.kd_klpd:
        raise PermissionDenied
    before = snapshot(pemda, PEMDA_FIELDS)
    for name, value in fields.items():
        if name not in PEMDA_FIELDS:
            raise TypeError(f"update_pemda cannot change {name}")
        setattr(pemda, name, value)
    if pemda.kd_klpd == "":
        pemda.kd_klpd = None
    pemda.full_clean()
    pemda.save()
    changes = diff(before, snapshot(pemda, PEMDA_FIELDS))
    if changes:
        log(actor=actor, action="accounts.pemda.updated", obj=pemda, pemda=pemda, changes=changes)
    return pemda


def _validate_unit(unit: Unit) -> None:
    if unit.kd_satker == "":
        unit.kd_satker = None
    if unit.parent is not None and unit.parent.pemda_id != unit.pemda_id:
        raise ValidationError({"parent": _("The parent unit belongs to another Pemda.")})
    if unit.parent is not None and unit.pk and unit.parent.pk == unit.pk:
        raise ValidationError({"parent": _("A unit cannot be its own parent.")})
    clash = Unit.objects.filter(pemda_id=unit.pemda_id, kd_satker=unit.kd_satker)
    if unit.kd_satker is not None and clash.exclude(pk=unit.pk).exists():
        raise ValidationError(
            {
                "kd_satker": _("Another unit of this Pemda has satker code %(code)s.")
                % {"code": unit.kd_satker}
            }
        )
    unit.full_clean(validate_unique=False)


@transaction.atomic
def create_unit(
    *,
    actor: User | None,
    pemda: Pemda,
    name: str,
    kd_satker: str | None = None,
    kd_satker_str: str = "",
    parent: Unit | None = None,
) -> Unit:
    """Add a perangkat daerah by hand (imports use the same function through their engine)."""
    if actor is not None and not access.can_edit_pemda(actor, pemda):
        raise PermissionDenied
    unit = Unit(
        pemda=pemda,
        name=name.strip(),
        kd_satker=kd_satker,
        kd_satker_str=kd_satker_str,
        parent=parent,
    )
    _validate_unit(unit)
    unit.save()
    log(
        actor=actor,
        action="accounts.unit.created",
        obj=unit,
        pemda=pemda,
        changes=diff({}, snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def update_unit(*, actor: User, unit: Unit, **fields: Any) -> Unit:
    """Change a unit; operators may change their own unit only, and never move it."""
    if not access.can_edit_unit(actor, unit):
        raise PermissionDenied
    before = snapshot(unit, UNIT_FIELDS)
    for name, value in fields.items():
        if name not in UNIT_FIELDS or name == "pemda":
            raise TypeError(f"update_unit cannot change {name}")
        setattr(unit, name, value)
    _validate_unit(unit)
    unit.save()
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        log(
            actor=actor, action="accounts.unit.updated", obj=unit, pemda=unit.pemda, changes=changes
        )
    return unit


@transaction.atomic
def delete_unit(*, actor: User, unit: Unit) -> None:
    """Remove a unit that nothing refers to; otherwise it must be deactivated instead."""
    if not access.can_edit_pemda(actor, unit.pemda):
        raise PermissionDenied
    if unit.users.exists() or unit.children.exists():
        raise ValidationError(
            _("“%(unit)s” still has accounts or sub-units; deactivate it instead.") % {"unit": unit}
        )
    log(
        actor=actor,
        action="accounts.unit.deleted",
        obj=unit,
        pemda=unit.pemda,
        changes=diff(snapshot(unit, UNIT_FIELDS), {}),
    )
    unit.delete()


# ------------------------------------------------------------------ units an import brings in


def create_imported_unit(
    *, pemda_id: int, kd_satker: str, name: str, kd_satker_str: str = "", **fields: Any
) -> tuple[Unit, bool]:
    """A unit an import needs (its rows name it, or RUP-MasterSatker lists it): created, or
    the one another import created meanwhile and committed first (on PostgreSQL the insert
    waits for that import and then meets its unit); True when created here.

    In a savepoint, so the import goes on after a clash. Not audited one by one: an import run
    records every unit it created or changed in one entry (``log_imported_units``), as a file
    of 100,000 rows may bring hundreds."""
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                pemda_id=pemda_id, kd_satker=kd_satker, name=name, kd_satker_str=kd_satker_str,
                **fields,
            )
            return unit, True
    except IntegrityError:
        return Unit.objects.get(pemda_id=pemda_id, kd_satker=kd_satker), False


def update_imported_unit(*, unit: Unit, **fields: Any) -> dict[str, list[Any]]:
    """Change a unit as an import lists it (name, budget code, active); returns the changes for
    the run's one audit entry (``log_imported_units``)."""
    for name in fields:
        if name not in UNIT_FIELDS or name == "pemda":
            raise TypeError(f"an import cannot change a unit's {name}")
    changes = diff({k: getattr(unit, k) for k in fields}, fields)
    Unit.objects.filter(pk=unit.pk).update(**fields)
    return changes


@transaction.atomic
def log_imported_units(
    *,
    actor: Any,
    source: models.Model,
    pemda: Pemda | None,
    created: list[Unit],
    updated: list[tuple[Unit, dict[str, list[Any]]]],
) -> LogEntry | None:
    """The one audit entry of the units an import run (``source``) created and changed: each
    created unit's id, codes and name, each changed unit's id and code with its changes.
    Nothing created or changed: no entry."""
    if not created and not updated:
        return None
    changes: dict[str, list[Any]] = {}
    if created:
        changes["units_created"] = [
            None,
            [
                {"id": u.pk, "kd_satker": u.kd_satker, "kd_satker_str": u.kd_satker_str,
                 "name": u.name}
                for u in created
            ],
        ]
    if updated:
        changes["units_updated"] = [
            None,
            [{"id": u.pk, "kd_satker": u.kd_satker, "changes": c} for u, c in updated],
        ]
    return log(
        actor=actor, action="accounts.unit.imported", obj=source, pemda=pemda, changes=changes
    )


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns it with the key, which is shown this once only."""
    key = "p3dn_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name.strip() or "API", prefix=key[5:13], key_hash=_hash_key(key)
    )
    log(actor=actor, action="accounts.api_token.created", obj=token, pemda=actor.pemda)
    return token, key


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and actor.role != User.Role.ADMIN:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log(actor=actor, action="accounts.api_token.revoked", obj=token, pemda=token.user.pemda)
    return token


def user_for_api_key(key: str) -> User | None:
    """The active user owning an unrevoked token with this key, marking it used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _lock(*, kind: str, username: str, address: str, failures: int) -> SignInLock:
    now = timezone.now()
    owner = User.objects.filter(username__iexact=username).first() if username else None
    lock = SignInLock.objects.create(
        kind=kind,
        username=username,
        address=address,
        pemda_id=owner.pemda_id if owner else None,
        failures=failures,
        locked_at=now,
        locked_until=now + timedelta(minutes=settings.P3DN_LOGIN_LOCK_MINUTES),
    )
    log(
        actor=None,
        action="accounts.login.locked",
        obj=lock,
        pemda=lock.pemda,
        changes=diff({}, snapshot(lock, LOCK_FIELDS)),
    )
    return lock


@transaction.atomic
def record_sign_in_failure(*, username: str, address: str) -> SignInLock | None:
    """Count one wrong password. Within the last P3DN_LOGIN_LOCK_MINUTES, P3DN_LOGIN_FAILURE_LIMIT
    failures of one username from one address lock that username at that address only, and
    P3DN_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the usernames, lock the
    whole address. Returns the lock this failure started, the address lock first."""
    now = timezone.now()
    window_start = now - timedelta(minutes=settings.P3DN_LOGIN_LOCK_MINUTES)
    SignInFailure.objects.filter(created_at__lt=window_start).delete()
    key = sign_in_key(username)
    SignInFailure.objects.create(username=key, address=address, created_at=now)
    recent = SignInFailure.objects.filter(address=address, created_at__gte=window_start)
    started = None
    account_failures = recent.filter(username=key).count()
    if account_failures >= settings.P3DN_LOGIN_FAILURE_LIMIT:
        started = _lock(
            kind=SignInLock.Kind.ACCOUNT, username=key, address=address, failures=account_failures
        )
    address_failures = recent.count()
    if address_failures >= settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT:
        started = _lock(
            kind=SignInLock.Kind.ADDRESS, username="", address=address, failures=address_failures
        )
    return started


@transaction.atomic
def clear_sign_in_failures(*, username: str, address: str) -> None:
    """A right password: forget this username's failures at this address (only those)."""
    SignInFailure.objects.filter(username=sign_in_key(username), address=address).delete()


@transaction.atomic
def lift_sign_in_lock(*, actor: User, lock: SignInLock) -> SignInLock:
    """End a lock now and forget the failures behind it, so the next try starts afresh."""
    if not access.visible_sign_in_locks(actor).filter(pk=lock.pk).exists():
        raise PermissionDenied
    if not lock.is_active:
        return lock
    lock.lifted_at = timezone.now()
    lock.lifted_by = actor
    lock.save(update_fields=["lifted_at", "lifted_by"])
    # Two failures at the same instant may each have started a lock of the same key.
    SignInLock.objects.filter(
        kind=lock.kind,
        username=lock.username,
        address=lock.address,
        lifted_at__isnull=True,
        locked_until__gt=lock.lifted_at,
    ).update(lifted_at=lock.lifted_at, lifted_by=actor)
    failures = SignInFailure.objects.filter(address=lock.address)
    if lock.kind == SignInLock.Kind.ACCOUNT:
        failures = failures.filter(username=lock.username)
    failures.delete()
    log(
        actor=actor,
        action="accounts.login.unlocked",
        obj=lock,
        pemda=lock.pemda,
        changes=diff(
            {"lifted_at": None, "lifted_by": None},
            snapshot(lock, ["lifted_at", "lifted_by"]),
        ),
    )
    return lock
