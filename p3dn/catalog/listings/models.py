"""The katalog lokal: a Pemda's curated list of local producers and their products
(docs/catalog.md, "Katalog lokal").

An entry (``Listing``) names a registry producer and, optionally, one of its products. It is
proposed by the Pemda's Tim P3DN, or by a producer through the public form (then it carries
what was typed in ``proposal`` until a Tim P3DN takes it into the registry), then approved,
rejected or later removed, each with its reason. Only approved entries are ever shown to the
public. ``checks`` holds the Katalog v6 checks as run on the proposal (checks.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Kemenkop's ask: at least 1.000 UMK and cooperatives onboarded per Pemda (PEERS.md §6.3).
DEFAULT_UMK_TARGET = 1000


class Listing(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REMOVED = "removed", _("Removed from the list")

    class Source(models.TextChoices):
        TIM = "tim", _("Tim P3DN")
        PUBLIC = "publik", _("Producer's proposal form")

    OPEN = (Status.PENDING, Status.APPROVED)

    pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("producer"),
        help_text=_("Empty while a producer's own proposal is not yet in the registry."),
    )
    product = models.ForeignKey(
        "catalog.CatalogProduct", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("product"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("proposed through"), max_length=8, choices=Source.choices)
    # What a producer typed on the public form: {"producer": {...}, "product": {...} | None}
    proposal = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.CharField(_("contact email"), max_length=254, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    # [{"code": "nib", "status": "ok" | "fail" | "unknown", "detail": {...}}, ...]
    checks = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    override_reason = models.TextField(_("reason for approving despite failed checks"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # A keyed hash of the address a public proposal came from: the rate limit counts it.
    address_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="listing_approved_has_producer",
                condition=~Q(status="approved") | Q(producer__isnull=False),
            ),
            models.CheckConstraint(
                name="listing_product_has_producer",
                condition=Q(product__isnull=True) | Q(producer__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["pemda", "producer"],
                condition=Q(product__isnull=True, producer__isnull=False,
                            status__in=["pending", "approved"]),
                name="listing_open_producer",
            ),
            models.UniqueConstraint(
                fields=["pemda", "product"],
                condition=Q(product__isnull=False, status__in=["pending", "approved"]),
                name="listing_open_product",
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "status"], name="listing_pemda_status"),
            models.Index(fields=["address_key", "created_at"], name="listing_address"),
        ]
        verbose_name = _("katalog lokal entry")
        verbose_name_plural = _("katalog lokal entries")

    def __str__(self) -> str:
        return self.title

    @property
    def producer_name(self) -> str:
        if self.producer_id and self.producer:
            return self.producer.name
        return str((self.proposal.get("producer") or {}).get("name", ""))

    @property
    def product_name(self) -> str:
        if self.product_id and self.product:
            return self.product.name
        return str((self.proposal.get("product") or {}).get("name", ""))

    @property
    def title(self) -> str:
        product = self.product_name
        return f"{product} — {self.producer_name}" if product else self.producer_name

    @property
    def in_registry(self) -> bool:
        """Whether the rows it names are registry rows (else only the typed proposal)."""
        return self.producer_id is not None and (
            self.product_id is not None or not self.proposal.get("product")
        )


class OnboardingTarget(models.Model):
    """How many UMK producers a Pemda aims to have in its katalog lokal (default 1.000)."""

    pemda = models.OneToOneField(
        "accounts.Pemda", on_delete=models.CASCADE, related_name="+", verbose_name=_("Pemda")
    )
    umk_target = models.PositiveIntegerField(_("UMK producers to onboard"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("onboarding target")
        verbose_name_plural = _("onboarding targets")

    def __str__(self) -> str:
        return f"{self.pemda_id}: {self.umk_target}"
