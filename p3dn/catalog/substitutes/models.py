"""The stored scans of the import-substitution finder (docs/substitutes.md): for a Pemda-year,
every RUP package and realization row that is not PDN, with the domestic alternatives the
registry search found for its name. Searching each row is costly, so a scan is run on demand
(services.scan) and the pages read the last one, saying when it was made and as of which data.
A new scan of the same Pemda-year replaces the previous one in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class RowSource(models.TextChoices):
    """Where a row comes from: the RUP (a plan) or a realization channel."""

    RUP = "rup", _("RUP package")
    TENDER = "tender", _("Tender contract")
    NON_TENDER = "non_tender", _("Non-tender contract")
    PENCATATAN = "pencatatan_non_tender", _("Recorded non-tender")
    E_PURCHASING = "e_purchasing", _("e-Katalog purchase")


PLAN_SOURCES = (RowSource.RUP,)
REALIZATION_SOURCES = (
    RowSource.TENDER, RowSource.NON_TENDER, RowSource.PENCATATAN, RowSource.E_PURCHASING,
)


class Scan(models.Model):
    """One run of the finder over a Pemda-year."""

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("year"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    data_as_of = models.DateField(
        _("procurement data as of"), null=True, blank=True,
        help_text="the day the Pemda's newest imported data stood when the scan ran",
    )
    registry_as_of = models.DateTimeField(
        _("registry as of"), null=True, blank=True,
        help_text="the registry sync the search index reflected",
    )
    index_refreshed_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    rows = models.PositiveIntegerField(_("non-PDN rows"), default=0)
    rows_with_alternatives = models.PositiveIntegerField(_("rows with an alternative"), default=0)
    searches = models.PositiveIntegerField(default=0, help_text="distinct searches run")
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-finished_at", "-id"]
        indexes = [models.Index(fields=["pemda", "tahun", "finished_at"], name="subst_scan_key")]

    def __str__(self) -> str:
        return f"import-substitution scan {self.pemda_id} {self.tahun} ({self.finished_at})"


class ScanRow(models.Model):
    """A non-PDN row of the scan and the best domestic alternatives found for its name."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_name = models.CharField(_("perangkat daerah"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=24, choices=RowSource.choices)
    ident = models.CharField(_("code"), max_length=120, help_text="kd_rup, kd_paket, kd_pct")
    name = models.TextField(_("name"))
    searched = models.TextField(blank=True, help_text="the texts searched, ' | '-separated")
    nilai = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    non_pdn = models.DecimalField(_("non-PDN part"), max_digits=20, decimal_places=2)
    unit_price = models.DecimalField(
        _("unit price paid"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    alternatives = models.PositiveIntegerField(_("alternatives found"), default=0)
    tier = models.CharField(_("purchase tier"), max_length=12, blank=True)
    # the best alternatives (queries.alternative_record), best first
    best = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["scan", "unit"], name="subst_row_unit")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.ident}"
