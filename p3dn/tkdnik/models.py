"""The TKDN-IK pipeline of a Pemda (docs/tkdnik.md): small-industry producers and their
products (candidates) taken from registration through the C11 self-assessment, the pre-check of
the four main rejection causes and the submission to a certificate or a rejection.

Each step has its date (as the Tim P3DN records it) and goes to the audit trail. The targets per
kecamatan and quarter are facts (procurement.TkdnIkTarget, imported from the template); the
certificates are the registry's (catalog.Certificate). Scores and values are Decimal fractions.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from p3dn.audit.models import Authored


class Candidate(Authored):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSESSED = "assessed", _("Self-assessed")
        SUBMITTED = "submitted", _("Submitted")
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Rejected")

    class RejectionCause(models.TextChoices):
        SIZE = "ukuran_usaha", _("Not a small industry")
        KBLI = "kbli", _("Product outside the KBLI on the NIB")
        RAW_MATERIAL = "bahan_baku", _("No proof of domestic raw-material purchase")
        NIE = "nie", _("No NIE for a health product")
        OTHER = "lainnya", _("Other reason")

    class Regulation(models.TextChoices):
        R46 = "permenperin46_2022", _("Permenperin 46/2022")
        R35 = "permenperin35_2025", _("Permenperin 35/2025 (self-declare)")

    OPEN = (Status.REGISTERED, Status.ASSESSED, Status.SUBMITTED)

    pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    kecamatan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("kecamatan"),
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("producer"),
    )
    product = models.ForeignKey(
        "catalog.CatalogProduct", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("registry product"),
    )
    # The product as the candidate names it (the registry's item identity: name,
    # specification, brand, type); filled from the registry product when one is chosen.
    product_name = models.CharField(_("product"), max_length=255)
    specification = models.TextField(_("specification"), blank=True)
    brand = models.CharField(_("brand"), max_length=255, blank=True)
    tipe = models.CharField(_("type"), max_length=255, blank=True)
    product_kbli = models.CharField(_("KBLI of the product"), max_length=5, blank=True)
    health_product = models.BooleanField(_("health product (needs an NIE)"), default=False)
    nie = models.CharField(_("NIE (distribution permit number)"), max_length=60, blank=True)
    raw_material_evidence = models.BooleanField(
        _("proof of domestic raw-material purchase"), null=True, blank=True
    )
    raw_material_note = models.CharField(_("proof (invoice, receipt)"), max_length=255,
                                         blank=True)
    # what the producer declares in its application, read where the registry has nothing
    modal_usaha = models.DecimalField(
        _("business capital as declared (Rp)"), max_digits=20, decimal_places=2, null=True,
        blank=True)
    hasil_penjualan = models.DecimalField(
        _("annual sales as declared (Rp)"), max_digits=20, decimal_places=2, null=True,
        blank=True)
    nib_kbli = models.CharField(_("KBLI codes on the NIB as declared"), max_length=200,
                                blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.REGISTERED)
    registered_on = models.DateField(_("registered"))
    # C11 self-assessment, as computed by p3dn.rules.tkdn_ik.tkdn_ik
    assessed_on = models.DateField(_("self-assessed"), null=True, blank=True)
    regulation = models.CharField(_("regulation"), max_length=20, choices=Regulation.choices,
                                  blank=True)
    score_material = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_labour = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_overhead = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_development = models.DecimalField(max_digits=5, decimal_places=4, null=True,
                                            blank=True)
    tkdn_ik = models.DecimalField(_("TKDN-IK"), max_digits=5, decimal_places=4, null=True,
                                  blank=True)
    certifiable = models.BooleanField(_("certifiable"), null=True, blank=True)
    assessment = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Pre-check of the four rejection causes (p3dn.rules.tkdn_ik.precheck), last run
    prechecked_on = models.DateField(_("pre-checked"), null=True, blank=True)
    precheck_passed = models.BooleanField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("reason for submitting despite findings"), blank=True)
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    certificate = models.ForeignKey(
        "catalog.Certificate", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("certificate"),
    )
    closed_by_import = models.BooleanField(_("closed by a Kemenperin import"), default=False)
    rejection_cause = models.CharField(_("rejection cause"), max_length=12,
                                       choices=RejectionCause.choices, blank=True)
    rejection_note = models.TextField(_("rejection reason"), blank=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["pemda", "status"], name="tkdnik_candidate_status"),
            models.Index(fields=["kecamatan", "decided_on"], name="tkdnik_candidate_kec"),
        ]
        verbose_name = _("TKDN-IK candidate")
        verbose_name_plural = _("TKDN-IK candidates")

    def __str__(self) -> str:
        return f"{self.product_name} — {self.producer_id}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
