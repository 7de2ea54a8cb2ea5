from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.core.backup import BackupError, describe_database, restore_database


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `p3dn backup`, all or nothing. "
        "See docs/backup.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data or that other connections use",
        )

    def handle(self, *args: Any, file: Path, force: bool, **options: Any) -> None:
        try:
            pending = restore_database(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{describe_database()} restored from {file}")
        if pending:
            self.stdout.write(
                f"the backup is {len(pending)} migration(s) behind this version of p3dn: "
                "run `p3dn migrate`"
            )
