"""Business matching on the real Kalbar 2023 files (issue 13): the demand (announced packages
nothing realized yet, plus needs), events and their guests, interests and commitments, the
conversion into what followed, the event report, and who may see and change what (users of two
Pemda on every page, API and export). Expected figures are computed from the raw files here."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import KALBAR_2023_DIR, PENCATATAN, TENDER_RESULTS
from p3dn.accounts import services as accounts
from p3dn.audit.models import LogEntry
from p3dn.catalog import identity
from p3dn.catalog.models import Producer
from p3dn.imports import services as imports
from p3dn.matching import queries, services
from p3dn.matching.models import Event, Interest, Need

pytestmark = pytest.mark.django_db

CANCELLED = "Paket Dibatalkan"


def _raw_packages() -> dict[int, dict]:
    rows = pq.read_table(KALBAR_2023_DIR / "RUP-PaketPenyedia-Terumumkan.parquet").to_pylist()
    return {int(r["kd_rup"]): r for r in rows}


def _raw_json(name: str) -> list[dict]:
    return json.loads((KALBAR_2023_DIR / name).read_text(encoding="utf-8"))


def _codes(text: object) -> set[int]:
    return {int(p) for p in str(text or "").split(";") if p.strip().isdigit()}


def _raw_realized() -> set[int]:
    realized: set[int] = set()
    for row in _raw_json("SPSE-TenderSelesaiNilai.json"):
        realized |= _codes(row["kd_rup_paket"])
    for name in ("SPSE-PencatatanNonTender.json", "SPSE-PencatatanSwakelola.json"):
        for row in _raw_json(name):
            status = row.get("status_nontender_pct_ket") or row.get("status_swakelola_pct_ket")
            if status != CANCELLED:
                realized |= _codes(row["kd_rup"])
    return realized


def _raw_open(keep=lambda row: True) -> dict[int, Decimal]:
    realized = _raw_realized()
    return {
        code: Decimal(str(row["pagu"])) for code, row in _raw_packages().items()
        if row["status_umumkan_rup"] == "Terumumkan" and row["status_aktif_rup"]
        and not row["status_delete_rup"] and not row["status_dikecualikan"]
        and row["metode_pengadaan"] != "Dikecualikan" and code not in realized and keep(row)
    }


def _producer(name: str, npwp: str = "") -> Producer:
    parsed = identity.parse_name(name)
    return Producer.objects.create(name=name, name_key=parsed.key, legal_form=parsed.legal_form,
                                   npwp=identity.npwp_digits(npwp))


# ------------------------------------------------------------------ demand


def test_demand_is_the_announced_packages_no_fact_realized(
        kalbar_2023_all_packages_and_realization):
    pemda = kalbar_2023_all_packages_and_realization
    expected = _raw_open()
    lines = queries.demand(pemda, 2023)
    assert {line.kd_rup for line in lines} == set(expected)
    assert sum(line.pagu for line in lines) == sum(expected.values())
    assert [line.pagu for line in lines] == sorted((line.pagu for line in lines), reverse=True)
    # the filters narrow exactly as the raw rows say
    low, high, start = Decimal("10000000"), Decimal("100000000"), dt.date(2023, 6, 1)

    def keep(row: dict) -> bool:
        day = row["tgl_awal_pemilihan"]
        day = day.date() if isinstance(day, dt.datetime) else day
        return ("Barang" in row["jenis_pengadaan"].split(";")
                and low <= Decimal(str(row["pagu"])) <= high
                and day is not None and day >= start)

    narrowed = queries.demand(pemda, 2023, queries.DemandFilters(
        jenis="Barang", pagu_min=low, pagu_max=high, selection_from=start))
    assert {line.kd_rup for line in narrowed} == set(_raw_open(keep)) != set()


def test_a_need_joins_the_demand_and_an_operator_declares_only_its_units(
        operator_kalbar, tim_kalbar, tim_bandung, client_for, kalbar_2023_rup_and_contracts):
    pemda = kalbar_2023_rup_and_contracts
    own = operator_kalbar.unit
    other = accounts.create_unit(actor=None, pemda=pemda, name="DINAS PENDIDIKAN",
                                 kd_satker="99901", kd_satker_str="1.01.0.00.0.00.01.0000")
    client = client_for(operator_kalbar)
    url = reverse("matching:need-create", args=[pemda.pk])
    form = client.get(url).context["form"]
    assert form["unit"].value() == own.pk  # the operator's own unit, already chosen
    # an amount as people write it: thousands with dots
    data = {"unit": own.pk, "tahun": 2023, "name": "Masker kain produksi UMK", "jenis": "Barang",
            "pagu": "12.500.000", "kbki": "2923000000", "planned_date": "2023-08-01"}
    assert client.post(url, {**data, "pagu": "0"}).status_code == 200
    assert client.post(url, {**data, "pagu": "dua juta"}).status_code == 200
    assert client.post(url, data).status_code == 302
    need = Need.objects.get()
    assert (need.unit, need.pagu, need.created_by) == (own, Decimal("12500000"), operator_kalbar)
    assert LogEntry.objects.filter(action="matching.need.created", object_id=str(need.pk)).exists()
    # another unit is not offered to an operator, and the API refuses it
    assert client.post(url, {**data, "unit": other.pk}).status_code == 200
    assert Need.objects.count() == 1
    answer = client.post("/api/v1/matching/needs", {**data, "unit": other.pk, "pagu": "5"},
                         content_type="application/json")
    assert answer.status_code == 403
    lines = [line for line in queries.demand(pemda, 2023) if line.kind == "need"]
    assert [(line.need_id, line.pagu, line.codes.kbki) for line in lines] == [
        (need.pk, Decimal("12500000"), "2923000000")]
    # the Tim P3DN edits it; another Pemda's Tim does not see it
    assert client_for(tim_kalbar).get(reverse("matching:need-edit", args=[need.pk])).status_code \
        == 200
    bandung = client_for(tim_bandung)
    assert bandung.get(reverse("matching:need-suggestions", args=[need.pk])).status_code == 404
    assert bandung.get(f"/api/v1/matching/needs/{need.pk}/suggestions").status_code == 404
    assert bandung.get(reverse("matching:demand", args=[pemda.pk])).status_code == 404


def test_demand_parameters_are_validated(kalbar_2023_rup_and_contracts, tim_kalbar, client_for):
    pemda = kalbar_2023_rup_and_contracts
    client = client_for(tim_kalbar)
    url = reverse("matching:demand", args=[pemda.pk])
    assert client.get(url, {"tahun": "20x3"}).status_code == 400
    assert client.get(url, {"pagu_min": "9", "pagu_max": "1"}).status_code == 400
    assert client.get(url, {"jenis": "Sayur"}).status_code == 400
    page = client.get(url, {"tahun": 2023, "jenis": "Barang"})
    assert page.status_code == 200
    api = f"/api/v1/matching/pemda/{pemda.pk}/demand"
    assert client.get(api).status_code == 422  # tahun is required
    assert client.get(api, {"tahun": 2023, "jenis": "Sayur"}).status_code == 422
    assert client.get(api, {"tahun": 2023, "pagu_min": 9, "pagu_max": 1}).status_code == 422
    answer = client.get(api, {"tahun": 2023, "jenis": "Barang"}).json()
    assert answer["count"] == len(answer["lines"]) == page.context["count"]


# ------------------------------------------------------------------ events and roles


def test_the_tim_p3dn_manages_its_events_and_no_one_else_changes_them(
        tim_kalbar, operator_kalbar, tim_bandung, viewer_nasional, admin_pusat, client_for,
        kalbar_2023_rup_and_contracts):
    pemda = kalbar_2023_rup_and_contracts
    client = client_for(tim_kalbar)
    form = {"name": "Temu Bisnis P3DN Kalbar", "kind": "pemda", "date": "2023-03-14",
            "tahun": 2023, "place": "Pontianak", "organizer": "Biro Ekonomi"}
    assert client.post(reverse("matching:event-create"), form).status_code == 302
    event = Event.objects.get()
    assert (event.pemda, event.created_by, event.place) == (pemda, tim_kalbar, "Pontianak")
    unit = operator_kalbar.unit
    producer = _producer("CV Tenun Sambas")
    guests = reverse("matching:event-guests", args=[event.pk])
    # a producer is found by typing part of its name, then invited
    options = client.get(reverse("catalog:lookup", args=["produsen"]),
                         {"add_producer_cari": "tenun samb"}).content.decode()
    assert f'value="{producer.pk}"' in options and "CV Tenun Sambas" in options
    answer = client.post(guests, {"units": [unit.pk], "add_producer": producer.pk})
    assert answer.status_code == 302
    assert list(event.units.all()) == [unit] and list(event.producers.all()) == [producer]
    assert LogEntry.objects.filter(object_type="matching.event").count() == 2
    page = client.get(guests).content.decode()
    assert f'value="{producer.pk}"' in page and "checked" in page and "CV Tenun Sambas" in page
    # an unknown producer number is refused; clearing a box takes the producer off the list
    assert client.post(guests, {"units": [unit.pk], "producers": [producer.pk],
                                "add_producer": 2**62}).status_code == 200
    assert client.post(guests, {"units": [unit.pk]}).status_code == 302
    assert not event.producers.exists()
    assert client.post(guests, {"units": [unit.pk], "add_producer": producer.pk}
                       ).status_code == 302
    pages = [reverse("matching:event-detail", args=[event.pk]),
             reverse("matching:event-export", args=[event.pk]),
             reverse("matching:event-pdf", args=[event.pk]),
             f"/api/v1/matching/events/{event.pk}", f"/api/v1/matching/events/{event.pk}/report"]
    # the other Pemda's Tim P3DN: nothing exists
    other = client_for(tim_bandung)
    for url in pages:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("matching:event-edit", args=[event.pk]), form).status_code == 404
    assert other.get("/api/v1/matching/events").json()["items"] == []
    # the operator and the national viewer read, never write
    for user in (operator_kalbar, viewer_nasional):
        reader = client_for(user)
        for url in pages:
            assert reader.get(url).status_code == 200, (user, url)
        assert reader.post(reader_url := reverse("matching:event-edit", args=[event.pk]),
                           form).status_code == 403, reader_url
        assert reader.patch(f"/api/v1/matching/events/{event.pk}", {"place": "X"},
                            content_type="application/json").status_code == 403
        assert reader.get(reverse("matching:event-create")).status_code == 404
    # the national admin creates an event for a Pemda through the API
    created = client_for(admin_pusat).post(
        "/api/v1/matching/events", {**form, "pemda": pemda.pk, "kind": "nasional_3"},
        content_type="application/json")
    assert created.status_code == 201 and created.json()["kind_label"]
    event.refresh_from_db()
    assert event.place == "Pontianak"


# ------------------------------------------------------------------ interests and conversion


def _latest_contracts() -> dict[int, dict]:
    latest: dict[int, dict] = {}
    for row in _raw_json("SPSE-TenderEkontrak-Kontrak.json"):
        code = int(row["kd_tender"])
        if code not in latest or int(row["versi_addendum"] or 0) > int(
                latest[code]["versi_addendum"] or 0):
            latest[code] = row
    return latest


def test_interests_are_followed_to_the_tender_results_and_pencatatan_that_came_after(
        kalbar_2023_rup_and_contracts, tim_kalbar, tim_bandung, client_for):
    pemda = kalbar_2023_rup_and_contracts
    open_now = {line.kd_rup for line in queries.demand(pemda, 2023)}
    contracts = _latest_contracts()
    # a package a tender later settled on one provider, with its e-contract
    result = next(r for r in _raw_json("SPSE-TenderSelesaiNilai.json")
                  if len(_codes(r["kd_rup_paket"])) == 1 and r["nama_penyedia"]
                  and int(r["kd_tender"]) in contracts and _codes(r["kd_rup_paket"]) <= open_now)
    tender_code = next(iter(_codes(result["kd_rup_paket"])))
    contract_value = Decimal(str(contracts[int(result["kd_tender"])]["nilai_kontrak"]))
    # a package a pencatatan later recorded (it names no provider)
    recorded = next(r for r in _raw_json("SPSE-PencatatanNonTender.json")
                    if r["status_nontender_pct_ket"] != CANCELLED
                    and len(_codes(r["kd_rup"])) == 1 and _codes(r["kd_rup"]) <= open_now
                    and not _codes(r["kd_rup"]) & _codes(result["kd_rup_paket"]))
    recorded_code = next(iter(_codes(recorded["kd_rup"])))

    event = services.create_event(actor=tim_kalbar, pemda=pemda, name="Temu Bisnis",
                                  kind="pemda", date=dt.date(2023, 2, 1), tahun=2023)
    winner = _producer(result["nama_penyedia"])  # same company, its name as the registry has it
    loser = _producer("CV Bukan Pemenang")
    client = client_for(tim_kalbar)
    url = reverse("matching:interest-create", args=[event.pk])
    for producer, code, value in ((winner, tender_code, "150.000.000"),
                                  (loser, tender_code, "50000000"),
                                  (loser, recorded_code, "20000000")):
        answer = client.post(url, {"producer": producer.pk, "kd_rup": code,
                                   "nilai_ketertarikan": value})
        assert answer.status_code == 302
    assert Interest.objects.count() == 3
    # a commitment, then the same interest twice is refused
    interest = Interest.objects.get(producer=winner)
    assert client.post(reverse("matching:interest-edit", args=[interest.pk]), {
        "nilai_ketertarikan": "150000000", "nilai_komitmen": "120000000",
        "committed_on": "2023-02-01"}).status_code == 302
    assert LogEntry.objects.filter(action="matching.interest.committed").count() == 1
    client.post(url, {"producer": winner.pk, "kd_rup": tender_code,
                      "nilai_ketertarikan": "1"})
    assert Interest.objects.count() == 3
    # another Pemda's Tim P3DN cannot record one
    assert client_for(tim_bandung).post(url, {"producer": winner.pk, "kd_rup": tender_code,
                                              "nilai_ketertarikan": "1"}).status_code == 404

    before = {link.interest.pk: link.status for link in queries.conversion(Interest.objects.all())}
    assert set(before.values()) == {queries.LinkStatus.OPEN}
    # Monev lists the interests nothing followed yet, for the follow-up
    monev = reverse("monitoring:monev", args=[pemda.pk])
    page = client_for(tim_kalbar).get(monev, {"tahun": 2023})
    assert len(page.context["unmatched"]) == 3 and "Belum terealisasi" in page.content.decode()
    for name in TENDER_RESULTS + PENCATATAN:
        assert imports.import_now(actor=None, path=KALBAR_2023_DIR / name).status == "applied"

    links = {(link.interest.producer_id, link.interest.kd_rup): link
             for link in queries.conversion(Interest.objects.all())}
    won = links[(winner.pk, tender_code)]
    assert won.status == queries.LinkStatus.CONVERTED
    assert won.converted_value == contract_value
    assert links[(loser.pk, tender_code)].status == queries.LinkStatus.OTHER_PROVIDER
    assert links[(loser.pk, recorded_code)].status == queries.LinkStatus.PROVIDER_UNKNOWN
    # the packages left the demand
    assert not {tender_code, recorded_code} & {line.kd_rup
                                               for line in queries.demand(pemda, 2023)}

    report = queries.report(Interest.objects.all())
    assert report.total.interests == 3 and report.total.converted == 1
    assert report.total.ketertarikan == Decimal("220000000")
    assert report.total.komitmen == Decimal("120000000")
    assert report.total.converted_value == contract_value
    assert report.total.conversion_rate == Decimal(1) / Decimal(3)
    assert {t.label: t.converted for t in report.by_producer} == {winner.name: 1, loser.name: 0}
    assert len(report.unmatched) == 2
    page = client_for(tim_kalbar).get(monev, {"tahun": 2023})
    assert {link.interest.pk for link, _status in page.context["unmatched"]} == {
        link.interest.pk for link in report.unmatched}
    # the Dasbor shows the year's events, interest and conversion
    dasbor = client_for(tim_kalbar).get(reverse("monitoring:dashboard", args=[pemda.pk]),
                                        {"tahun": 2023})
    card = dasbor.context["matching"]
    assert card["events"] == 1 and card["total"].converted_value == contract_value
    assert card["total"].ketertarikan == Decimal("220000000")
    assert 'id="temu-bisnis"' in dasbor.content.decode()

    client = client_for(tim_kalbar)  # the test client was signed in as tim_bandung above
    api = client.get(f"/api/v1/matching/events/{event.pk}/report").json()
    assert Decimal(api["total"]["converted_value"]) == contract_value
    assert {i["status"] for i in api["interests"]} == {"converted", "other_provider",
                                                       "provider_unknown"}
    book = load_workbook(io.BytesIO(client.get(
        reverse("matching:event-export", args=[event.pk])).content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    cells = [c for row in rows for c in row]
    assert contract_value in cells and winner.name in cells
    assert Decimal("220000000") in cells
    # the guest list: every invited unit and producer, with what it takes to reach them
    unit = Interest.objects.filter(event=event).exclude(unit=None).first().unit
    Producer.objects.filter(pk=winner.pk).update(email="penjualan@contoh.co.id",
                                                 nib="9120001112223")
    services.set_guests(actor=tim_kalbar, event=event, units=[unit], producers=[winner, loser])
    book = load_workbook(io.BytesIO(client.get(
        reverse("matching:event-export", args=[event.pk])).content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    invited = {winner.name, loser.name, unit.name}
    guests = {row[1]: row for row in rows if len(row) >= 7 and row[1] in invited
              and row[0] != row[1]}
    assert set(guests) == invited
    assert guests[winner.name][2:5:2] == ["9120001112223", "penjualan@contoh.co.id"]
    pdf = client.get(reverse("matching:event-pdf", args=[event.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client_for(tim_bandung).get(reverse("matching:event-pdf", args=[event.pk])
                                       ).status_code == 404


def test_an_interest_needs_an_open_package_of_the_events_pemda(
        kalbar_2023_rup_and_contracts, bandung, tim_kalbar):
    pemda = kalbar_2023_rup_and_contracts
    event = services.create_event(actor=tim_kalbar, pemda=pemda, name="Temu", kind="pemda",
                                  date=dt.date(2023, 2, 1), tahun=2023)
    producer = _producer("CV Contoh")
    with pytest.raises(ValidationError):
        services.record_interest(actor=tim_kalbar, event=event, producer=producer,
                                 nilai_ketertarikan=Decimal("1"), kd_rup=1)
    with pytest.raises(ValidationError):
        services.record_interest(actor=tim_kalbar, event=event, producer=producer,
                                 nilai_ketertarikan=Decimal("0"),
                                 kd_rup=queries.demand(pemda, 2023)[0].kd_rup)
    assert Interest.objects.count() == 0
    assert queries.report(Interest.objects.all()).total.conversion_rate is None


def test_signed_in_users_find_business_matching_in_the_menu_and_visitors_must_sign_in(
        client, client_for, operator_bandung):
    assert 'href="/temu-bisnis/"' not in client.get("/").content.decode()
    assert client.get(reverse("matching:events")).status_code == 302
    assert client.get("/api/v1/matching/events").status_code == 401
    page = client_for(operator_bandung).get("/").content.decode()
    assert 'href="/temu-bisnis/"' in page
    answer = client_for(operator_bandung).get(reverse("matching:events"))
    assert answer.status_code == 200 and answer.context["can_create"] is False


def test_the_api_records_needs_interests_and_commitments_with_typed_answers(
        operator_kalbar, tim_kalbar, client_for, kalbar_2023_rup_and_contracts):
    pemda = kalbar_2023_rup_and_contracts
    operator = client_for(operator_kalbar)
    need = operator.post("/api/v1/matching/needs", {
        "unit": operator_kalbar.unit_id, "tahun": 2023, "name": "Kain tenun", "jenis": "Barang",
        "pagu": "7500000", "kbli": "13121"}, content_type="application/json")
    assert need.status_code == 201 and need.json()["kbli"] == "13121"
    bad = operator.post("/api/v1/matching/needs", {
        "unit": operator_kalbar.unit_id, "tahun": 2023, "name": "x", "jenis": "Barang",
        "pagu": "0"}, content_type="application/json")
    assert bad.status_code == 422
    assert operator.post("/api/v1/matching/events", {
        "name": "x", "date": "2023-01-01", "tahun": 2023}, content_type="application/json"
    ).status_code == 403
    tim = client_for(tim_kalbar)
    assert tim.post("/api/v1/matching/events", {
        "pemda": pemda.pk, "name": "x", "date": "2023-01-01", "tahun": 2023},
        content_type="application/json").status_code == 422  # only the admin names a Pemda
    event = tim.post("/api/v1/matching/events", {
        "name": "Temu Bisnis IKM", "kind": "nasional_2", "date": "2023-05-01", "tahun": 2023},
        content_type="application/json").json()
    producer = _producer("CV Tenun Sambas Jaya")
    package = queries.demand(pemda, 2023)[0]
    created = tim.post(f"/api/v1/matching/events/{event['id']}/interests", {
        "producer": producer.pk, "kd_rup": package.kd_rup, "nilai_ketertarikan": "2500000"},
        content_type="application/json")
    assert created.status_code == 201
    assert created.json()["unit"] == package.unit_id
    on_need = tim.post(f"/api/v1/matching/events/{event['id']}/interests", {
        "producer": producer.pk, "need": need.json()["id"], "nilai_ketertarikan": "1000000"},
        content_type="application/json")
    assert on_need.status_code == 201
    both = tim.post(f"/api/v1/matching/events/{event['id']}/interests", {
        "producer": producer.pk, "need": need.json()["id"], "kd_rup": package.kd_rup,
        "nilai_ketertarikan": "1"}, content_type="application/json")
    assert both.status_code == 422
    interest = created.json()["id"]
    no_day = tim.patch(f"/api/v1/matching/interests/{interest}", {"nilai_komitmen": "2000000"},
                       content_type="application/json")
    assert no_day.status_code == 422
    committed = tim.patch(f"/api/v1/matching/interests/{interest}", {
        "nilai_komitmen": "2000000", "committed_on": "2023-05-01"},
        content_type="application/json")
    assert committed.status_code == 200 and Decimal(committed.json()["nilai_komitmen"]) == 2000000
    assert client_for(operator_kalbar).patch(
        f"/api/v1/matching/interests/{interest}", {"nilai_komitmen": "1"},
        content_type="application/json").status_code == 403
    report = client_for(tim_kalbar).get("/api/v1/matching/report", {"tahun": 2023}).json()
    assert report["total"]["interests"] == 2
    assert Decimal(report["total"]["komitmen"]) == Decimal("2000000")
    assert {i["status"] for i in report["interests"]} == {"open", "no_code"}
    # a need with interest stays; an interest goes, audited
    assert tim.delete(f"/api/v1/matching/needs/{need.json()['id']}").status_code == 422
    assert tim.delete(f"/api/v1/matching/interests/{interest}").status_code == 204
    assert LogEntry.objects.filter(action="matching.interest.deleted").count() == 1


def test_a_non_tender_contract_of_the_same_unit_and_provider_is_shown_never_counted(
        tim_kalbar, kalbar_2023_rup_and_contracts):
    from p3dn.procurement.models import Contract

    pemda = kalbar_2023_rup_and_contracts
    latest: dict[int, dict] = {}
    for row in _raw_json("SPSE-NonTenderEkontrak-Kontrak.json"):
        code = int(row["kd_nontender"])
        if code not in latest or int(row["versi_addendum"] or 0) > int(
                latest[code]["versi_addendum"] or 0):
            latest[code] = row
    open_lines = queries.demand(pemda, 2023)
    units_with_demand = {line.unit_id for line in open_lines if line.unit_id}
    row = next(r for code, r in sorted(latest.items()) if r["nama_penyedia"]
               and Contract.objects.filter(channel="non_tender", kd_paket=code,
                                           unit_id__in=units_with_demand).exists())
    contract = Contract.objects.filter(channel="non_tender", kd_paket=row["kd_nontender"]).first()
    day = dt.date.fromisoformat(row["tgl_kontrak"][:10])
    line = next(line for line in open_lines if line.unit_id == contract.unit_id)
    provider = _producer(row["nama_penyedia"])
    other = _producer("CV Bukan Penyedia Ini")
    before = services.create_event(actor=tim_kalbar, pemda=pemda, name="Sebelum", kind="pemda",
                                   date=day - dt.timedelta(days=30), tahun=2023)
    after = services.create_event(actor=tim_kalbar, pemda=pemda, name="Sesudah", kind="pemda",
                                  date=day + dt.timedelta(days=1), tahun=2023)
    for event, producer in ((before, provider), (before, other), (after, provider)):
        services.record_interest(actor=tim_kalbar, event=event, producer=producer,
                                 kd_rup=line.kd_rup, nilai_ketertarikan=Decimal("1000000"))
    links = {(link.interest.event_id, link.interest.producer_id): link
             for link in queries.conversion(Interest.objects.all())}
    hit = links[(before.pk, provider.pk)]
    assert hit.status == queries.LinkStatus.OPEN and hit.converted_value == 0
    same = identity.identity_key(row["nama_penyedia"])
    expected = {
        (str(code), Decimal(str(r["nilai_kontrak"]))) for code, r in latest.items()
        if str(r["kd_satker"]) == str(row["kd_satker"])
        and identity.identity_key(r["nama_penyedia"] or "") == same
        and dt.date.fromisoformat(r["tgl_kontrak"][:10]) >= before.date
    }
    assert (str(row["kd_nontender"]), Decimal(str(row["nilai_kontrak"]))) in expected
    assert {(f.reference, f.nilai) for f in hit.possible} == expected
    assert links[(before.pk, other.pk)].possible == ()
    assert links[(after.pk, provider.pk)].possible == ()  # signed before that event
    assert queries.report(Interest.objects.all()).total.converted_value == 0
