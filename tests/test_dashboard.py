"""The Dasbor shows the indicators of the user's Pemda, and only of it."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.imports import services
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.queries import light


def test_the_dashboard_shows_the_computed_numbers(client_for, tim_kalbar, kalbar):
    for name in ("RUP-PaketPenyedia-Terumumkan.parquet", "SPSE-TenderEkontrak-Kontrak.json"):
        services.import_now(actor=None, path=KALBAR / name)
    client = client_for(tim_kalbar)
    response = client.get(reverse("monitoring:home"), follow=True)
    html = response.content.decode()
    expected = compute(pemda=kalbar, tahun=2023)
    assert response.context["indicators"] == expected
    assert "Dasbor — Prov. Kalimantan Barat" in html
    assert "Rp 244.248.601.706" in html  # realized through tender, to the rupiah


def test_another_pemdas_dashboard_is_not_found(client_for, tim_bandung, kalbar):
    response = client_for(tim_bandung).get(reverse("monitoring:dashboard", args=[kalbar.pk]))
    assert response.status_code == 404


def test_a_pemda_without_data_is_told_how_to_get_it(client_for, tim_bandung):
    html = client_for(tim_bandung).get(reverse("monitoring:home"), follow=True).content.decode()
    assert "Impor Data" in html


def test_traffic_lights_follow_the_target_and_a_ten_point_band():
    target = Decimal("0.80")
    assert [light(v, target) for v in ("0.800000", "0.700000", "0.699999", None)] == [
        "green",
        "amber",
        "red",
        "none",
    ]
    # more realized than committed is no achievement: the data is incomplete
    assert light("1.000000", target) == "green" and light("1.000001", target) == "incomplete"


def test_the_national_ranking_orders_pemda_and_names_the_award_winners(
    client_for, viewer_nasional, kalbar
):
    for name in ("RUP-PaketPenyedia-Terumumkan.parquet", "SPSE-TenderEkontrak-Kontrak.json"):
        services.import_now(actor=None, path=KALBAR / name)
    response = client_for(viewer_nasional).get(reverse("monitoring:ranking") + "?tahun=2023")
    context = response.context
    assert [r["pemda"] for r in context["by_capaian"]] == [kalbar]
    assert context["awards"][0]["level"] == "provinsi"
    assert context["awards"][0]["pdn"]["pemda"] == kalbar
    assert len(context["without_data"]) == 551
    assert "Prov. Kalimantan Barat" in response.content.decode()


def test_dashboard_tables_export_the_same_numbers(client_for, tim_kalbar, kalbar):
    import csv
    import io

    from openpyxl import load_workbook

    services.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    client = client_for(tim_kalbar)
    url = reverse("monitoring:export", args=[kalbar.pk, "csv"]) + "?tahun=2023"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    expected = compute(pemda=kalbar, tahun=2023, by="satker")["rows"]
    assert len(rows) == len(expected) + 1
    assert sum(Decimal(r[6]) for r in rows[1:]) == sum(
        Decimal(r["realisasi_total"]) for r in expected
    )
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("monitoring:export", args=[kalbar.pk, "xlsx"]) + "?tahun=2023"
            ).content
        )
    )
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert compute(pemda=kalbar, tahun=2023)["realisasi_total"] in values


def test_another_pemdas_export_is_not_found(client_for, tim_bandung, kalbar):
    url = reverse("monitoring:export", args=[kalbar.pk, "csv"]) + "?tahun=2023"
    assert client_for(tim_bandung).get(url).status_code == 404


def test_a_national_user_finds_the_way_from_the_menu_to_a_pemdas_dasbor(
    client_for, viewer_nasional, kalbar, bandung
):
    """The Dasbor menu opens the ranking on the newest year with data (not an empty current
    year), a Pemda is found there by name or code, and every Pemda links to its Dasbor."""
    import json

    # the RUP with the contracts: complete data (contracts alone would be "data belum lengkap")
    for name in ("RUP-PaketPenyedia-Terumumkan.parquet", "SPSE-TenderEkontrak-Kontrak.json"):
        services.import_now(actor=None, path=KALBAR / name)
    raw = json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text(encoding="utf-8"))
    rows = raw if isinstance(raw, list) else next(v for v in raw.values() if isinstance(v, list))
    newest = max(int(r["tahun_anggaran"]) for r in rows)
    client = client_for(viewer_nasional)
    response = client.get(reverse("monitoring:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("monitoring:ranking")
    assert response.context["tahun"] == newest
    assert [r["pemda"] for r in response.context["by_capaian"]] == [kalbar]
    dasbor = reverse("monitoring:dashboard", args=[kalbar.pk])
    assert dasbor in response.content.decode()

    for q in ("kalimantan barat", "D197", kalbar.region_id):
        found = client.get(reverse("monitoring:ranking"), {"q": q}).context
        assert [r["pemda"] for r in found["by_capaian"]] == [kalbar], q
    found = client.get(reverse("monitoring:ranking"), {"q": "Bandung"}).context
    assert found["by_capaian"] == [] and bandung in found["without_data"]
    assert (
        reverse("monitoring:dashboard", args=[bandung.pk])
        in client.get(reverse("accounts:pemda-detail", args=[bandung.pk])).content.decode()
    )


def test_units_without_data_can_be_hidden_and_repeated_names_carry_their_code(
    client_for, tim_kalbar, kalbar
):
    from p3dn.accounts.models import Unit
    from p3dn.monitoring.queries import has_data, name_units

    services.import_now(actor=None, path=KALBAR / "RUP-StrukturAnggaranPD.json")
    services.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    client = client_for(tim_kalbar)
    url = reverse("monitoring:dashboard", args=[kalbar.pk]) + "?tahun=2023"
    every = client.get(url).context["units"]
    with_data = [u for u in every if has_data(u)]
    assert 0 < len(with_data) < len(every)
    shown = client.get(url + "&kosong=sembunyikan")
    assert [u["kd_satker"] for u in shown.context["units"]] == [u["kd_satker"] for u in with_data]
    assert shown.context["hidden_units"] == len(every) - len(with_data)
    assert "kosong=sembunyikan" in shown.content.decode()  # the sort links keep the switch

    twins = [
        {"nama_satker": "DINAS A", "kd_satker": "1"},
        {"nama_satker": "DINAS A", "kd_satker": "2"},
        {"nama_satker": "DINAS B", "kd_satker": "3"},
    ]
    name_units(twins)
    assert [t["nama_tampil"] for t in twins] == ["DINAS A (1)", "DINAS A (2)", "DINAS B"]
    assert Unit.objects.filter(pemda=kalbar).exists()
