from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from p3dn.catalog.sync import registry_counts
from p3dn.core.demo import (
    import_demo_files,
    load_demo,
    load_demo_monitoring,
    load_demo_registry,
    load_demo_substitutes,
    start_path,
)


class Command(BaseCommand):
    help = "Migrate the database, load the demo dataset and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo()
        self.stdout.write(
            "Importing the real LKPP data of Kab. Bandung 2025 and Prov. Kalimantan Barat 2023:"
        )
        import_demo_files(report=self.stdout.write)
        load_demo_registry()
        counts = registry_counts()
        self.stdout.write(
            f"  Registry: {counts['producers']} producers, {counts['products']} products, "
            f"{counts['certificates']} TKDN certificates (/registri/)"
        )
        for name in load_demo_monitoring():
            self.stdout.write(f"  Monev: targets, first snapshot and findings of {name}")
        for name in load_demo_substitutes():
            self.stdout.write(f"  Potensi PDN: domestic alternatives of the spending of {name}")
        self.stdout.write(
            "Demo data loaded: Kab. Bandung (D107) and Prov. Kalimantan Barat (D197)."
        )
        self.stdout.write(
            f"Start with Prov. Kalimantan Barat 2023, whose data is complete: {start_path()} "
            "(the national accounts' ranking opens on 2023 too). Kab. Bandung 2025 has only a "
            "sample of its RUP: its pages say so and link to its data-quality page."
        )
        self.stdout.write(f"Demo logins (password for all: {settings.P3DN_DEMO_PASSWORD}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role} — {login.scope}")
