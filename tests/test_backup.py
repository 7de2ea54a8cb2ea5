"""`p3dn backup` and `p3dn restore` as an operator runs them, on the engine under test (SQLite,
or PostgreSQL when DATABASE_URL says so): a restore gives back every row of every table."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import KALBAR_2023_DIR

CONTRACTS = KALBAR_2023_DIR / "SPSE-TenderEkontrak-Kontrak.json"
ROOT = Path(__file__).resolve().parents[1]

# Every row of every model of every app, and the migration records, ordered by key.
SNAPSHOT = """
import json, django
django.setup()
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.migrations.recorder import MigrationRecorder
models = [m for m in apps.get_models(include_auto_created=True)
          if m._meta.managed and not m._meta.proxy]
models.append(MigrationRecorder.Migration)
tables = {m._meta.db_table: list(m._base_manager.order_by("pk").values()) for m in models}
print(json.dumps(tables, cls=DjangoJSONEncoder, sort_keys=True))
"""

DAMAGE = """
import django
django.setup()
from p3dn.accounts.models import User
from p3dn.audit.models import LogEntry
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import Contract
Contract.objects.filter(pk__in=list(Contract.objects.values_list("pk", flat=True)[::2])).delete()
Contract.objects.update(nama_paket="diubah")
LogEntry.objects.all().delete()
ImportRun.objects.update(file_name="hilang.json")
User.objects.filter(username="admin.pusat").update(email="penyusup@example.com")
"""

FUTURE_MIGRATION = """
import django
django.setup()
from django.db.migrations.recorder import MigrationRecorder
MigrationRecorder.Migration.objects.filter(app="accounts", name="9999_from_the_future").delete()
if "{action}" == "create":
    MigrationRecorder.Migration.objects.create(app="accounts", name="9999_from_the_future")
"""


def p3dn(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "p3dn", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def python(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "p3dn.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def snapshot(env: dict[str, str]) -> dict[str, list[dict]]:
    return json.loads(python(env, SNAPSHOT))


def is_postgres(env: dict[str, str]) -> bool:
    return env["DATABASE_URL"].startswith("postgres")


@pytest.fixture
def migrated(migrated_db):
    """A migrated database of the engine under test, for `p3dn` run from this checkout."""
    return {**migrated_db, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def env(migrated):
    """``migrated``, filled through the CLI: the national administrator, a real LKPP contract
    import, and the audit entries both write."""
    environment = migrated
    admin = p3dn(
        environment,
        "createadmin",
        "--username",
        "admin.pusat",
        "--password-stdin",
        stdin="correct-horse-battery-9\n",
    )
    assert admin.returncode == 0, admin.stderr
    imported = p3dn(environment, "import", str(CONTRACTS))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    return environment


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of another, empty database of the same engine (a new server)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path}/new-server.sqlite3"
        return
    import psycopg

    name = f"p3dn_new_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restore_gives_back_every_row_of_every_table(env, tmp_path, empty_database):
    before = snapshot(env)
    assert len(before["procurement_contract"]) == len(json.loads(CONTRACTS.read_text()))
    assert before["accounts_user"] and before["audit_logentry"] and before["imports_importrun"]

    file = tmp_path / "cadangan" / "p3dn.backup"
    made = p3dn(env, "backup", str(file))
    assert made.returncode == 0, made.stderr
    assert str(file) in made.stdout and file.is_file()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # it holds password hashes

    python(env, DAMAGE)
    damaged = snapshot(env)
    assert damaged != before

    refused = p3dn(env, "restore", str(file))
    assert refused.returncode == 1
    assert "holds data" in refused.stderr and "--force" in refused.stderr
    assert snapshot(env) == damaged

    restored = p3dn(env, "restore", str(file), "--force")
    assert restored.returncode == 0, restored.stderr
    after = snapshot(env)
    assert {t: len(rows) for t, rows in after.items()} == {
        t: len(rows) for t, rows in before.items()
    }
    for table, rows in before.items():
        assert after[table] == rows, table
    # The restored database takes new rows (PostgreSQL's sequences came back too).
    added = p3dn(
        env,
        "createadmin",
        "--username",
        "admin.kedua",
        "--password-stdin",
        stdin="correct-horse-battery-9\n",
    )
    assert added.returncode == 0, added.stderr

    # A new server: an empty database takes the backup without --force.
    new_server = {**env, "DATABASE_URL": empty_database}
    moved = p3dn(new_server, "restore", str(file))
    assert moved.returncode == 0, moved.stderr
    assert snapshot(new_server) == before


def test_a_backup_taken_while_another_process_writes_is_consistent(env, tmp_path):
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            """
import sys, django
django.setup()
from django.db import transaction
from p3dn.accounts.models import User
with transaction.atomic():
    User.objects.create(username="belum.tersimpan", role="viewer")
    print("writing", flush=True)
    sys.stdin.readline()
""",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "p3dn.settings"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        file = tmp_path / "online.backup"
        made = p3dn(env, "backup", str(file))
        assert made.returncode == 0, made.stderr
    finally:
        writer.communicate("\n", timeout=60)
    assert writer.returncode == 0
    users = {u["username"] for u in snapshot(env)["accounts_user"]}
    assert "belum.tersimpan" in users
    assert p3dn(env, "restore", str(file), "--force").returncode == 0
    users = {u["username"] for u in snapshot(env)["accounts_user"]}
    assert users == {"admin.pusat"}


def test_restore_refuses_what_is_not_a_compatible_p3dn_backup_and_changes_nothing(env, tmp_path):
    state = snapshot(env)

    text = tmp_path / "catatan.txt"
    text.write_text("bukan cadangan\n")
    refused = p3dn(env, "restore", str(text), "--force")
    assert refused.returncode == 1 and "not a p3dn backup" in refused.stderr

    # A backup made by a newer p3dn, which has a migration this version does not know.
    python(env, FUTURE_MIGRATION.format(action="create"))
    future = tmp_path / "future.backup"
    assert p3dn(env, "backup", str(future)).returncode == 0
    python(env, FUTURE_MIGRATION.format(action="delete"))
    refused = p3dn(env, "restore", str(future), "--force")
    assert refused.returncode == 1
    assert "newer p3dn" in refused.stderr and "accounts.9999_from_the_future" in refused.stderr

    # A damaged backup: the end of the file is missing.
    good = tmp_path / "good.backup"
    assert p3dn(env, "backup", str(good)).returncode == 0
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(good.read_bytes()[:-2000])
    python(env, DAMAGE)
    damaged_state = snapshot(env)
    refused = p3dn(env, "restore", str(damaged), "--force")
    assert refused.returncode == 1
    assert "damaged" in refused.stderr or "unchanged" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert snapshot(env) == damaged_state != state


def test_backup_writes_a_dated_file_in_the_data_directory_with_the_engines_own_tools(
    migrated, tmp_path
):
    env = migrated
    made = p3dn(env, "backup")
    assert made.returncode == 0, made.stderr
    files = list((Path(env["P3DN_DATA_DIR"]) / "backups").iterdir())
    assert len(files) == 1 and files[0].name.startswith("p3dn-20")
    assert str(files[0]) in made.stdout
    again = p3dn(env, "backup", str(files[0]))
    assert again.returncode == 1 and "exists" in again.stderr
    assert p3dn(env, "backup", str(files[0]), "--force").returncode == 0

    # PostgreSQL backups need pg_dump on PATH and say so clearly; SQLite needs nothing.
    no_tools = {**env, "PATH": str(tmp_path / "empty-bin")}
    result = p3dn(no_tools, "backup", str(tmp_path / "b.backup"))
    if is_postgres(env):
        assert result.returncode == 1
        assert "pg_dump not found on PATH" in result.stderr
        assert "Traceback" not in result.stderr
    else:
        assert result.returncode == 0, result.stderr
