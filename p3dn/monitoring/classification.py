"""How each channel's realization is classified as PDN (and UMK): exactly, by estimate or not at
all, with the method in words (issue 11, point 2).

``klasifikasi_json`` is the ``klasifikasi`` object of a channel in the indicator JSON: the three
parts of its ``nilai`` by how its PDN status is known (``pasti`` + ``estimasi`` +
``belum_terklasifikasi`` = ``nilai``; procurement's ``sums.Money``), the estimated PDN and UMK
(never part of ``pdn`` / ``umk`` nor of the headline realisasi_pdn), the method (``metode``)
and why the rest is unknown (``alasan``, null when nothing is). The definitions are
docs/indicators.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from p3dn.procurement.sums import Money


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def method(channel: str) -> str:
    """How ``channel``'s realization is classified, in words."""
    if channel in ("tender", "non_tender"):
        return _("Exact: the PDN and UMK values recorded on the e-contract (SPSE).")
    if channel in ("pencatatan_non_tender", "swakelola"):
        return _("Exact: the PDN and UMK values recorded with the pencatatan (SPSE).")
    if channel == "e_purchasing":
        return _(
            "Exact: from the products bought (product type, or a TKDN claim backed by a valid "
            "certificate) and from the provider's UKM status. Estimate: from the PDN and UKM "
            "status the RUP package declares, when the products or the provider are not known."
        )
    if channel == "toko_daring":
        return _(
            "Exact: UMK from the merchant, when it is a provider known to be UKM; PDN cannot "
            "be classified from this data."
        )
    if channel == "manual":
        return _(
            "Exact: whether each line is PDN and UMK, as entered with its evidence (contract, "
            "receipt or proof of purchase) in the manual realization template."
        )
    return _("Exact: the PDN and UMK values recorded at the source.")


def reason(channel: str) -> str:
    """Why part of ``channel``'s realization is not classified, in words."""
    if channel == "e_purchasing":
        return _(
            "The products bought are not known (or a package mixes domestic and imported "
            "products, which e-Katalog v6 does not value separately) and the purchase names no "
            "imported RUP package."
        )
    if channel == "toko_daring":
        return _(
            "The Toko Daring data does not say whether the goods are domestic, and the orders "
            "name no RUP package."
        )
    return _("The source does not say whether this value is domestic.")


def klasifikasi_json(channel: str, money: Money) -> dict[str, Any]:
    """The ``klasifikasi`` object of a channel (module docstring)."""
    return {
        "pasti": _money(money.pasti),
        "estimasi": _money(money.nilai_estimasi),
        "belum_terklasifikasi": _money(money.belum_terklasifikasi),
        "pdn_estimasi": _money(money.pdn_estimasi),
        "umk_estimasi": _money(money.umk_estimasi),
        "metode": method(channel),
        "alasan": reason(channel) if money.belum_terklasifikasi else None,
    }
