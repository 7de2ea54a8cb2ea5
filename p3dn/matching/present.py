"""The words a user reads for the reasons of a suggestion and the state of an interest's
conversion (the rules give codes; the page, the API and the report word them here)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from p3dn.lib.money import format_percent
from p3dn.matching.queries import LinkStatus
from p3dn.rules import matching as rules

CODE_KINDS = {"kbki": "KBKI", "kbli": "KBLI", "hs": "HS"}


def reason_text(reason: rules.Reason) -> str:
    if reason.code == rules.WORDS:
        return _("Words of the package found in the product (%(n)s%% of the best match)") % {
            "n": reason.detail}
    if reason.code == rules.CODE:
        kind, _sep, code = reason.detail.partition(":")
        return _("%(kind)s code agrees (%(code)s)") % {"kind": CODE_KINDS.get(kind, kind),
                                                       "code": code}
    if reason.code == rules.KABUPATEN:
        return _("In the same regency or city (address or e-Katalog offer)")
    if reason.code == rules.PROVINCE:
        return _("In the same province (address or e-Katalog offer)")
    if reason.code == rules.UMK_IKM:
        return _("Micro or small enterprise, or small industry (UMK/IKM)")
    if reason.code == rules.TKDN:
        return _("Valid TKDN certificate: %(v)s") % {
            "v": format_percent(Decimal(reason.detail))}
    if reason.code == rules.KATALOG_LOKAL:
        return _("In the Pemda's katalog lokal")
    return reason.code


def reasons_text(score: rules.Score) -> list[str]:
    return [reason_text(r) for r in score.reasons]


def status_text(status: str) -> str:
    return {
        LinkStatus.CONVERTED: _("Realized by this producer"),
        LinkStatus.OTHER_PROVIDER: _("Realized by another provider"),
        LinkStatus.PROVIDER_UNKNOWN: _("Realized; the data names no provider"),
        LinkStatus.OPEN: _("Not realized yet"),
        LinkStatus.NO_CODE: _("Need without a RUP code: cannot be followed"),
    }.get(status, status)


SOURCE_LABELS = {"tender": "Tender", "pencatatan": "Pencatatan", "epurchase": "e-Purchasing",
                 "non_tender": "Non-tender"}
