"""C12 for the registry: a certificate's validity on a date, its label and the end date the
filters use, all from the rules library (p3dn.rules.certificates); nothing recomputed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from p3dn.rules.certificates import Status, certificate_status
from p3dn.rules.params import DEFAULT_PARAMS

WARNING_DAYS = DEFAULT_PARAMS.cert_expiry_warning_days
UNKNOWN = "tidak_diketahui"


@dataclass(frozen=True)
class Validity:
    status: str  # a rules Status value, or UNKNOWN
    label: str
    days_left: int | None
    valid: bool
    estimated: bool


def end_date(issue: dt.date | None, expiry: dt.date | None) -> tuple[dt.date | None, bool]:
    """The date a certificate stops being valid: its expiry date, else the one the rules
    estimate from its issue date and the regime then in force (estimated=True)."""
    if expiry is not None:
        return expiry, False
    if issue is None:
        return None, False
    result = certificate_status(as_of=issue, tanggal_terbit=issue)
    return result.tanggal_berakhir, True


def validity(
    *,
    as_of: dt.date,
    issue: dt.date | None,
    expiry: dt.date | None,
    nilai_tkdn_persen: Decimal | None = None,
) -> Validity:
    """The C12 status and its label ("Berlaku", "Segera berakhir (≤ 60 hari)",
    "Kedaluwarsa", "Belum berlaku") on ``as_of``."""
    if issue is None and expiry is None:
        return Validity(UNKNOWN, _("Validity not known"), None, False, False)
    result = certificate_status(
        as_of=as_of, tanggal_terbit=issue, tanggal_berakhir=expiry,
        nilai_tkdn_persen=nilai_tkdn_persen,
    )
    return Validity(result.status.value, result.label, result.sisa_hari, result.berlaku,
                    result.berakhir_diperkirakan)


STATUSES = (Status.BERLAKU.value, Status.SEGERA_BERAKHIR.value, Status.KEDALUWARSA.value,
            Status.BELUM_BERLAKU.value, UNKNOWN)
