"""Monev: snapshots that keep their numbers, the change since the previous one, the 7/14-day
schedule, findings with their follow-up history, and who may see and do what."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.audit.models import LogEntry
from p3dn.imports import services as imports
from p3dn.imports.models import ImportRun
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.monev import queries as monev_queries
from p3dn.monitoring.monev import services as findings
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Finding, FindingEvent, MonevSchedule, Snapshot

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
D = Decimal
PENDIDIKAN = "364097"  # SPSE's code of DINAS PENDIDIKAN DAN KEBUDAYAAN, 28 tender contracts


def money(value) -> Decimal:
    return D(str(value or 0)).quantize(D("0.01"))


def six(value: Decimal) -> Decimal:
    return value.quantize(D("0.000001"), rounding=ROUND_HALF_UP)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=JAKARTA)


def tender_rows() -> list[dict]:
    return json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text())


def latest(rows: list[dict]) -> list[dict]:
    top: dict[object, dict] = {}
    for r in rows:
        if r["kd_tender"] not in top or r["versi_addendum"] > top[r["kd_tender"]]["versi_addendum"]:
            top[r["kd_tender"]] = r
    return list(top.values())


# ------------------------------------------------------------------ snapshots and deltas


def test_a_snapshot_stores_the_indicators_whole_and_per_unit_as_computed(
    kalbar_2023_rup_and_contracts, tim_kalbar
):
    expected = compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023, by="satker")
    snapshot = monev.take_snapshot(
        pemda=kalbar_2023_rup_and_contracts,
        tahun=2023,
        kind=Snapshot.Kind.ON_DEMAND,
        actor=tim_kalbar,
    )
    stored = Snapshot.objects.get(pk=snapshot.pk)
    assert stored.figures == expected
    assert (
        stored.figures["realisasi_pdn"]
        == compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023)["realisasi_pdn"]
    )
    assert len(stored.figures["rows"]) > 10 and all(
        isinstance(r["realisasi_total"], str) for r in stored.figures["rows"]
    )
    newest = ImportRun.objects.filter(
        pemda=kalbar_2023_rup_and_contracts, status="applied"
    ).order_by("-data_as_of")
    assert stored.data_as_of == newest[0].data_as_of
    assert stored.last_import.data_as_of == stored.data_as_of
    assert (stored.kind, stored.taken_by) == ("on_demand", tim_kalbar)
    entry = LogEntry.objects.get(action="monitoring.snapshot.taken", object_id=str(snapshot.pk))
    assert entry.actor == tim_kalbar and entry.pemda == kalbar_2023_rup_and_contracts


def test_a_snapshot_keeps_its_numbers_after_a_newer_import_and_the_delta_is_exact(
    kalbar_2023_rup_and_contracts, tmp_path, client_for, tim_kalbar
):
    first = monev.take_snapshot(
        pemda=kalbar_2023_rup_and_contracts, tahun=2023, kind=Snapshot.Kind.ON_DEMAND
    )
    before = json.loads(json.dumps(first.figures))

    rows = tender_rows()
    newer = tmp_path / "SPSE-TenderEkontrak-Kontrak.json"
    changed = [{**r, "nilai_pdn_kontrak": 0} if r["kd_satker"] == PENDIDIKAN else r for r in rows]
    newer.write_text(json.dumps(changed), encoding="utf-8")
    assert imports.import_now(actor=None, path=newer).status == "applied"

    reopened = Snapshot.objects.get(pk=first.pk)
    assert reopened.figures == before  # to the cent, whatever was imported since
    now = compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023)
    assert now["realisasi_pdn"] != before["realisasi_pdn"]
    page = client_for(tim_kalbar).get(
        reverse("monitoring:monev-snapshot", args=[kalbar_2023_rup_and_contracts.pk, first.pk])
    )
    assert page.context["figures"] == before

    second = monev.take_snapshot(
        pemda=kalbar_2023_rup_and_contracts, tahun=2023, kind=Snapshot.Kind.ON_DEMAND
    )
    change = monev_queries.deltas(second)
    assert change.previous == first

    lost = sum(
        (money(r["nilai_pdn_kontrak"]) for r in latest(rows) if r["kd_satker"] == PENDIDIKAN),
        D("0.00"),
    )
    assert lost > 0
    assert change.whole.money["realisasi_pdn"] == -lost
    assert change.whole.money["komitmen_pdn"] == 0
    assert change.whole.money["realisasi_total"] == 0
    komitmen = D(before["komitmen_pdn"])
    old_pdn = D(before["realisasi_pdn"])
    assert change.whole.ratios["capaian_pdn"] == six((old_pdn - lost) / komitmen) - six(
        old_pdn / komitmen
    )
    moved = [u for u in change.units if u.money["realisasi_pdn"]]
    assert [u.money["realisasi_pdn"] for u in moved] == [-lost]
    assert "PENDIDIKAN" in moved[0].name
    assert change.appeared == [] and change.disappeared == []
    assert all(u.status == "same" for u in change.units)

    html = client_for(tim_kalbar).get(
        reverse("monitoring:monev-snapshot", args=[kalbar_2023_rup_and_contracts.pk, second.pk])
    )
    assert html.status_code == 200
    assert "delta-down" in html.content.decode()


def test_a_snapshot_as_of_a_past_day_reproduces_the_data_of_that_day(
    kalbar_2023_rup_and_contracts, tmp_path
):
    before = compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023, by="satker")
    day = (
        ImportRun.objects.filter(pemda=kalbar_2023_rup_and_contracts)
        .order_by("-data_as_of")[0]
        .data_as_of
    )
    newer = tmp_path / "SPSE-TenderEkontrak-Kontrak.json"
    newer.write_text(
        json.dumps([{**r, "nilai_pdn_kontrak": 0} for r in tender_rows()]), encoding="utf-8"
    )
    run = imports.import_now(actor=None, path=newer)
    ImportRun.objects.filter(pk=run.pk).update(data_as_of=day + dt.timedelta(days=30))
    snapshot = monev.take_snapshot(
        pemda=kalbar_2023_rup_and_contracts,
        tahun=2023,
        kind=Snapshot.Kind.ON_DEMAND,
        data_as_of=day,
    )
    assert snapshot.data_as_of == day and snapshot.last_import.data_as_of <= day
    assert {k: v for k, v in snapshot.figures.items() if k != "as_of"} == {
        k: v for k, v in before.items() if k != "as_of"
    }


def _stored(pemda, taken_at, rows, **whole) -> Snapshot:
    figures = {
        "realisasi_pdn": "0.00",
        "komitmen_pdn": "0.00",
        "capaian_pdn": None,
        **whole,
        "rows": rows,
    }
    return Snapshot.objects.create(
        pemda=pemda,
        tahun=2025,
        kind="on_demand",
        taken_at=taken_at,
        data_as_of=taken_at.date(),
        figures=figures,
    )


def test_deltas_name_the_units_that_appeared_and_disappeared(bandung):
    def row(code, name, pdn, capaian):
        return {
            "kd_satker": code,
            "kd_satker_str": "",
            "nama_satker": name,
            "realisasi_pdn": pdn,
            "komitmen_pdn": "100.00",
            "capaian_pdn": capaian,
        }

    old = _stored(
        bandung,
        at("2025-03-01"),
        [row("1", "DINKES", "10.00", "0.100000"), row("2", "DISHUB", "5.00", "0.050000")],
        realisasi_pdn="15.00",
        capaian_pdn="0.075000",
    )
    new = _stored(
        bandung,
        at("2025-03-15"),
        [row("1", "DINKES", "12.50", "0.125000"), row("3", "DISDIK", "7.00", None)],
        realisasi_pdn="19.50",
        capaian_pdn="0.097500",
    )
    _stored(bandung, at("2025-04-01"), [])  # a later one is not "previous"
    change = monev_queries.deltas(new)
    assert change.previous == old
    assert change.whole.money["realisasi_pdn"] == D("4.50")
    assert change.whole.ratios["capaian_pdn"] == D("0.022500")
    assert [(u.key, u.status) for u in change.units] == [
        ("1", "same"),
        ("3", "new"),
        ("2", "gone"),
    ]
    dinkes, disdik, dishub = change.units
    assert dinkes.money["realisasi_pdn"] == D("2.50") and dinkes.ratios["capaian_pdn"] == D(
        "0.025000"
    )
    assert disdik.money["realisasi_pdn"] == D("7.00") and disdik.ratios["capaian_pdn"] is None
    assert dishub.money["realisasi_pdn"] == D("-5.00")
    assert [u.name for u in change.appeared] == ["DISDIK"]
    assert [u.name for u in change.disappeared] == ["DISHUB"]
    assert monev_queries.deltas(old).previous is None


# ------------------------------------------------------------------ the schedule


@pytest.mark.parametrize("interval", [7, 14])
def test_scheduled_snapshots_come_every_interval_and_not_before(bandung, tim_bandung, interval):
    start = dt.date(2025, 2, 3)
    with time_machine.travel(at(start.isoformat()), tick=False):
        schedule = monev.set_schedule(
            actor=tim_bandung, pemda=bandung, interval_days=interval, active=True
        )
    assert schedule.next_due == start + dt.timedelta(days=interval)

    def run_on(offset: int) -> list[Snapshot]:
        day = start + dt.timedelta(days=offset)
        with time_machine.travel(at(day.isoformat(), hour=23), tick=False):
            return monev.take_due_snapshots()

    assert run_on(interval - 1) == []
    taken = run_on(interval)
    assert [(s.pemda, s.tahun, s.kind) for s in taken] == [(bandung, 2025, "scheduled")]
    assert run_on(interval) == []  # the same day again: nothing twice
    assert run_on(2 * interval - 1) == []
    assert len(run_on(2 * interval)) == 1
    # a worker that was down for weeks takes one snapshot, not the missed ones
    assert len(run_on(5 * interval + 3)) == 1
    schedule.refresh_from_db()
    assert schedule.next_due == start + dt.timedelta(days=6 * interval)
    assert Snapshot.objects.filter(pemda=bandung, kind="scheduled").count() == 3


def test_an_inactive_schedule_takes_nothing_and_changes_are_audited(bandung, tim_bandung):
    with time_machine.travel(at("2025-02-03"), tick=False):
        monev.set_schedule(actor=tim_bandung, pemda=bandung, interval_days=14, active=True)
        monev.set_schedule(actor=tim_bandung, pemda=bandung, interval_days=7, active=False)
    with time_machine.travel(at("2025-03-30"), tick=False):
        assert monev.take_due_snapshots() == []
    actions = list(
        LogEntry.objects.filter(action__startswith="monitoring.schedule")
        .order_by("pk")
        .values_list("action", "changes")
    )
    assert actions[0] == (
        "monitoring.schedule.created",
        {"interval_days": [None, 14], "active": [None, True], "next_due": [None, "2025-02-17"]},
    )
    assert actions[1] == (
        "monitoring.schedule.updated",
        {
            "interval_days": [14, 7],
            "active": [True, False],
            "next_due": ["2025-02-17", "2025-02-10"],
        },
    )


def test_scheduled_snapshots_cover_the_years_with_data(kalbar_2023_rup_and_contracts):
    with time_machine.travel(at("2026-01-05"), tick=False):
        monev.set_schedule(
            actor=None, pemda=kalbar_2023_rup_and_contracts, interval_days=7, active=True
        )
    with time_machine.travel(at("2026-01-12"), tick=False):
        taken = monev.take_due_snapshots()
    assert [s.tahun for s in taken] == [2023]  # no recent year: the latest year with data
    assert taken[0].figures == compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023, by="satker")


def test_the_worker_takes_due_snapshots_at_most_once_an_hour(bandung, monkeypatch):
    with time_machine.travel(at("2025-02-03"), tick=False):
        monev.set_schedule(actor=None, pemda=bandung, interval_days=7, active=True)
    with time_machine.travel(at("2025-02-10"), tick=False):
        call_command("run_worker", stdout=StringIO())
    assert Snapshot.objects.filter(pemda=bandung, kind="scheduled").count() == 1

    clock = [1000.0]
    monkeypatch.setattr(monev.time, "monotonic", lambda: clock[0])
    every = monev.Every(3600)
    assert every() is True
    clock[0] += 3599
    assert every() is False
    clock[0] += 1
    assert every() is True


def test_monev_due_on_the_cli(bandung):
    with time_machine.travel(at("2025-02-03"), tick=False):
        monev.set_schedule(actor=None, pemda=bandung, interval_days=14, active=True)
    out = StringIO()
    call_command("monev", "due", "--today", "2025-02-16", stdout=out)
    assert out.getvalue().strip() == "0 scheduled snapshot(s) taken"
    out = StringIO()
    call_command("monev", "due", "--today", "2025-02-17", stdout=out)
    assert "1 scheduled snapshot(s) taken" in out.getvalue()
    assert MonevSchedule.objects.get(pemda=bandung).next_due == dt.date(2025, 3, 3)


# ------------------------------------------------------------------ findings


@pytest.fixture
def finding(bandung, tim_bandung, dinkes_bandung) -> Finding:
    return findings.create_finding(
        actor=tim_bandung,
        pemda=bandung,
        tahun=2025,
        unit=dinkes_bandung,
        temuan="Realisasi PDN e-Katalog belum dicatat",
        tindak_lanjut="Catat realisasi e-Katalog triwulan I",
        penanggung_jawab="Kepala Subbag Keuangan",
        due_date=dt.date(2025, 4, 30),
    )


def test_every_change_of_a_finding_is_in_its_history(
    finding, tim_bandung, operator_bandung, dishub_bandung
):
    findings.update_finding(
        actor=tim_bandung,
        finding=finding,
        due_date=dt.date(2025, 5, 31),
        tindak_lanjut="Catat realisasi e-Katalog triwulan I dan II",
        penanggung_jawab="Kepala Subbag Keuangan",  # unchanged: not recorded
    )
    findings.update_finding(actor=tim_bandung, finding=finding, due_date=dt.date(2025, 5, 31))
    findings.add_note(
        actor=operator_bandung,
        finding=finding,
        catatan="Data triwulan I sudah diunggah",
        status=Finding.Status.IN_PROGRESS,
    )
    findings.add_note(actor=operator_bandung, finding=finding, catatan="Menunggu verifikasi")
    findings.update_finding(
        actor=tim_bandung, finding=finding, status=Finding.Status.DONE, unit=dishub_bandung
    )

    events = list(FindingEvent.objects.filter(finding=finding))
    assert len(events) == 5  # created, edited, note + status, note, closed
    assert events[0].changes["temuan"] == [None, "Realisasi PDN e-Katalog belum dicatat"]
    assert events[0].status == "open" and events[0].actor == tim_bandung
    assert events[1].changes == {
        "tindak_lanjut": [
            "Catat realisasi e-Katalog triwulan I",
            "Catat realisasi e-Katalog triwulan I dan II",
        ],
        "due_date": ["2025-04-30", "2025-05-31"],
    }
    assert (events[2].status, events[2].changes, events[2].catatan, events[2].actor) == (
        "in_progress",
        {"status": ["open", "in_progress"]},
        "Data triwulan I sudah diunggah",
        operator_bandung,
    )
    assert (events[3].status, events[3].changes, events[3].catatan) == (
        "in_progress",
        {},
        "Menunggu verifikasi",
    )
    assert events[4].status == "done"
    assert events[4].changes["status"] == ["in_progress", "done"]
    assert events[4].changes["unit"][1].startswith("DINAS PERHUBUNGAN")
    entries = LogEntry.objects.filter(object_type="monitoring.finding", object_id=str(finding.pk))
    assert [e.action for e in entries.order_by("pk")] == [
        "monitoring.finding.created",
        "monitoring.finding.updated",
        "monitoring.finding.updated",
        "monitoring.finding.noted",
        "monitoring.finding.updated",
    ]


def test_an_operator_follows_up_only_its_own_units_findings_and_edits_nothing_else(
    finding, operator_bandung, tim_bandung, bandung, dishub_bandung, viewer_bandung
):
    with pytest.raises(PermissionDenied):
        findings.update_finding(actor=operator_bandung, finding=finding, temuan="lain")
    other = findings.create_finding(
        actor=tim_bandung, pemda=bandung, tahun=2025, unit=dishub_bandung, temuan="Dishub"
    )
    with pytest.raises(PermissionDenied):
        findings.add_note(actor=operator_bandung, finding=other, catatan="bukan unit saya")
    with pytest.raises(PermissionDenied):
        findings.add_note(actor=viewer_bandung, finding=finding, catatan="hanya membaca")
    with pytest.raises(PermissionDenied):
        findings.create_finding(actor=operator_bandung, pemda=bandung, tahun=2025, temuan="x")
    assert FindingEvent.objects.filter(finding=other).count() == 1


def test_a_finding_must_stay_in_its_pemda(bandung, tim_bandung, dinkes_kalbar):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        findings.create_finding(
            actor=tim_bandung, pemda=bandung, tahun=2025, unit=dinkes_kalbar, temuan="x"
        )
    assert "unit" in error.value.message_dict


# ------------------------------------------------------------------ pages


def _urls(pemda, snapshot, finding) -> list[str]:
    return [
        reverse("monitoring:monev", args=[pemda.pk]) + "?tahun=2025",
        reverse("monitoring:monev-snapshot", args=[pemda.pk, snapshot.pk]),
        reverse("monitoring:monev-findings", args=[pemda.pk]) + "?tahun=2025",
        reverse("monitoring:monev-finding", args=[pemda.pk, finding.pk]),
    ]


@pytest.fixture
def bandung_snapshot(bandung) -> Snapshot:
    return monev.take_snapshot(pemda=bandung, tahun=2025, kind=Snapshot.Kind.ON_DEMAND)


def test_every_monev_page_renders_for_the_users_who_may_read_it(
    client_for,
    bandung_snapshot,
    finding,
    tim_bandung,
    operator_bandung,
    viewer_bandung,
    viewer_nasional,
    admin_pusat,
):
    bandung = finding.pemda
    for user in (tim_bandung, operator_bandung, viewer_bandung, viewer_nasional, admin_pusat):
        client = client_for(user)
        for url in _urls(bandung, bandung_snapshot, finding):
            assert client.get(url).status_code == 200, (user, url)
    for user in (tim_bandung, admin_pusat):
        client = client_for(user)
        for url in (
            reverse("monitoring:monev-finding-create", args=[bandung.pk]) + "?tahun=2025",
            reverse("monitoring:monev-finding-update", args=[bandung.pk, finding.pk]),
        ):
            assert client.get(url).status_code == 200, (user, url)
    html = client_for(tim_bandung).get(_urls(bandung, bandung_snapshot, finding)[0]).content
    assert b"monev/snapshot/" in html and b'name="interval_days"' in html
    html = client_for(viewer_bandung).get(_urls(bandung, bandung_snapshot, finding)[0]).content
    assert b'name="interval_days"' not in html
    monev_url = reverse("monitoring:monev", args=[bandung.pk]).encode()
    assert monev_url in client_for(operator_bandung).get(reverse("core:home")).content  # nav


def test_another_pemdas_monev_does_not_exist(
    client_for, bandung_snapshot, finding, tim_kalbar, operator_kalbar, kalbar
):
    bandung = finding.pemda
    for user in (tim_kalbar, operator_kalbar):
        client = client_for(user)
        for url in _urls(bandung, bandung_snapshot, finding):
            assert client.get(url).status_code == 404, (user, url)
        for url in (
            reverse("monitoring:monev-take", args=[bandung.pk]),
            reverse("monitoring:monev-schedule", args=[bandung.pk]),
            reverse("monitoring:monev-finding-note", args=[bandung.pk, finding.pk]),
        ):
            assert client.post(url, {"tahun": 2025, "catatan": "x"}).status_code == 404
    # a Bandung snapshot or finding under Kalbar's address is not there either
    client = client_for(tim_kalbar)
    for url in _urls(kalbar, bandung_snapshot, finding)[1::2]:
        assert client.get(url).status_code == 404
    assert FindingEvent.objects.filter(finding=finding).count() == 1


def test_the_tim_p3dn_takes_snapshots_sets_the_schedule_and_records_findings(
    client_for, tim_bandung, bandung, dinkes_bandung, operator_bandung
):
    client = client_for(tim_bandung)
    response = client.post(reverse("monitoring:monev-take", args=[bandung.pk]), {"tahun": 2025})
    snapshot = Snapshot.objects.get(pemda=bandung)
    assert response.url == reverse("monitoring:monev-snapshot", args=[bandung.pk, snapshot.pk])
    assert (snapshot.kind, snapshot.taken_by, snapshot.tahun) == ("on_demand", tim_bandung, 2025)

    client.post(
        reverse("monitoring:monev-schedule", args=[bandung.pk]),
        {"interval_days": 7, "active": "on"},
    )
    schedule = MonevSchedule.objects.get(pemda=bandung)
    assert (schedule.interval_days, schedule.active) == (7, True)

    response = client.post(
        reverse("monitoring:monev-finding-create", args=[bandung.pk])
        + f"?tahun=2025&snapshot={snapshot.pk}",
        {
            "tahun": 2025,
            "snapshot": snapshot.pk,
            "unit": dinkes_bandung.pk,
            "temuan": "Capaian PDN Dinkes di bawah target",
            "tindak_lanjut": "Rapat koordinasi",
            "penanggung_jawab": "Sekretaris Dinas",
            "owner": operator_bandung.pk,
            "due_date": "2025-06-30",
            "status": "open",
        },
    )
    created = Finding.objects.get()
    assert response.url == reverse("monitoring:monev-finding", args=[bandung.pk, created.pk])
    assert (created.unit, created.owner, created.snapshot, created.due_date) == (
        dinkes_bandung,
        operator_bandung,
        snapshot,
        dt.date(2025, 6, 30),
    )
    response = client.post(
        reverse("monitoring:monev-finding-update", args=[bandung.pk, created.pk]),
        {
            "unit": dinkes_bandung.pk,
            "temuan": created.temuan,
            "tindak_lanjut": "Rapat koordinasi dan surat teguran",
            "penanggung_jawab": "Sekretaris Dinas",
            "owner": operator_bandung.pk,
            "due_date": "2025-06-30",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    event = FindingEvent.objects.filter(finding=created).last()
    assert event.changes["status"] == ["open", "in_progress"]
    detail = client.get(reverse("monitoring:monev-finding", args=[bandung.pk, created.pk]))
    assert "surat teguran" in detail.content.decode()
    # the history reads in words: field labels and choice labels, never the stored names
    history = detail.content.decode().split("<h2>Riwayat</h2>", 1)[1]
    assert "<b>Status</b>: <span class=\"before\">Terbuka</span>" in history
    assert "Dalam proses" in history
    for raw in ("in_progress", "due_date", "tindak_lanjut", ">open<"):
        assert raw not in history, raw


def test_operators_and_viewers_may_not_manage_monev(
    client_for, finding, operator_bandung, viewer_bandung, viewer_nasional, dishub_bandung
):
    bandung = finding.pemda
    for user in (operator_bandung, viewer_bandung, viewer_nasional):
        client = client_for(user)
        assert (
            client.post(
                reverse("monitoring:monev-take", args=[bandung.pk]), {"tahun": 2025}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("monitoring:monev-schedule", args=[bandung.pk]), {"interval_days": 7}
            ).status_code
            == 403
        )
        assert (
            client.get(reverse("monitoring:monev-finding-create", args=[bandung.pk])).status_code
            == 403
        )
        assert (
            client.get(
                reverse("monitoring:monev-finding-update", args=[bandung.pk, finding.pk])
            ).status_code
            == 403
        )
    assert Snapshot.objects.count() == 0 and MonevSchedule.objects.count() == 0
    note = reverse("monitoring:monev-finding-note", args=[bandung.pk, finding.pk])
    assert client_for(viewer_bandung).post(note, {"catatan": "x"}).status_code == 403
    response = client_for(operator_bandung).post(
        note, {"catatan": "Sudah ditindaklanjuti", "status": "done"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "done"
    assert finding.events.last().actor == operator_bandung


def test_the_findings_list_filters_by_unit_and_status_and_marks_the_overdue(
    client_for, finding, tim_bandung, dishub_bandung, viewer_bandung
):
    bandung = finding.pemda
    findings.create_finding(
        actor=tim_bandung,
        pemda=bandung,
        tahun=2025,
        unit=dishub_bandung,
        temuan="Belum ada komitmen UMK",
        due_date=dt.date(2025, 8, 1),
        status=Finding.Status.IN_PROGRESS,
    )
    url = reverse("monitoring:monev-findings", args=[bandung.pk])
    client = client_for(viewer_bandung)
    with time_machine.travel(at("2025-06-01"), tick=False):
        response = client.get(url + "?tahun=2025")
        rows = response.context["rows"]
        assert [(r["finding"].temuan[:5], r["overdue"]) for r in rows] == [
            ("Reali", True),
            ("Belum", False),
        ]
        assert response.content.decode().count("badge status-failed") == 1
        only = client.get(url + f"?tahun=2025&unit={dishub_bandung.pk}").context["rows"]
        assert [r["finding"].unit for r in only] == [dishub_bandung]
        status = client.get(url + "?tahun=2025&status=open").context["rows"]
        assert [r["finding"] for r in status] == [finding]
        overdue = client.get(url + "?tahun=2025&overdue=on").context["rows"]
        assert [r["finding"] for r in overdue] == [finding]
        partial = client.get(url + "?tahun=2025", HTTP_HX_REQUEST="true")
        assert b"<html" not in partial.content and b"Belum ada komitmen UMK" in partial.content
    assert client.get(url + "?tahun=2024").context["rows"] == []


# ------------------------------------------------------------------ API and CLI


def test_the_api_gives_the_stored_figures_within_the_callers_scope(
    client_for, bandung_snapshot, kalbar, tim_bandung, tim_kalbar, viewer_nasional
):
    kalbar_snapshot = monev.take_snapshot(pemda=kalbar, tahun=2023, kind="on_demand")
    client = client_for(tim_bandung)
    listed = client.get("/api/v1/monev/snapshots?klpd=D107&tahun=2025").json()
    assert [s["id"] for s in listed["items"]] == [bandung_snapshot.pk]
    assert listed["items"][0]["kind"] == "on_demand" and listed["items"][0]["klpd"] == "D107"
    detail = client.get(f"/api/v1/monev/snapshots/{bandung_snapshot.pk}").json()
    assert detail["figures"] == Snapshot.objects.get(pk=bandung_snapshot.pk).figures
    assert client.get("/api/v1/monev/snapshots?klpd=D197").status_code == 404
    assert client.get(f"/api/v1/monev/snapshots/{kalbar_snapshot.pk}").status_code == 404
    assert (
        client_for(tim_kalbar).get(f"/api/v1/monev/snapshots/{bandung_snapshot.pk}").status_code
        == 404
    )
    national = client_for(viewer_nasional)
    assert national.get(f"/api/v1/monev/snapshots/{kalbar_snapshot.pk}").status_code == 200
    assert national.get("/api/v1/monev/snapshots?klpd=D197&tahun=2024").json()["items"] == []


def test_the_cli_takes_and_lists_snapshots_of_any_pemda(kalbar_2023_rup_and_contracts, bandung):
    out = StringIO()
    call_command("monev", "snapshot", "--klpd", "d197", "--year", "2023", "--json", stdout=out)
    data = json.loads(out.getvalue())
    stored = Snapshot.objects.get(pk=data["id"])
    assert (
        data["figures"]
        == stored.figures
        == compute(pemda=kalbar_2023_rup_and_contracts, tahun=2023, by="satker")
    )
    assert stored.kind == "on_demand" and stored.taken_by is None
    call_command("monev", "snapshot", "--klpd", "D107", "--year", "2025", stdout=StringIO())
    out = StringIO()
    call_command("monev", "list", "--klpd", "D197", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == [stored.pk]
    assert lines[0]["realisasi_pdn"] == stored.figures["realisasi_pdn"]
    with pytest.raises(CommandError, match="D999"):
        call_command("monev", "list", "--klpd", "D999")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("monev", "snapshot", "--klpd", "D197", "--year", "2023", "--as-of", "x")
