"""Kemendagri regions and the codes other systems (LKPP SiRUP, e-Katalog, LPSE) give them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A province, kabupaten, kota or kecamatan with its Kemendagri code (e.g. 32.04)."""

    class Level(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")
        KECAMATAN = "kecamatan", _("District")

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_pemda_level(self) -> bool:
        return self.level != self.Level.KECAMATAN


class ExternalCode(models.Model):
    """A code another system uses for a region: SiRUP, e-Katalog or LPSE.

    LKPP's KLPD code (D107) is the natural key of a Pemda and lives on ``accounts.Pemda``.
    """

    class System(models.TextChoices):
        SIRUP_PROVINSI = "sirup_provinsi", _("SiRUP province code")
        SIRUP_KABKOTA = "sirup_kabkota", _("SiRUP regency/city code")
        ECAT_PROVINSI = "ecat_provinsi", _("e-Katalog province code")
        ECAT_KABUPATEN = "ecat_kabupaten", _("e-Katalog regency/city code")
        LPSE = "lpse", _("LPSE code")

    system = models.CharField(_("system"), max_length=20, choices=System.choices)
    code = models.CharField(_("code"), max_length=20)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="external_codes", verbose_name=_("region")
    )
    name_in_source = models.CharField(_("name in source"), max_length=150, blank=True)
    shipped = models.BooleanField(
        _("shipped with p3dn"),
        default=False,
        help_text=_("Loaded from the reference data shipped with p3dn, not entered by hand."),
    )

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="external_code_unique"),
            models.UniqueConstraint(
                fields=["system", "region"], name="external_code_one_per_region"
            ),
        ]
        verbose_name = _("external code")
        verbose_name_plural = _("external codes")

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.code} → {self.region_id}"
