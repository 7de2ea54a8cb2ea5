"""Every change to accounts and units leaves who, when, what and before → after, atomically."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from p3dn.accounts import services
from p3dn.accounts.models import Unit
from p3dn.audit.models import LogEntry


def test_unit_changes_are_logged_with_before_and_after(tim_bandung, bandung):
    unit = services.create_unit(
        actor=tim_bandung, pemda=bandung, name="DINAS SOSIAL", kd_satker="60499"
    )
    services.update_unit(actor=tim_bandung, unit=unit, name="DINAS SOSIAL P3A")
    entries = list(
        LogEntry.objects.filter(object_type="accounts.unit", object_id=str(unit.pk)).order_by("id")
    )
    assert [e.action for e in entries] == ["accounts.unit.created", "accounts.unit.updated"]
    created, updated = entries
    assert created.changes["name"] == [None, "DINAS SOSIAL"]
    assert updated.changes == {"name": ["DINAS SOSIAL", "DINAS SOSIAL P3A"]}
    assert updated.actor == tim_bandung and updated.actor_name == "tim.bandung"
    assert updated.pemda == bandung


def test_deleting_a_unit_keeps_its_last_values_in_the_log(tim_bandung, bandung):
    unit = services.create_unit(actor=tim_bandung, pemda=bandung, name="UPT LAMA")
    pk = unit.pk
    services.delete_unit(actor=tim_bandung, unit=unit)
    entry = LogEntry.objects.get(action="accounts.unit.deleted", object_id=str(pk))
    assert entry.changes["name"] == ["UPT LAMA", None]


def test_a_failed_change_leaves_neither_the_change_nor_its_log(tim_bandung, dinkes_bandung):
    before = LogEntry.objects.count()
    with (
        mock.patch("p3dn.accounts.services.log", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.update_unit(actor=tim_bandung, unit=dinkes_bandung, name="TIDAK TERSIMPAN")
    assert Unit.objects.get(pk=dinkes_bandung.pk).name == "DINAS KESEHATAN"
    assert LogEntry.objects.count() == before


def test_role_changes_and_password_changes_are_logged_without_the_password(
    admin_pusat, viewer_bandung, dinkes_bandung
):
    services.update_user(
        actor=admin_pusat, user=viewer_bandung, role="operator", unit=dinkes_bandung
    )
    services.set_password(actor=admin_pusat, user=viewer_bandung, password="another-Good-pass-42")
    role_entry = LogEntry.objects.get(
        action="accounts.user.updated", object_id=str(viewer_bandung.pk)
    )
    assert role_entry.changes["role"] == ["viewer", "operator"]
    assert role_entry.changes["unit"] == [None, f"DINAS KESEHATAN (#{dinkes_bandung.pk})"]
    pw_entry = LogEntry.objects.get(action="accounts.user.password_changed")
    assert "another-Good-pass-42" not in str(pw_entry.changes)


def test_admin_browses_and_filters_the_audit_trail(client_for, admin_pusat, tim_bandung, bandung):
    services.create_unit(actor=tim_bandung, pemda=bandung, name="BADAN PENDAPATAN")
    client = client_for(admin_pusat)
    page = client.get(reverse("audit:list") + "?action=accounts.unit&q=PENDAPATAN")
    html = page.content.decode()
    assert page.status_code == 200
    assert "BADAN PENDAPATAN" in html
    assert "accounts.unit.created" not in html and "Perangkat daerah dibuat" in html
    page = client.get(reverse("audit:list") + "?action=accounts.user.password")
    assert "BADAN PENDAPATAN" not in page.content.decode()


def test_tim_p3dn_sees_only_its_pemdas_entries_and_operators_none(
    client_for, tim_kalbar, operator_bandung, tim_bandung, bandung
):
    services.create_unit(actor=tim_bandung, pemda=bandung, name="BADAN RAHASIA BANDUNG")
    html = client_for(tim_kalbar).get(reverse("audit:list")).content.decode()
    assert "BADAN RAHASIA BANDUNG" not in html
    assert client_for(operator_bandung).get(reverse("audit:list")).status_code == 403


def test_the_trail_reads_in_words(client_for, admin_pusat, bandung):
    """Labels instead of field names, choices by their label, yes/no, percentages and dates
    formatted; an action nobody signed in for is the system's, not a person's."""
    import datetime as dt
    from decimal import Decimal

    from p3dn.monitoring.monev.services import set_schedule
    from p3dn.monitoring.services import save_target

    save_target(
        actor=None, pemda=bandung, tahun=2025,
        values={"capaian_q1": Decimal("0.2"), "capaian_q2": Decimal("0.4"),
                "capaian_q3": Decimal("0.6"), "capaian_q4": Decimal("0.8"), "dasar": "Perbup"},
    )
    set_schedule(actor=None, pemda=bandung, interval_days=14, active=True)
    entry = LogEntry.objects.filter(action__endswith="schedule.created").get()
    due = dt.date.fromisoformat(entry.changes["next_due"][1])
    html = client_for(admin_pusat).get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="id")
    text = html.content.decode()
    for raw in ("monitoring.target.created", "capaian_q1", "next_due", ">True<", "0.20"):
        assert raw not in text, raw
    assert "20,00%" in text and "80,00%" in text and "Sistem (otomatis)" in text
    assert f"{due.day} " in text and str(due.year) in text and "Ya" in text
