"""The findings of the TKDN claim verification (docs/catalog.md, "Claim verification"): one per
claim (an e-Katalog listing's TKDN, or a certificate entered by hand) with its outcome and its
evidence, all from the last verification run. A new run replaces them in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from p3dn.rules.claims import Outcome as RuleOutcome


class Outcome(models.TextChoices):
    NOMOR_TIDAK_DIKENAL = RuleOutcome.NOMOR_TIDAK_DIKENAL.value, _(
        "Certificate number unknown to the registry")
    TANPA_SERTIFIKAT = RuleOutcome.TANPA_SERTIFIKAT.value, _("TKDN value without a certificate")
    KEDALUWARSA = RuleOutcome.KEDALUWARSA.value, _("Certificate not valid on the date")
    PEMEGANG_BERBEDA = RuleOutcome.PEMEGANG_BERBEDA.value, _(
        "Holder is neither the producer nor the provider")
    NILAI_BERBEDA = RuleOutcome.NILAI_BERBEDA.value, _("TKDN value differs")
    COCOK = RuleOutcome.COCOK.value, _("Matches")


class VerificationRun(models.Model):
    """The last verification: when, as of which date, under which rule, with what counts."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    rule_version = models.CharField(max_length=60)
    legal_basis = models.TextField(_("legal basis"))
    tolerance = models.DecimalField(max_digits=7, decimal_places=6)
    claims = models.PositiveIntegerField(_("claims checked"), default=0)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"claim verification as of {self.as_of}"


class Finding(models.Model):
    """One claim and its outcome."""

    class Source(models.TextChoices):
        EKATALOG = "ekatalog", _("e-Katalog listing")
        MANUAL = "manual", _("Entered by hand")

    run = models.ForeignKey(VerificationRun, on_delete=models.CASCADE, related_name="findings")
    source = models.CharField(_("claim from"), max_length=8, choices=Source.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               db_index=True)
    product = models.ForeignKey(
        "catalog.CatalogProduct", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("product"),
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("producer"),
    )
    producer_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    producer_province = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the claim was read: the e-Katalog listing's fact version and the import run (file)
    # that brought it, or the certificate entered by hand.
    listing = models.ForeignKey(
        "procurement.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_certificate = models.ForeignKey(
        "catalog.Certificate", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    kd_produk = models.CharField(_("e-Katalog product code"), max_length=60, blank=True)
    claimed_number = models.CharField(_("claimed certificate number"), max_length=120,
                                      blank=True)
    claimed_tkdn = models.DecimalField(_("claimed TKDN"), max_digits=7, decimal_places=4,
                                       null=True, blank=True)
    claimed_bmp = models.DecimalField(_("claimed BMP"), max_digits=7, decimal_places=4,
                                      null=True, blank=True)
    claimed_holder = models.CharField(_("claimed holder"), max_length=255, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=255, blank=True)
    # The certificate the outcome rests on, and claimed - certified when values were compared.
    certificate = models.ForeignKey(
        "catalog.Certificate", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("certificate"),
    )
    difference = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    # Every certificate compared: number, TKDN, holder, dates, C12 status on the date, sources.
    evidence = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["producer_province", "outcome"],
                                name="claim_finding_province")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.product_id}"

    def get_absolute_url(self) -> str:
        return reverse("claims:finding-detail", args=[self.pk])


class Purchase(models.Model):
    """The e-Katalog purchases of a Pemda that used the claimed product (by kd_produk)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="purchases")
    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pemda_id"]
        constraints = [models.UniqueConstraint(fields=["finding", "pemda"],
                                               name="claim_purchase_unique")]

    def __str__(self) -> str:
        return f"{self.pemda_id} bought {self.finding_id}"
