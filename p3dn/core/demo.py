"""The demo dataset: real government units of Kab. Bandung (2025) and Prov. Kalimantan Barat
(2023) from LKPP's public data, and one demo account per role. Loading it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from django.conf import settings
from django.db import transaction

from p3dn.accounts import services
from p3dn.accounts.models import Pemda, Unit, User


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


def _demo_data() -> dict:
    text = (resources.files("p3dn.core") / "demo" / "units.json").read_text(encoding="utf-8")
    return json.loads(text)


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo Pemda units and accounts that do not exist yet; return the logins."""
    pemda_by_klpd: dict[str, Pemda] = {}
    for entry in _demo_data()["pemda"]:
        pemda = Pemda.objects.get(region_id=entry["region"])
        if pemda.kd_klpd != entry["kd_klpd"] or not pemda.has_tim_p3dn:
            Pemda.objects.filter(pk=pemda.pk).update(kd_klpd=entry["kd_klpd"], has_tim_p3dn=True)
            pemda.refresh_from_db()
        pemda_by_klpd[entry["kd_klpd"]] = pemda
        existing = set(pemda.units.values_list("kd_satker", flat=True))
        for unit in entry["units"]:
            if unit["kd_satker"] not in existing:
                services.create_unit(
                    actor=None,
                    pemda=pemda,
                    name=unit["name"],
                    kd_satker=unit["kd_satker"],
                    kd_satker_str=unit["kd_satker_str"],
                )

    bandung, kalbar = pemda_by_klpd["D107"], pemda_by_klpd["D197"]
    dinkes = Unit.objects.get(pemda=bandung, kd_satker="60414")  # DINAS KESEHATAN
    accounts = [
        ("admin", User.Role.ADMIN, None, None, "Admin", "Nasional"),
        ("pemantau.nasional", User.Role.VIEWER, None, None, "Pemantau", "Nasional"),
        ("tim.bandung", User.Role.TIM_P3DN, bandung, None, "Tim P3DN", "Kab. Bandung"),
        ("operator.dinkes.bandung", User.Role.OPERATOR, bandung, dinkes, "Operator", "Dinkes"),
        ("tim.kalbar", User.Role.TIM_P3DN, kalbar, None, "Tim P3DN", "Kalimantan Barat"),
    ]
    logins = []
    for username, role, scope, unit, first, last in accounts:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(
                actor=None,
                username=username,
                role=role,
                pemda=scope,
                unit=unit,
                password=settings.P3DN_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        logins.append(DemoLogin(username, user.get_role_display(), user.scope_label))
    return logins
