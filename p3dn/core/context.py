"""The navigation every page shows: only modules that exist and that the user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from p3dn.accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu: the monitoring pages first, then two groups (the supply of domestic products
    with the calculators, and the programmes that raise its use) and the administration."""
    user = request.user
    items: list[dict[str, Any]] = [{"label": _("Home"), "url": reverse("core:home"), "key": "home"}]
    calculators = {"label": _("Calculators"), "url": reverse("calculators:index"), "key": "calc"}
    registry = {"label": _("Registry"), "url": reverse("catalog:registry"), "key": "registri"}
    search = {"label": _("Search products"), "url": reverse("search:page"), "key": "cari"}
    substitutes = {"label": _("Find domestic substitutes"), "url": reverse("substitutes:page")}
    # Every Pemda's approved katalog lokal, public; a Pemda's own team opens its list instead.
    local_catalogues = {"label": _("Katalog lokal"), "url": reverse("listings:index"),
                        "key": "katalog-lokal"}
    if not user.is_authenticated:
        items += [search, registry, local_catalogues, calculators]
        return {"nav_items": items}
    items.append({"label": _("Dashboard"), "url": reverse("monitoring:home"), "key": "dasbor"})
    items.append(
        {"label": _("Pemda"), "url": reverse("accounts:pemda-list"), "key": "pemda"}
    )
    if user.role in ("admin", "tim_p3dn"):
        items.append({"label": _("Data import"), "url": reverse("imports:list"), "key": "impor"})
    if user.pemda_id:
        local_catalogues = {"label": _("Katalog lokal"), "key": "katalog-lokal",
                            "url": reverse("listings:manage", args=[user.pemda_id])}
    items.append({"label": _("Domestic products"), "key": "produk",
                  "children": [search, substitutes, registry, local_catalogues, calculators]})
    programmes = [{"label": _("Business matching"), "url": reverse("matching:events")}]
    if user.pemda_id or user.is_national:
        programmes.append({"label": _("TKDN-IK"), "url": reverse("tkdnik:index")})
    items.append({"label": _("Programmes"), "key": "program", "children": programmes})
    admin_items = []
    if user.is_national:
        admin_items.append({"label": _("National ranking"), "url": reverse("monitoring:ranking")})
    if access.can_manage_users(user):
        admin_items.append({"label": _("Users"), "url": reverse("accounts:user-list")})
    if user.role == "admin":
        admin_items.append({"label": _("Region codes"), "url": reverse("regions:code-list")})
        admin_items.append({"label": _("Search synonyms"), "url": reverse("search:synonyms")})
    if user.role in ("admin", "tim_p3dn"):
        admin_items.append({"label": _("Audit trail"), "url": reverse("audit:list")})
    if admin_items:
        items.append({"label": _("Admin"), "key": "admin", "children": admin_items})
    return {"nav_items": items}
