"""What the home page shows for the signed-in user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from p3dn.accounts import access
from p3dn.accounts.models import User
from p3dn.core.todo import todo_for
from p3dn.regions.models import Region
from p3dn.regions.services import decree


def summarise_home(*, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {"decree": decree()}
    if not user.is_authenticated:
        return context
    pemda = access.visible_pemda(user)
    context["pemda_count"] = pemda.count()
    context["pemda_with_klpd"] = pemda.filter(kd_klpd__isnull=False).count()
    context["unit_count"] = access.visible_units(user).filter(is_active=True).count()
    if not user.is_national and user.pemda_id:
        context["own_pemda"] = access.get_pemda_for(user, user.pemda_id)
        context["own_unit"] = user.unit
        if user.role == User.Role.TIM_P3DN:
            context["todo"] = todo_for(user, context["own_pemda"])
    else:
        context["levels"] = pemda.aggregate(
            provinsi=Count("pk", filter=Q(region__level=Region.Level.PROVINSI)),
            kabupaten=Count("pk", filter=Q(region__level=Region.Level.KABUPATEN)),
            kota=Count("pk", filter=Q(region__level=Region.Level.KOTA)),
            with_tim=Count("pk", filter=Q(has_tim_p3dn=True)),
        )
    return context
