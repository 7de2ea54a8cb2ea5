"""Migrations are complete and apply to a fresh database of the kind under test."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_migrations_apply_to_a_fresh_database(fresh_db):
    """On SQLite a new file; on PostgreSQL (DATABASE_URL) a new database on the same server."""
    result = subprocess.run([sys.executable, "-m", "p3dn", "migrate"], env=fresh_db,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    check = subprocess.run([sys.executable, "-m", "p3dn", "migrate", "--check"], env=fresh_db,
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_suite_runs_on_the_configured_engine():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
