from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.core.backup import BackupError, backup_database, describe_database


class Command(BaseCommand):
    help = (
        "Back up the whole database into one file: SQLite with its online backup (safe while "
        "the server runs), PostgreSQL with pg_dump. See docs/backup.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="where to write it (default: DATA_DIR/backups/p3dn-YYYYMMDD-HHMMSS.sqlite3, "
            "or .pgdump on PostgreSQL)",
        )
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, file: Path | None, force: bool, **options: Any) -> None:
        try:
            path = backup_database(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(f"backup of {describe_database()} written to {path} ({size:.1f} MB)")
