"""The demo dataset: real government units and procurement data of Kab. Bandung (2025) and
Prov. Kalimantan Barat (2023) from LKPP's public data, Kemenperin TKDN lists and the local
e-Katalog products of three Kalbar kabupaten (for the product registry), and one demo account
per role. Loading it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from p3dn.accounts import services as account_services
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.catalog.claims.services import verify_claims
from p3dn.catalog.search.services import index_is_stale, refresh_index
from p3dn.catalog.substitutes.models import Scan
from p3dn.catalog.substitutes.services import scan as scan_substitutes
from p3dn.catalog.sync import SyncResult, sync_registry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.imports.queries import rejection_reasons
from p3dn.lib.money import format_percent, format_rupiah
from p3dn.lib.readers import sha256_of
from p3dn.monitoring.models import Target
from p3dn.monitoring.monev.models import Finding, MonevSchedule, Snapshot
from p3dn.monitoring.monev.services import create_finding, set_schedule, take_snapshot
from p3dn.monitoring.services import save_target


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


def _demo_data() -> dict:
    text = (resources.files("p3dn.core") / "demo" / "units.json").read_text(encoding="utf-8")
    return json.loads(text)


def import_demo_files(report: Callable[[str], None] = print) -> list[ImportRun]:
    """Import the real LKPP files of the demo (each file once: an applied file is skipped)."""
    runs = []
    folder = resources.files("p3dn.core") / "demo" / "files"
    with tempfile.TemporaryDirectory() as tmp:
        for name in _demo_data()["files"]:
            source = folder / name
            path = Path(tmp) / name.removesuffix(".gz")
            content = source.read_bytes()
            path.write_bytes(gzip.decompress(content) if name.endswith(".gz") else content)
            if ImportRun.objects.filter(
                file_sha256=sha256_of(path), status=ImportRun.Status.APPLIED
            ).exists():
                continue
            try:
                run = services.import_now(actor=None, path=path, apply_valid_rows=True)
            except services.ImportBusy as exc:
                report(f"  {name.removesuffix('.gz')}: {exc}")
                continue
            runs.append(run)
            rejected = f", {run.rows_rejected} rejected" if run.rows_rejected else ""
            report(
                f"  {name.removesuffix('.gz')}: {run.dataset} {run.status} "
                f"({run.rows_inserted} inserted{rejected})"
            )
            for why in rejection_reasons(run):  # why, not only how many
                report(f"      {why.rows} × {why.field}: {why.reason}")
    return runs


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo Pemda units and accounts that do not exist yet; return the logins."""
    pemda_by_klpd: dict[str, Pemda] = {}
    for entry in _demo_data()["pemda"]:
        pemda = Pemda.objects.get(region_id=entry["region"])
        if pemda.kd_klpd != entry["kd_klpd"] or not pemda.has_tim_p3dn:
            Pemda.objects.filter(pk=pemda.pk).update(kd_klpd=entry["kd_klpd"], has_tim_p3dn=True)
            pemda.refresh_from_db()
        pemda_by_klpd[entry["kd_klpd"]] = pemda
        existing = set(pemda.units.values_list("kd_satker", flat=True))
        for unit in entry["units"]:
            if unit["kd_satker"] not in existing:
                account_services.create_unit(
                    actor=None,
                    pemda=pemda,
                    name=unit["name"],
                    kd_satker=unit["kd_satker"],
                    kd_satker_str=unit["kd_satker_str"],
                )

    bandung, kalbar = pemda_by_klpd["D107"], pemda_by_klpd["D197"]
    dinkes = Unit.objects.get(pemda=bandung, kd_satker="60414")  # DINAS KESEHATAN
    accounts = [
        ("admin", User.Role.ADMIN, None, None, "Admin", "Nasional"),
        ("pemantau.nasional", User.Role.VIEWER, None, None, "Pemantau", "Nasional"),
        ("tim.bandung", User.Role.TIM_P3DN, bandung, None, "Tim P3DN", "Kab. Bandung"),
        ("operator.dinkes.bandung", User.Role.OPERATOR, bandung, dinkes, "Operator", "Dinkes"),
        ("tim.kalbar", User.Role.TIM_P3DN, kalbar, None, "Tim P3DN", "Kalimantan Barat"),
    ]
    logins = []
    for username, role, scope, unit, first, last in accounts:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                actor=None,
                username=username,
                role=role,
                pemda=scope,
                unit=unit,
                password=settings.P3DN_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        logins.append(DemoLogin(username, user.get_role_display(), user.scope_label))
    return logins


def load_demo_registry() -> SyncResult:
    """The product registry over the demo's TKDN lists and e-Katalog data (idempotent), and
    the verification of the listings' TKDN claims against it, and its search index."""
    result = sync_registry(actor="demo")
    verify_claims(actor="demo")
    if index_is_stale():
        refresh_index(actor="demo")
    return result


# The Pemda-year the demo opens on: its data is complete. Kab. Bandung's 2025 RUP is a sample of
# 25 packages (its pages say so: docs/quality.md, rup_sampel), so its capaian cannot be read.
DEMO_START = ("D197", 2023)


def start_path() -> str:
    """The Dasbor of the Pemda-year the demo opens on (``DEMO_START``)."""
    klpd, tahun = DEMO_START
    pemda = Pemda.objects.get(kd_klpd=klpd)
    return reverse("monitoring:dashboard", args=[pemda.pk]) + f"?tahun={tahun}"


# The demo Pemda-years and the targets their Tim P3DN would have recorded.
DEMO_MONITORING = (
    ("D197", 2023, ("0.15", "0.35", "0.60", "0.80")),
    ("D107", 2025, ("0.20", "0.40", "0.60", "0.80")),
)


def load_demo_substitutes() -> list[str]:
    """Scan each demo Pemda-year's non-PDN spending for domestic alternatives (the potensi PDN
    of the Dasbor and the report), unless a scan exists; the scan is the demo's, not a user's."""
    done = []
    for klpd, tahun, _path in DEMO_MONITORING:
        pemda = Pemda.objects.get(kd_klpd=klpd)
        if not Scan.objects.filter(pemda=pemda, tahun=tahun).exists():
            scan_substitutes(pemda=pemda, tahun=tahun, user="demo")
            done.append(f"{pemda.name} {tahun}")
    return done


@transaction.atomic
def load_demo_monitoring(today: dt.date | None = None) -> list[str]:
    """Targets, a Monev schedule, a first snapshot and findings for the units furthest below
    the target, so the Dasbor, Monev and the report show real numbers on the first run. Only
    what does not exist yet is created."""
    today = today or timezone.localdate()
    done = []
    tim = {p.pemda_id: p for p in User.objects.filter(role=User.Role.TIM_P3DN)}
    for klpd, tahun, path in DEMO_MONITORING:
        pemda = Pemda.objects.get(kd_klpd=klpd)
        actor = None  # the demo acts, not the Tim P3DN whose login it prints
        owner = tim.get(pemda.pk)
        if not Target.objects.filter(pemda=pemda, tahun=tahun).exists():
            q1, q2, q3, q4 = (Decimal(v) for v in path)
            save_target(
                actor=actor,
                pemda=pemda,
                tahun=tahun,
                values={
                    "capaian_q1": q1,
                    "capaian_q2": q2,
                    "capaian_q3": q3,
                    "capaian_q4": q4,
                    "dasar": "Data demo: target kinerja P3DN perangkat daerah",
                },
            )
        if not MonevSchedule.objects.filter(pemda=pemda).exists():
            set_schedule(actor=actor, pemda=pemda, interval_days=14, active=True)
        if Snapshot.objects.filter(pemda=pemda, tahun=tahun).exists():
            continue
        snapshot = take_snapshot(
            pemda=pemda,
            tahun=tahun,
            kind=Snapshot.Kind.ON_DEMAND,
            actor=actor,
            catatan="Monev pertama (data demo)",
        )
        target = Decimal(path[3])
        lagging = [
            row
            for row in snapshot.figures["rows"]
            if row["kd_satker"]
            and row["capaian_pdn"] is not None
            and Decimal(row["capaian_pdn"]) < target
            and Decimal(row["komitmen_pdn"]) > 0
        ]
        lagging.sort(key=lambda r: Decimal(r["komitmen_pdn"]), reverse=True)
        for number, row in enumerate(lagging[:3]):
            unit = Unit.objects.get(pemda=pemda, kd_satker=row["kd_satker"])
            create_finding(
                actor=actor,
                owner=owner,
                pemda=pemda,
                tahun=tahun,
                unit=unit,
                temuan=(
                    f"Capaian PDN {format_percent(Decimal(row['capaian_pdn']))} dari komitmen "
                    f"{format_rupiah(Decimal(row['komitmen_pdn']))}, di bawah target "
                    f"{format_percent(target, 0)}."
                ),
                tindak_lanjut=(
                    "Percepat realisasi paket berstatus PDN melalui e-Katalog/Toko Daring dan "
                    "laporkan nilai PDN pada e-kontrak."
                ),
                penanggung_jawab=f"Kepala {unit.name.title()}",
                due_date=today + dt.timedelta(days=14 * (number + 1)),
                snapshot_of=snapshot,
                status=Finding.Status.IN_PROGRESS if number == 0 else Finding.Status.OPEN,
            )
        done.append(f"{pemda.name} {tahun}")
    return done
