"""Migrations are complete and apply to a fresh database of the kind under test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_migrations_apply_to_a_fresh_database(tmp_path):
    """On SQLite a new file; on PostgreSQL (DATABASE_URL) a new database on the same server."""
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "P3DN_DATA_DIR": str(tmp_path)}
    name = None
    if url.startswith("postgres"):
        import psycopg

        name = f"p3dn_mig_{uuid.uuid4().hex[:8]}"
        base = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/fresh.sqlite3"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "p3dn", "migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        check = subprocess.run(
            [sys.executable, "-m", "p3dn", "migrate", "--check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        if name:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_suite_runs_on_the_configured_engine():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
