"""Personas shared by every test: two Pemda, each with its Tim P3DN, an operator and a viewer,
plus the national administrator and a national viewer. Built with the project's own services.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from p3dn.accounts import services
from p3dn.accounts.models import Pemda, Unit, User

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the live server's thread must not keep the test
    database open when pytest-django drops it."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _static_names_without_collecting(django_test_environment):
    """Pages link the static files by their plain names in tests, served from the sources: only
    `p3dn serve` collects them under hashed names (tests/test_server.py runs it). Session-wide,
    so that the live server's WhiteNoise starts with it too."""
    from django.conf import settings
    from django.test import override_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STATIC_ROOT=None, STORAGES={**settings.STORAGES, "staticfiles": plain}):
        yield


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    """Uploads and import progress files per test: parallel workers number their import runs
    alike, and one test must not see another's progress file."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def bandung(db) -> Pemda:
    pemda = Pemda.objects.get(region_id="32.04")
    Pemda.objects.filter(pk=pemda.pk).update(has_tim_p3dn=True)
    pemda.refresh_from_db()
    return pemda


@pytest.fixture
def kalbar(db) -> Pemda:
    return Pemda.objects.get(region_id="61")


@pytest.fixture
def dinkes_bandung(bandung) -> Unit:
    return services.create_unit(
        actor=None,
        pemda=bandung,
        name="DINAS KESEHATAN",
        kd_satker="60414",
        kd_satker_str="1.02.0.00.0.00.02.0000",
    )


@pytest.fixture
def dishub_bandung(bandung) -> Unit:
    return services.create_unit(
        actor=None,
        pemda=bandung,
        name="DINAS PERHUBUNGAN",
        kd_satker="60425",
        kd_satker_str="2.15.0.00.0.00.01.0000",
    )


@pytest.fixture
def dinkes_kalbar(kalbar) -> Unit:
    return services.create_unit(
        actor=None,
        pemda=kalbar,
        name="DINAS KESEHATAN",
        kd_satker="64168",
        kd_satker_str="1.02.0.00.0.00.01.0000",
    )


def _user(username: str, role: str, pemda=None, unit=None) -> User:
    return services.create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        pemda=pemda,
        unit=unit,
        first_name=username.split(".")[0].title(),
    )


@pytest.fixture
def admin_pusat(db) -> User:
    return _user("admin.pusat", User.Role.ADMIN)


@pytest.fixture
def viewer_nasional(db) -> User:
    return _user("pemantau.nasional", User.Role.VIEWER)


@pytest.fixture
def tim_bandung(bandung) -> User:
    return _user("tim.bandung", User.Role.TIM_P3DN, pemda=bandung)


@pytest.fixture
def operator_bandung(dinkes_bandung) -> User:
    return _user("operator.dinkes", User.Role.OPERATOR, unit=dinkes_bandung)


@pytest.fixture
def viewer_bandung(bandung) -> User:
    return _user("pemantau.bandung", User.Role.VIEWER, pemda=bandung)


@pytest.fixture
def tim_kalbar(kalbar) -> User:
    return _user("tim.kalbar", User.Role.TIM_P3DN, pemda=kalbar)


@pytest.fixture
def operator_kalbar(dinkes_kalbar) -> User:
    return _user("operator.kalbar", User.Role.OPERATOR, unit=dinkes_kalbar)


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client signed in as that user."""

    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def fresh_db(tmp_path):
    """Environment for a subprocess with an empty database of its own, of the kind under test
    (a new SQLite file, or a new database on the PostgreSQL server of DATABASE_URL)."""
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "P3DN_DATA_DIR": str(tmp_path)}
    name = None
    if url.startswith("postgres"):
        import psycopg

        name = f"p3dn_sub_{uuid.uuid4().hex[:8]}"
        base = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/sub.sqlite3"
    yield env
    if name:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_db(fresh_db):
    """``fresh_db`` after ``p3dn migrate``."""
    subprocess.run(
        [sys.executable, "-m", "p3dn", "migrate"],
        env=fresh_db,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return fresh_db
