"""Create, drop or ping a PostgreSQL database on 127.0.0.1:5432 for CI (user postgres, trust).

python scripts/pg_database.py ping|create NAME|drop NAME
"""

from __future__ import annotations

import re
import sys

import psycopg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str]) -> int:
    action = argv[0]
    try:
        conn = psycopg.connect(ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return 1
    with conn:
        if action == "ping":
            return 0
        name = argv[1]
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise SystemExit(f"bad database name {name!r}")
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE IF EXISTS "test_{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
