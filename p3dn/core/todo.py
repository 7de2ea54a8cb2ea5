"""What waits for a Pemda's Tim P3DN, on its home page: each item a count, what it means and
where to act. Each count is the owning app's own query; this module only gathers them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p3dn.accounts.models import Pemda, User
from p3dn.catalog.listings import access as listings_access
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.validity import WARNING_DAYS
from p3dn.matching import access as matching_access
from p3dn.matching.queries import report as matching_report
from p3dn.monitoring.monev import access as monev_access
from p3dn.monitoring.monev.queries import CLOSED
from p3dn.tkdnik import access as tkdnik_access
from p3dn.tkdnik.models import Candidate
from p3dn.tkdnik.queries import expiring_certificates

IN_PROGRESS = (Candidate.Status.REGISTERED, Candidate.Status.ASSESSED,
               Candidate.Status.SUBMITTED)


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    note: str
    url: str
    urgent: bool = False


def todo_for(user: User, pemda: Pemda) -> list[Todo]:
    """The Pemda's open work as ``user`` may see it (a Tim P3DN's home page)."""
    today = timezone.localdate()
    items: list[Todo] = []

    findings = monev_access.visible_findings(user).filter(pemda=pemda).aggregate(
        open=Count("pk", filter=~Q(status__in=CLOSED)),
        overdue=Count("pk", filter=~Q(status__in=CLOSED) & Q(due_date__lt=today)))
    items.append(Todo(
        _("Open Monev findings"), findings["open"],
        ngettext("%(n)s past its due date", "%(n)s past their due date", findings["overdue"])
        % {"n": findings["overdue"]},
        reverse("monitoring:monev-findings", args=[pemda.pk]), urgent=findings["overdue"] > 0))

    expiring = expiring_certificates(pemda, as_of=today)
    soonest = (_("the first in %(n)s days") % {"n": expiring[0].days_left}) if expiring else ""
    items.append(Todo(
        _("TKDN certificates ending within %(d)s days") % {"d": WARNING_DAYS}, len(expiring),
        soonest or _("none of this Pemda's producers"),
        reverse("tkdnik:pemda", args=[pemda.pk]) + "#berakhir", urgent=bool(expiring)))

    interests = matching_access.visible_interests(user).filter(event__pemda=pemda)
    unmatched = matching_report(interests).unmatched if interests.exists() else []
    newest = interests.order_by("-event__tahun").values_list("event__tahun", flat=True).first()
    items.append(Todo(
        _("Business-matching interests not yet realized"), len(unmatched),
        _("to follow up in Monev"),
        reverse("monitoring:monev", args=[pemda.pk]) + (f"?tahun={newest}" if newest else "")))

    running = tkdnik_access.visible_candidates(user).filter(
        pemda=pemda, status__in=IN_PROGRESS).aggregate(
        all=Count("pk"), submitted=Count("pk", filter=Q(status=Candidate.Status.SUBMITTED)))
    items.append(Todo(
        _("TKDN-IK candidates in progress"), running["all"],
        ngettext("%(n)s awaiting Kemenperin's decision", "%(n)s awaiting Kemenperin's decision",
                 running["submitted"]) % {"n": running["submitted"]},
        reverse("tkdnik:pemda", args=[pemda.pk])))

    pending = listings_access.visible_listings(user).filter(
        pemda=pemda, status=Listing.Status.PENDING).count()
    items.append(Todo(
        _("Katalog lokal proposals to review"), pending, _("approve or reject with a reason"),
        reverse("listings:manage", args=[pemda.pk]) + "?status=pending", urgent=pending > 0))
    return items
