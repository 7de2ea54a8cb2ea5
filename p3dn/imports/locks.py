"""One import at a time per set of facts it may write and close.

An import takes a lock for each Pemda-year and dataset (or the global facts of a dataset) when
its file first meets it, inside the import's transaction, before anything of it is written.
On PostgreSQL the lock is an advisory transaction lock taken without waiting: a second import
of the same facts stops at once with ``Busy`` (and nothing of it is written), instead of
waiting on the first one's rows and failing on the unique key when it commits. The lock ends
with the transaction, whatever ends it (a killed process included).

SQLite lets one writer at a time into the database: an import's transaction (BEGIN IMMEDIATE)
already keeps every other import out, so the lock is always granted. A second import waits for
the first to end (``waiting_for_writers``: up to ``WAIT_SECONDS`` instead of the usual 20) and
then finds the first one's facts stored; if the wait runs out it stops with ``Busy`` too.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

from django.db import OperationalError, connections
from django.utils.translation import gettext as _

WAIT_SECONDS = 600


class Busy(Exception):
    """Another import holds the lock; the message says which data, for the user."""


def take(name: str, using: str = "default") -> bool:
    """Take the lock ``name`` until the end of the current transaction; False when another
    transaction holds it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.blake2b(f"p3dn-import|{name}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )
        return bool(cursor.fetchone()[0])


def is_locked_database(exc: BaseException) -> bool:
    """SQLite's answer when another writer kept the database longer than the wait."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy_database_message() -> str:
    return _(
        "another import kept the database busy for more than %(minutes)s minutes: try again "
        "when it has finished"
    ) % {"minutes": WAIT_SECONDS // 60}


@contextlib.contextmanager
def waiting_for_writers(using: str = "default") -> Iterator[None]:
    """On SQLite, wait up to ``WAIT_SECONDS`` for another writer (an import) to finish."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {WAIT_SECONDS * 1000}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with contextlib.suppress(OperationalError), connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {before}")
