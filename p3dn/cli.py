"""The `p3dn` command: a thin front for the management commands a Pemda operator needs."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

# name on the command line → (management command, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "serve the web application (p3dn serve --host 127.0.0.1 --port 8000)"),
    "migrate": (
        "migrate",
        "create or update the database tables and load the region reference data",
    ),
    "createadmin": ("createadmin", "create a national administrator account"),
    "demo": ("demo", "migrate, load the demo dataset (real public data) and print the demo logins"),
    "check": (
        "p3dn_check",
        "check the configuration, the database and production security settings",
    ),
    "import": (
        "import_file",
        "import LKPP/Kemenperin files: p3dn import FILE... [--dataset N] [--klpd D107] [--json]",
    ),
    "indicators": (
        "indicators",
        "P3DN indicators of a Pemda-year: p3dn indicators --klpd D197 --year 2023 [--by satker]",
    ),
    "monev": (
        "monev",
        "Monev snapshots: p3dn monev snapshot --klpd D197 --year 2023 | due | list --klpd D197",
    ),
    "worker": ("run_worker", "process imports queued from the web (--loop to keep running)"),
    "catalog": (
        "catalog",
        "the domestic product registry: p3dn catalog sync [--full] (after imports); "
        "p3dn catalog verify [--as-of DATE] (TKDN claims against the registry); "
        "p3dn catalog search QUERY [--limit N] [--format json|table]; "
        "p3dn catalog substitutes QUERY | --scan --klpd D197 --tahun 2023",
    ),
    "tkdnik": (
        "tkdnik",
        "the TKDN-IK pipeline: p3dn tkdnik match-certificates [--klpd D107] (after a sync)",
    ),
    "calc": ("calc", "run a P3DN rule on JSON input (p3dn calc --list; p3dn calc hea in.json)"),
    "backup": ("backup", "back up the whole database into one file: p3dn backup [FILE]"),
    "restore": ("restore", "replace the database with a backup: p3dn restore FILE [--force]"),
}

# Sub-commands served by another app's management command (the catalog does not know the
# apps built on it): (command, first argument) → management command.
SUBCOMMANDS: dict[tuple[str, str], str] = {
    ("catalog", "verify"): "verify_claims",
    ("catalog", "search"): "catalog_search",
    ("catalog", "substitutes"): "catalog_substitutes",
}
# What runs after a command succeeds: a registry sync is followed by the claim verification,
# the rebuild of the search index when the registry changed and the closing of TKDN-IK
# candidates whose certificate arrived (their reports go to stderr).
AFTER: dict[tuple[str, str], list[list[str]]] = {
    ("catalog", "sync"): [
        ["verify_claims", "--quiet"],
        ["catalog_search", "--refresh", "--if-stale"],
        ["tkdnik", "match-certificates", "--quiet"],
    ]
}

# Commands that compute without the database.
NO_DATABASE = {"calc"}
# Commands that run before the tables are there (or change them): no sweep of dead imports.
NO_SWEEP = {"migrate"}


def management_commands(name: str, rest: list[str]) -> list[list[str]]:
    """The management commands (with their arguments) that ``p3dn <name> <rest>`` runs, in
    order: a sub-command another app serves, and what follows a command that succeeded."""
    first = rest[0] if rest else ""
    if (name, first) in SUBCOMMANDS:
        return [[SUBCOMMANDS[(name, first)], *rest[1:]]]
    commands = [[COMMANDS[name][0], *rest]]
    if (name, first) in AFTER and not any(a in ("-h", "--help") for a in rest):
        commands.extend(AFTER[(name, first)])
    return commands


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [
        "usage: p3dn <command> [options]   (p3dn <command> --help for its options)",
        "",
        "P3DN monitoring for Indonesian regional governments.",
        "",
        "commands:",
        *(f"  {name.ljust(width)}  {help_text}" for name, (_cmd, help_text) in COMMANDS.items()),
    ]
    return "\n".join(lines)


def redact(url: str) -> str:
    """A database URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _fail(message: str, code: int) -> int:
    print(f"p3dn: {message}", file=sys.stderr)
    return code


def _sweep_interrupted_imports() -> None:
    """Mark as failed the import runs whose process died (killed, power cut), and say so."""
    from django.db.utils import Error as DatabaseError

    from p3dn.imports.services import sweep_interrupted

    try:
        swept = sweep_interrupted()
    except DatabaseError:  # not migrated yet, or busy: the next command sweeps
        return
    for run in swept:
        print(f"p3dn: import run {run.pk} ({run.file_name}): {run.message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if args[0] == "--version":
        from p3dn import __version__

        print(f"p3dn {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(usage(), file=sys.stderr)
        return _fail(f"unknown command {name!r}", 2)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
    if name in NO_DATABASE and not os.environ.get("P3DN_SECRET_KEY_FILE"):
        # A pure computation signs nothing, so it needs no configured secret.
        os.environ.setdefault("P3DN_SECRET_KEY", f"unused-by-p3dn-{name}")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        return _fail(f"configuration error: {exc}", 2)

    wants_help = any(a in ("-h", "--help") for a in rest)
    if not wants_help and name not in NO_DATABASE:
        from django.db import connection
        from django.db.utils import Error as DatabaseError

        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            url = os.environ.get("DATABASE_URL") or str(connection.settings_dict["NAME"])
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return _fail(f"cannot connect to the database {redact(url)}: {reason}", 1)
        if name not in NO_SWEEP:
            _sweep_interrupted_imports()

    from django.core.management import execute_from_command_line

    try:
        for command in management_commands(name, rest):
            execute_from_command_line(["p3dn", *command])
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
