"""Personas shared by every test: two Pemda, each with its Tim P3DN, an operator and a viewer,
plus the national administrator and a national viewer. Built with the project's own services.

And the real public data, named once: where ``../shared/data`` is (a missing folder stops the
run before any test is collected, it never skips one) and the Kalbar 2023 and Bandung 2025
imports the tests build on, each named by the files it holds.

Importable without Django (the search benchmarks read the paths through tests/catalog_corpus.py):
the p3dn models are imported inside the fixtures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from p3dn.accounts.models import Pemda, Unit, User

PASSWORD = "correct-horse-battery-9"

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"
KALBAR_2023_DIR = SHARED_DATA / "isb" / "prov-kalbar-2023"
BANDUNG_2025_DIR = SHARED_DATA / "isb" / "kab-bandung-2025"
KALBAR_KABUPATEN_2022_DIR = SHARED_DATA / "ekatalog" / "kalbar-kabupaten-2022"

# Kalbar 2023 (Prov. Kalimantan Barat, kd_klpd D197), file by file.
RUP = ("RUP-PaketPenyedia-Terumumkan.parquet", "RUP-StrukturAnggaranPD.json")
CONTRACTS = ("SPSE-TenderEkontrak-Kontrak.json", "SPSE-NonTenderEkontrak-Kontrak.json")
PENCATATAN = ("SPSE-PencatatanNonTender.json", "SPSE-PencatatanSwakelola.json")
TENDER_RESULTS = ("SPSE-TenderSelesaiNilai.json",)
RUP_BUDGET_LINES = ("RUP-PaketAnggaranPenyedia.parquet",)
BANDUNG_2025_SAMPLE_RUP_AND_REALIZATION = (
    "RUP-MasterSatker.json",
    "RUP-StrukturAnggaranPD.json",
    "rup-paket-penyedia-terumumkan.sample.json",
    "rup-paket-swakelola-terumumkan.sample.json",
    "SPSE-TenderEkontrak-2Kontrak.json",
    "SPSE-NonTenderEkontrak-2Kontrak.json",
    "SPSE-TenderSelesaiNilai.json",
    "SPSE-PencatatanNonTender.json",
    "SPSE-PencatatanSwakelola.json",
    "Ecat-PaketEPurchasingV6.json",
    "Bela-TokoDaringRealisasi.json",
)
KALBAR_2023_ALL_PACKAGES_AND_REALIZATION = (
    "RUP-StrukturAnggaranPD.json",
    "RUP-PaketPenyedia-Terumumkan.parquet",
    "RUP-PaketSwakelola-Terumumkan.parquet",
    "SPSE-TenderEkontrak-Kontrak.json",
    "SPSE-NonTenderEkontrak-Kontrak.json",
    "SPSE-TenderSelesaiNilai.json",
    "SPSE-PencatatanNonTender.json",
    "SPSE-PencatatanSwakelola.json",
)


def require_shared_data(folder: Path = SHARED_DATA) -> None:
    """Stop the run when the real data is not where the tests read it: a test that cannot
    read its file must fail, not skip and pass unseen."""
    missing = [p for p in (folder, folder / "isb" / "prov-kalbar-2023") if not p.is_dir()]
    if missing:
        raise pytest.UsageError(
            f"The real public data is missing: {', '.join(map(str, missing))}. The tests read "
            "../shared/data (see its README) next to the repository; put it there."
        )


def pytest_configure(config: pytest.Config) -> None:
    require_shared_data()


def _imported(
    folder: Path, names: tuple[str, ...], kd_klpd: str, *, apply_valid_rows: bool = False
) -> Pemda:
    from p3dn.accounts.models import Pemda
    from p3dn.imports import services as imports

    for name in names:
        run = imports.import_now(
            actor=None, path=folder / name, apply_valid_rows=apply_valid_rows
        )
        assert run.status == "applied", (name, run.message)
    return Pemda.objects.get(kd_klpd=kd_klpd)


@pytest.fixture
def kalbar_2023_rup_and_contracts(db) -> Pemda:
    """Kalbar 2023: its RUP (packages and budget structure), tender and non-tender contracts."""
    return _imported(KALBAR_2023_DIR, RUP + CONTRACTS, "D197")


@pytest.fixture
def kalbar_2023_rup_and_realization(db) -> Pemda:
    """Kalbar 2023: its RUP and every realization it publishes (tender and non-tender
    contracts, pencatatan non-tender and swakelola); no e-purchasing in these files."""
    return _imported(KALBAR_2023_DIR, RUP + CONTRACTS + PENCATATAN, "D197")


@pytest.fixture
def kalbar_2023_with_tender_results(db) -> Pemda:
    """``kalbar_2023_rup_and_realization`` plus the tender results (SPSE-TenderSelesaiNilai)."""
    return _imported(KALBAR_2023_DIR, RUP + CONTRACTS + PENCATATAN + TENDER_RESULTS, "D197")


@pytest.fixture
def kalbar_2023_with_budget_lines(db) -> Pemda:
    """``kalbar_2023_with_tender_results`` plus the RUP budget lines of each package."""
    names = (
        "RUP-PaketPenyedia-Terumumkan.parquet",
        *RUP_BUDGET_LINES,
        "RUP-StrukturAnggaranPD.json",
        "SPSE-TenderEkontrak-Kontrak.json",
        *TENDER_RESULTS,
        "SPSE-NonTenderEkontrak-Kontrak.json",
        *PENCATATAN,
    )
    return _imported(KALBAR_2023_DIR, names, "D197")


@pytest.fixture
def kalbar_2023_all_packages_and_realization(db) -> Pemda:
    """Kalbar 2023: its RUP (penyedia and swakelola packages, budget structure) and every
    realization it publishes, tender results included (valid rows of each file applied)."""
    return _imported(
        KALBAR_2023_DIR, KALBAR_2023_ALL_PACKAGES_AND_REALIZATION, "D197", apply_valid_rows=True
    )


@pytest.fixture
def bandung_2025_sample_rup_and_realization(db) -> Pemda:
    """Kab. Bandung 2025: its units, budget structure, the 25-row RUP samples and all of its
    realization (SPSE, pencatatan, e-purchasing v6, Toko Daring): a RUP that is only a sample."""
    return _imported(
        BANDUNG_2025_DIR, BANDUNG_2025_SAMPLE_RUP_AND_REALIZATION, "D107", apply_valid_rows=True
    )


@pytest.fixture
def bandung_2025_realization(db) -> Pemda:
    """Kab. Bandung 2025 (D107): budget structure, pencatatan non-tender and swakelola,
    e-Katalog products and providers, e-purchasing packages and Toko Daring realization."""
    names = (
        "RUP-StrukturAnggaranPD.json",
        *PENCATATAN,
        "Ecat-ProdukDetail.json",
        "Ecat-PenyediaDetail.json",
        "Ecat-PaketEPurchasingV6.json",
        "Bela-TokoDaringRealisasi.json",
    )
    return _imported(BANDUNG_2025_DIR, names, "D107")


@pytest.fixture
def bengkayang_2022_toko_daring(db) -> Pemda:
    """Kab. Bengkayang 2022 (D206): its Toko Daring (Bela) orders, failed ones included."""
    return _imported(KALBAR_KABUPATEN_2022_DIR, ("BKY-daring2022.parquet",), "D206")


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
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test's ids come again in the next
    test (SQLite reuses them), so a key of one test could find another's data-quality warnings."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    """Uploads and import progress files per test: parallel workers number their import runs
    alike, and one test must not see another's progress file."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def bandung(db) -> Pemda:
    from p3dn.accounts.models import Pemda

    pemda = Pemda.objects.get(region_id="32.04")
    Pemda.objects.filter(pk=pemda.pk).update(has_tim_p3dn=True)
    pemda.refresh_from_db()
    return pemda


@pytest.fixture
def kalbar(db) -> Pemda:
    from p3dn.accounts.models import Pemda

    return Pemda.objects.get(region_id="61")


def _unit(**fields: object) -> Unit:
    from p3dn.accounts import services

    return services.create_unit(actor=None, **fields)


@pytest.fixture
def dinkes_bandung(bandung) -> Unit:
    return _unit(
        pemda=bandung,
        name="DINAS KESEHATAN",
        kd_satker="60414",
        kd_satker_str="1.02.0.00.0.00.02.0000",
    )


@pytest.fixture
def dishub_bandung(bandung) -> Unit:
    return _unit(
        pemda=bandung,
        name="DINAS PERHUBUNGAN",
        kd_satker="60425",
        kd_satker_str="2.15.0.00.0.00.01.0000",
    )


@pytest.fixture
def dinkes_kalbar(kalbar) -> Unit:
    return _unit(
        pemda=kalbar,
        name="DINAS KESEHATAN",
        kd_satker="64168",
        kd_satker_str="1.02.0.00.0.00.01.0000",
    )


def _user(username: str, role: str, pemda=None, unit=None) -> User:
    """A persona signing in with PASSWORD; ``role`` names a member of User.Role."""
    from p3dn.accounts import services
    from p3dn.accounts.models import User

    return services.create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        role=User.Role[role],
        pemda=pemda,
        unit=unit,
        first_name=username.split(".")[0].title(),
    )


@pytest.fixture
def admin_pusat(db) -> User:
    return _user("admin.pusat", "ADMIN")


@pytest.fixture
def viewer_nasional(db) -> User:
    return _user("pemantau.nasional", "VIEWER")


@pytest.fixture
def tim_bandung(bandung) -> User:
    return _user("tim.bandung", "TIM_P3DN", pemda=bandung)


@pytest.fixture
def operator_bandung(dinkes_bandung) -> User:
    return _user("operator.dinkes", "OPERATOR", unit=dinkes_bandung)


@pytest.fixture
def viewer_bandung(bandung) -> User:
    return _user("pemantau.bandung", "VIEWER", pemda=bandung)


@pytest.fixture
def tim_kalbar(kalbar) -> User:
    return _user("tim.kalbar", "TIM_P3DN", pemda=kalbar)


@pytest.fixture
def operator_kalbar(dinkes_kalbar) -> User:
    return _user("operator.kalbar", "OPERATOR", unit=dinkes_kalbar)


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
