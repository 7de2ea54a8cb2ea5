"""Back up and restore the whole database (docs/backup.md).

SQLite through its online backup API: a consistent copy while the server runs, and a restore
that replaces the database in one transaction. PostgreSQL through its own tools: ``pg_dump
--format=custom`` to back up; to restore, ``pg_restore`` writes the SQL and ``psql`` runs it
after dropping the old tables inside one transaction that is committed only when the whole
archive went through. Connection settings reach the tools through the environment (PGHOST,
PGPASSWORD, ...), never on the command line.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"
PG_ARCHIVE_HEADER = b"PGDMP"
Migration = tuple[str, str]
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Run by psql before the archive's SQL, in the same transaction: drop every table, view and
# sequence of the public schema (dropping the schema itself would need its owner).
PG_RESTORE_PREFIX = b"""\\set ON_ERROR_STOP on
SET lock_timeout = '60s';
SET client_min_messages = warning;
BEGIN;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           ORDER BY position(c.relkind IN 'vmrpS')  -- a table's own sequence goes with it
  LOOP
    EXECUTE format(
      CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS public.%I CASCADE'
                     WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS public.%I CASCADE'
                     WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS public.%I CASCADE'
                     ELSE 'DROP TABLE IF EXISTS public.%I CASCADE' END,
      r.relname);
  END LOOP;
END $$;
"""


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why in one line."""


@dataclass(frozen=True)
class BackupInfo:
    vendor: str  # "sqlite" or "postgresql", as connection.vendor says
    migrations: frozenset[Migration]


def describe_database() -> str:
    """The database in use, fit to print (never the password)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(s["NAME"])
    return f"{s['NAME']} on {s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}"


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    return Path(settings.DATA_DIR) / "backups" / f"p3dn-{stamp}{suffix}"


def backup_database(target: Path | None = None, *, force: bool = False) -> Path:
    """Write the whole database into ``target`` (default: dated, under DATA_DIR/backups).

    The file appears only once complete and verified; it is readable by its owner only, since
    it holds password hashes."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {connection.display_name} databases are not supported")
    target = Path(target or default_backup_path()).absolute()
    if target.exists() and not force:
        raise BackupError(f"{target} exists: name another file, or pass --force to replace it")
    if connection.vendor == "sqlite" and _same_file(target, Path(connection.settings_dict["NAME"])):
        raise BackupError(f"{target} is the database itself: name another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        if connection.vendor == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg_backup(partial)
        inspect_backup(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_database(source: Path, *, force: bool = False) -> list[Migration]:
    """Replace the whole database with the backup ``source``, all or nothing.

    Refuses a backup that is not a p3dn database, comes from another engine or from a newer
    p3dn; refuses, unless ``force``, a database that holds data or (PostgreSQL) that other
    sessions use. Returns the migrations this version has that the backup lacks (to apply
    with ``p3dn migrate``)."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if connection.vendor == "sqlite" and _same_file(source, Path(connection.settings_dict["NAME"])):
        raise BackupError(f"{source} is the database itself: name a backup file")
    info = inspect_backup(source)
    pending = _check_compatible(info)
    in_use = _in_use()
    if in_use and not force:
        raise BackupError(
            f"{in_use}; a restore replaces all of it: stop `p3dn serve` and the worker, "
            "then run again with --force"
        )
    connection.close()
    if connection.vendor == "sqlite":
        _sqlite_restore(source)
    else:
        _pg_restore(source)
    return pending


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds: its engine and its applied migrations; refuses anything that
    is not a readable p3dn backup."""
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        vendor, tables, migrations = "sqlite", *_read_sqlite(path)
    elif head.startswith(PG_ARCHIVE_HEADER):
        vendor, tables, migrations = "postgresql", *_read_pg_archive(path)
    else:
        raise BackupError(
            f"{path} is not a p3dn backup (neither a SQLite database nor a pg_dump archive)"
        )
    if "accounts_user" not in tables or ("accounts", "0001_initial") not in migrations:
        raise BackupError(f"{path} is a {ENGINES[vendor]} database, but not a p3dn one")
    return BackupInfo(vendor=vendor, migrations=frozenset(migrations))


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _check_compatible(info: BackupInfo) -> list[Migration]:
    if info.vendor != connection.vendor:
        raise BackupError(
            f"this is a {ENGINES[info.vendor]} backup and the database is "
            f"{ENGINES[connection.vendor]}: restore it into a {ENGINES[info.vendor]} database"
        )
    installed = {config.label for config in apps.get_app_configs()}
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    # Rows of apps no longer installed (e.g. an old backup's django-axes) are left alone.
    newer = sorted(m for m in info.migrations if m[0] in installed and m not in known)
    if newer:
        names = ", ".join(f"{app}.{name}" for app, name in newer[:5])
        raise BackupError(
            f"the backup comes from a newer p3dn (migrations this version does not know: "
            f"{names}): restore it with that version"
        )
    return sorted(m for m in known if m[0] in installed and m not in info.migrations)


def _in_use() -> str:
    reasons = []
    if MigrationRecorder(connection).has_table() and MigrationRecorder.Migration.objects.exists():
        reasons.append(f"the database {describe_database()} holds data")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            others = cursor.fetchone()[0]
        if others:
            reasons.append(f"{others} other connection(s) use it")
    return " and ".join(reasons)


# SQLite


def _sqlite_uri(path: Path) -> str:
    return f"{path.absolute().as_uri()}?mode=ro"


def _sqlite_backup(target: Path) -> None:
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        copy.close()
        source.close()


def _read_sqlite(path: Path) -> tuple[set[str], set[Migration]]:
    try:
        db = sqlite3.connect(_sqlite_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from None
    try:
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            problem = "; ".join(line for line in check.splitlines() if not line.startswith("***"))
            raise BackupError(f"{path} is damaged: {problem[:200]}")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        migrations: set[Migration] = set()
        if "django_migrations" in tables:
            migrations = {(a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")}
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is damaged: {exc}") from None
    finally:
        db.close()
    return tables, migrations


def _sqlite_restore(source: Path) -> None:
    backup = sqlite3.connect(_sqlite_uri(source), uri=True)
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    try:
        # One step: the live database takes every page in one write transaction, or none.
        backup.backup(live, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed, the database is unchanged: {exc}") from None
    finally:
        live.close()
        backup.close()


# PostgreSQL


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found on PATH: install PostgreSQL's client tools of the server's "
            "major version or newer (Debian: apt install postgresql-client)"
        )
    return found


def _pg_env() -> dict[str, str]:
    """The connection settings as libpq's environment variables: the password never shows
    in the process list."""
    s = connection.settings_dict
    env = {**os.environ, "PGAPPNAME": "p3dn-backup"}
    for key, var in [
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ]:
        if s.get(key):
            env[var] = str(s[key])
    options = s.get("OPTIONS") or {}
    for option, var in [
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ]:
        if options.get(option) is not None:
            env[var] = str(options[option])
    return env


def _first_error(text: bytes, fallback: str) -> str:
    lines = [line.strip() for line in text.decode(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"\b(ERROR|FATAL|error|fatal):", line)]
    return (errors or lines or [fallback])[0]


def _read_back(stream: IO[bytes]) -> bytes:
    stream.seek(0)
    return stream.read()


def _pg_backup(target: Path) -> None:
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, our arguments
        [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"],
        env=_pg_env(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {_first_error(result.stderr, 'no message')}")


def _read_pg_archive(path: Path) -> tuple[set[str], set[Migration]]:
    pg_restore = _tool("pg_restore")
    listing = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, our arguments
        [pg_restore, "--list", str(path)], capture_output=True, check=False, env=_pg_env()
    )
    if listing.returncode != 0:
        raise BackupError(f"{path} is damaged: {_first_error(listing.stderr, 'unreadable')}")
    tables = set(re.findall(rb"^\d+; \d+ \d+ TABLE public (\S+) ", listing.stdout, re.M))
    data = subprocess.run(  # noqa: S603 - a PostgreSQL tool from PATH, our arguments
        [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(path)],
        capture_output=True,
        check=False,
        env=_pg_env(),
    )
    if data.returncode != 0:
        raise BackupError(f"{path} is damaged: {_first_error(data.stderr, 'unreadable')}")
    return {t.decode() for t in tables}, _copied_migrations(data.stdout.decode())


def _copied_migrations(sql: str) -> set[Migration]:
    """The (app, name) rows of django_migrations in pg_restore's COPY block."""
    pattern = r"^COPY public\.django_migrations \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$"
    match = re.search(pattern, sql, re.M | re.S)
    if not match:
        return set()
    columns = [c.strip() for c in match.group(1).split(",")]
    app, name = columns.index("app"), columns.index("name")
    rows = [line.split("\t") for line in match.group(2).splitlines() if line]
    return {(row[app], row[name]) for row in rows}


def _pg_restore(source: Path) -> None:
    env = _pg_env()
    pg_restore = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(source)]
    psql = [_tool("psql"), "-X", "--no-password", "--quiet", "--file=-"]
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        runner = subprocess.Popen(  # noqa: S603 - a PostgreSQL tool from PATH, our arguments
            psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env
        )
        producer = subprocess.Popen(  # noqa: S603 - a PostgreSQL tool from PATH, our arguments
            pg_restore, stdout=subprocess.PIPE, stderr=restore_err, env=env
        )
        assert runner.stdin is not None and producer.stdout is not None
        complete = psql_stopped = False
        try:
            runner.stdin.write(PG_RESTORE_PREFIX)
            shutil.copyfileobj(producer.stdout, runner.stdin)
            complete = producer.wait() == 0
            if complete:
                # Only a whole archive is committed; otherwise psql ends with the transaction
                # still open and the server rolls it back.
                runner.stdin.write(b"\nCOMMIT;\n")
        except BrokenPipeError:
            psql_stopped = True  # at an error; its message says which
        finally:
            producer.stdout.close()
            producer.wait()
            with contextlib.suppress(BrokenPipeError):
                runner.stdin.close()
            status = runner.wait()
        if producer.returncode != 0 and not psql_stopped:  # the archive is the cause
            reason = _first_error(_read_back(restore_err), "pg_restore failed")
            raise BackupError(f"restore failed, the database is unchanged: {reason}")
        if status != 0 or not complete:
            reason = _first_error(_read_back(psql_err), "psql failed")
            raise BackupError(f"restore failed, the database is unchanged: {reason}")
