"""What the Tim P3DN records about its monitoring: targets, Monev snapshots, findings and their
follow-ups. The indicator numbers themselves are never stored except inside a snapshot, which
keeps them exactly as they were computed so that reopening it shows the same rupiah.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FRACTION = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def fraction_field(verbose_name: Any, default: str) -> models.DecimalField:
    """A share as a Decimal fraction (0.8 = 80%)."""
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=6, default=Decimal(default), validators=FRACTION
    )


class Target(models.Model):
    """A Pemda's targets for a fiscal year: capaian PDN by quarter (cumulative path), the UMK
    floor and the definition variant it reports (which denominator)."""

    class Denominator(models.TextChoices):
        KOMITMEN_PDN = "komitmen_pdn", _("PDN realization / PDN commitment in the RUP")
        PAGU_PENYEDIA = "pagu_penyedia", _("PDN realization / provider budget in the RUP")
        BELANJA_PENGADAAN = "belanja_pengadaan", _("PDN realization / procurement spending")
        KOMITMEN_PDN_APBD = "komitmen_pdn_apbd", _(
            "PDN realization / PDN commitment in the APBD plan (reported to Kemendagri)"
        )

    class UmkDenominator(models.TextChoices):
        BELANJA_PENGADAAN = "belanja_pengadaan", _("Procurement spending (belanja pengadaan)")
        PAGU_PENYEDIA = "pagu_penyedia", _("Provider budget in the RUP (pagu penyedia)")

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="targets")
    tahun = models.PositiveSmallIntegerField(_("fiscal year"))
    capaian_q1 = fraction_field(_("capaian target by end of Q1"), "0.20")
    capaian_q2 = fraction_field(_("capaian target by end of Q2"), "0.40")
    capaian_q3 = fraction_field(_("capaian target by end of Q3"), "0.60")
    capaian_q4 = fraction_field(_("capaian target by end of Q4"), "0.80")
    umk_floor = fraction_field(_("UMK share floor"), "0.40")
    denominator = models.CharField(
        _("capaian denominator reported"),
        max_length=20,
        choices=Denominator.choices,
        default=Denominator.KOMITMEN_PDN,
    )
    umk_denominator = models.CharField(
        _("UMK share denominator reported"),
        max_length=20,
        choices=UmkDenominator.choices,
        default=UmkDenominator.BELANJA_PENGADAAN,
    )
    dasar = models.TextField(_("basis (decree, performance agreement)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pemda", "tahun"], name="target_one_per_pemda_year")
        ]
        verbose_name = _("target")

    def __str__(self) -> str:
        return f"{self.pemda} {self.tahun}"

    def path(self) -> list[Decimal]:
        return [self.capaian_q1, self.capaian_q2, self.capaian_q3, self.capaian_q4]


# Monev's models live in their own package (p3dn/monitoring/monev/); importing them here
# registers them with the app (app_label "monitoring", tables monitoring_*).
from p3dn.monitoring.monev.models import (  # noqa: E402
    Finding,
    FindingEvent,
    MonevSchedule,
    Snapshot,
)

__all__ = ["Finding", "FindingEvent", "MonevSchedule", "Snapshot", "Target"]
