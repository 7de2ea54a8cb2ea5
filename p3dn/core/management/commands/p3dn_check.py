from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Check configuration, database, migrations and Django's deployment (security) checks."

    def handle(self, *args: Any, **options: Any) -> None:
        vendor = connection.vendor
        self.stdout.write(f"database: {vendor} reachable")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"{len(pending)} migration(s) not applied: run `p3dn migrate`")
        self.stdout.write("migrations: up to date")
        call_command(
            "check", deploy=True, fail_level="WARNING", stdout=self.stdout, stderr=self.stderr
        )
        self.stdout.write("deployment checks: passed")
