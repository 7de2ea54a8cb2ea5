"""Import runs (which are also the work queue) and the row errors they found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One file imported once. The worker claims PENDING runs; everything else is history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rows rejected, nothing applied")
        REFUSED = "refused", _("File refused")
        FAILED = "failed", _("Failed")
        CHECKED = "checked", _("Checked (dry run)")
        NEEDS_CONFIRMATION = "needs_confirmation", _("Needs confirmation, nothing applied")
        BUSY = "busy", _("Not run: another import of the same data was running")

    class Closing(models.TextChoices):
        """What becomes of the current facts of the file's Pemda-years it no longer lists."""

        AUTO = "auto", _("Close them when few (a full extract)")
        CONFIRMED = "confirmed", _("Close them, as confirmed")
        NONE = "none", _("Close nothing (a partial file)")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.BigIntegerField(default=0)
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="where the uploaded file waits for the worker"
    )
    # What was asked
    requested_dataset = models.CharField(max_length=80, blank=True)
    requested_klpd = models.CharField(max_length=10, blank=True)
    requested_year = models.PositiveSmallIntegerField(null=True, blank=True)
    apply_valid_rows = models.BooleanField(_("apply the valid rows"), default=False)
    dry_run = models.BooleanField(default=False)
    closing = models.CharField(
        _("closing"), max_length=10, choices=Closing.choices, default=Closing.AUTO
    )
    close_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="with CONFIRMED: the most facts the user agreed to close"
    )
    # What was found
    dataset = models.CharField(_("dataset"), max_length=80, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    pemda = models.ForeignKey(
        "accounts.Pemda",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Pemda"),
    )
    tahun = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    data_as_of = models.DateField(_("data as of"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    message = models.TextField(_("message"), blank=True)
    rows_read = models.PositiveIntegerField(_("read"), default=0)
    rows_inserted = models.PositiveIntegerField(_("inserted"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_closed = models.PositiveIntegerField(_("closed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("identical duplicates"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process that claimed the run, to tell at once when it died (p3dn.lib.processes)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    process_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.dataset or '?'})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def is_done(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)


class ImportRowError(models.Model):
    """A row of a file that could not be taken, with the field, the value and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=120, blank=True)
    value = models.TextField(_("value"), blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["row_number", "id"]
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")

    def __str__(self) -> str:
        return f"row {self.row_number} {self.field}: {self.reason}"
