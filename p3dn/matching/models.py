"""Business matching (docs/matching.md): the events a Pemda holds or takes part in, the needs
its units declare by hand beside the announced RUP packages, and the interest and commitment
producers declare per package or need at an event.

The RUP packages themselves stay facts (procurement.RupPackage); an interest names one by its
``kd_rup``. What followed an interest (a contract, a pencatatan, an e-purchase) is never stored
here: queries.conversion reads it from the current facts, so a later import is seen at once.
Money is Decimal rupiah.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from p3dn.audit.models import Authored
from p3dn.rules.common import JenisPengadaan


def _money(verbose_name: Any, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=2, **options)


class Event(Authored):
    """A Business Matching (Temu Bisnis) event: the Pemda's own, or a national stage it takes
    part in. The units and producers invited are its guests."""

    class Kind(models.TextChoices):
        PEMDA = "pemda", _("The Pemda's own event")
        STAGE_1 = "nasional_1", _("National stage I")
        STAGE_2 = "nasional_2", _("National stage II")
        STAGE_3 = "nasional_3", _("National stage III")
        STAGE_4 = "nasional_4", _("National stage IV")
        STAGE_5 = "nasional_5", _("National stage V")
        STAGE_6 = "nasional_6", _("National stage VI")

    pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PEMDA)
    date = models.DateField(_("date"))
    tahun = models.PositiveSmallIntegerField(
        _("budget year of the demand"), help_text=_("The RUP year whose packages are offered.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    organizer = models.CharField(_("organizer"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    units = models.ManyToManyField(
        "accounts.Unit", blank=True, related_name="+", verbose_name=_("units invited")
    )
    producers = models.ManyToManyField(
        "catalog.Producer", blank=True, related_name="+", verbose_name=_("producers invited")
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["pemda", "tahun"], name="matching_event_pemda_year")]
        verbose_name = _("business matching event")
        verbose_name_plural = _("business matching events")

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("matching:event-detail", args=[self.pk])


class Need(Authored):
    """A need a unit declares by hand (not, or not yet, an announced RUP package). Once it is
    announced, its RUP code links the interests in it to what followed."""

    JENIS_CHOICES = [(j.value, j.value) for j in JenisPengadaan]

    pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    tahun = models.PositiveSmallIntegerField(_("budget year"))
    name = models.CharField(_("what is needed"), max_length=255)
    specification = models.TextField(_("specification"), blank=True)
    jenis = models.CharField(_("procurement type"), max_length=24, choices=JENIS_CHOICES)
    pagu = _money(_("estimated value"))
    planned_date = models.DateField(_("planned start of selection"), null=True, blank=True)
    kbki = models.CharField(_("KBKI"), max_length=10, blank=True)
    kbli = models.CharField(_("KBLI"), max_length=5, blank=True)
    kode_hs = models.CharField(_("HS code"), max_length=10, blank=True)
    kd_rup = models.BigIntegerField(_("RUP code once announced"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pemda", "tahun"], name="matching_need_pemda_year")]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.name


class Interest(Authored):
    """A producer's declared interest (nilai ketertarikan) in a RUP package or a need at an
    event, and later its commitment."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="interests", verbose_name=_("event")
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("producer"),
    )
    product = models.ForeignKey(
        "catalog.CatalogProduct", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("product"),
    )
    kd_rup = models.BigIntegerField(_("RUP code"), null=True, blank=True)
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, related_name="interests",
        verbose_name=_("need"),
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    demand_name = models.TextField(_("package or need"), blank=True)
    nilai_ketertarikan = _money(_("value of interest"))
    nilai_komitmen = _money(_("value committed"), null=True, blank=True)
    committed_on = models.DateField(_("committed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["event_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="matching_interest_one_demand",
                condition=(Q(kd_rup__isnull=False, need__isnull=True)
                           | Q(kd_rup__isnull=True, need__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["event", "producer", "kd_rup"], condition=Q(kd_rup__isnull=False),
                name="matching_interest_package",
            ),
            models.UniqueConstraint(
                fields=["event", "producer", "need"], condition=Q(need__isnull=False),
                name="matching_interest_need",
            ),
        ]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")

    def __str__(self) -> str:
        return f"{self.producer_id} → {self.kd_rup or self.need_id}"

    @property
    def committed(self) -> bool:
        return self.nilai_komitmen is not None
