"""What Monev records: the schedule of a Pemda's snapshots, the snapshots themselves (the
indicators exactly as computed, so reopening one shows the same rupiah) and the findings with
their history. The models belong to the monitoring app (app_label "monitoring", tables
``monitoring_*``): moving them here changed no table.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonevSchedule(models.Model):
    """How often a Pemda's Monev snapshots are taken (the worker takes them when due)."""

    class Interval(models.IntegerChoices):
        WEEKLY = 7, _("Every 7 days")
        FORTNIGHTLY = 14, _("Every 14 days")

    pemda = models.OneToOneField(
        "accounts.Pemda", on_delete=models.CASCADE, related_name="monev_schedule"
    )
    interval_days = models.PositiveSmallIntegerField(
        _("interval"), choices=Interval.choices, default=Interval.FORTNIGHTLY
    )
    active = models.BooleanField(_("active"), default=True)
    next_due = models.DateField(_("next snapshot due"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.pemda} / {self.interval_days}"


class Snapshot(models.Model):
    """A Monev evaluation: the indicators of a Pemda-year exactly as computed at ``taken_at``
    on the data as of ``data_as_of``, whole and per perangkat daerah (``figures``)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ON_DEMAND = "on_demand", _("On demand")

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="snapshots")
    tahun = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(max_length=10, choices=Kind.choices)
    taken_at = models.DateTimeField(_("taken at"))
    data_as_of = models.DateField(_("data as of"))
    # The facts' refresh the data came with (its key is the import run's id).
    last_import = models.ForeignKey(
        "procurement.Refresh", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(encoder=DjangoJSONEncoder)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    catatan = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["pemda", "tahun", "taken_at"], name="snapshot_scope")]
        verbose_name = _("Monev snapshot")

    def __str__(self) -> str:
        return f"Monev {self.pemda} {self.tahun} {self.taken_at:%Y-%m-%d}"


class Finding(models.Model):
    """A Monev finding (temuan) about a perangkat daerah, with its follow-up action."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    tahun = models.PositiveSmallIntegerField(_("fiscal year"))
    temuan = models.TextField(_("finding"))
    tindak_lanjut = models.TextField(_("follow-up action"), blank=True)
    penanggung_jawab = models.CharField(_("owner"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (user)"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]
        indexes = [models.Index(fields=["pemda", "tahun", "status"], name="finding_scope")]
        verbose_name = _("finding")

    def __str__(self) -> str:
        return self.temuan[:60]


class FindingEvent(models.Model):
    """One entry of a finding's history: a status change, an edit or a progress note."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Finding.Status.choices)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    catatan = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.status} {self.at:%Y-%m-%d}"
