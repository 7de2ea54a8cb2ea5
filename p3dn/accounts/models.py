"""Users and their roles, Pemda (KLPD) and their perangkat daerah (satker), API tokens, and the
sign-in throttle's failures and locks."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p3dn.regions.models import Region


class Pemda(models.Model):
    """A regional government (province, kabupaten or kota): a KLPD in LKPP's terms."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="pemda", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=120)
    kd_klpd = models.CharField(
        _("LKPP KLPD code"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The code LKPP uses for this government, e.g. D107 for Kab. Bandung."),
    )
    has_tim_p3dn = models.BooleanField(_("has a Tim P3DN"), default=False)
    tim_p3dn_decree = models.CharField(
        _("Tim P3DN decree"),
        max_length=200,
        blank=True,
        help_text=_("Number and date of the decision that formed the Tim P3DN."),
    )

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("Pemda")
        verbose_name_plural = _("Pemda")

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return self.region.level


class Unit(models.Model):
    """A perangkat daerah / satker of a Pemda, keyed like LKPP by kd_satker."""

    pemda = models.ForeignKey(
        Pemda, on_delete=models.PROTECT, related_name="units", verbose_name=_("Pemda")
    )
    # NULL, not "", marks a unit with no LKPP code yet, so the unique constraint ignores it.
    kd_satker = models.CharField(  # noqa: DJ001
        _("satker code (kd_satker)"),
        max_length=30,
        null=True,
        blank=True,
        help_text=_("LKPP's satker code; empty for a unit entered by hand before any import."),
    )
    kd_satker_str = models.CharField(_("budget code (kd_satker_str)"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pemda_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "kd_satker"],
                name="unit_kd_satker_unique_per_pemda",
                condition=Q(kd_satker__isnull=False),
            ),
        ]
        verbose_name = _("government unit")
        verbose_name_plural = _("government units")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person signing in. The role decides what they see; see accounts/access.py."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("National administrator")
        TIM_P3DN = "tim_p3dn", _("Tim P3DN")
        OPERATOR = "operator", _("Unit operator")
        VIEWER = "viewer", _("Viewer")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    pemda = models.ForeignKey(
        Pemda,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("Pemda"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("unit"),
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_role_scope",
                condition=(
                    Q(role="admin", pemda__isnull=True, unit__isnull=True)
                    | Q(role="tim_p3dn", pemda__isnull=False, unit__isnull=True)
                    | Q(role="operator", pemda__isnull=False, unit__isnull=False)
                    | Q(role="viewer", unit__isnull=True)
                ),
            ),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_national(self) -> bool:
        """Sees every Pemda: the national administrator and national viewers."""
        return self.role == self.Role.ADMIN or (self.role == self.Role.VIEWER and not self.pemda_id)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def scope_label(self) -> str:
        if self.unit_id and self.unit:
            return f"{self.unit.name} — {self.pemda}"
        if self.pemda_id:
            return str(self.pemda)
        return str(_("National"))


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def sign_in_key(username: str) -> str:
    """A username as the sign-in throttle counts it: usernames are unique whatever their case."""
    return username.strip().lower()[:150]


class SignInFailure(models.Model):
    """One wrong password at the sign-in form. Counted per username and address and per address
    for the throttle (services.record_sign_in_failure); dropped once older than a lock lasts."""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "created_at"], name="signin_failure_address"),
            models.Index(fields=["username", "address"], name="signin_failure_account"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"


class SignInLock(models.Model):
    """A sign-in lock: one username from one address, or a whole address that tried too many
    usernames (password spraying). It ends by itself at ``locked_until`` or when lifted."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account from this address")
        ADDRESS = "address", _("Every account from this address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    username = models.CharField(_("username"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=45)
    pemda = models.ForeignKey(
        Pemda,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Pemda"),
        help_text=_("The Pemda of the locked account, when the username is one of ours."),
    )
    failures = models.PositiveIntegerField(_("failed attempts"))
    locked_at = models.DateTimeField(_("locked since"))
    locked_until = models.DateTimeField(_("locked until"), db_index=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )

    class Meta:
        ordering = ["-locked_at", "-id"]
        indexes = [models.Index(fields=["address", "locked_until"], name="signin_lock_address")]
        constraints = [
            models.CheckConstraint(
                name="signin_lock_kind_username",
                condition=Q(kind="account", username__gt="") | Q(kind="address", username=""),
            ),
        ]
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return f"{self.username or '*'} @ {self.address}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and self.locked_until > timezone.now()
