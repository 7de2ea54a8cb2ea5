"""The TKDN-IK pipeline (docs/tkdnik.md): the pre-check rule, each dated and audited step of a
candidate, its automatic closing by a certificate of a later Kemenperin import (the real export
file), the targets imported from the template against the certificates obtained, the share of
pre-checked candidates later rejected, onboarding and the certificates ending within 60 days;
every page, API endpoint and export with users of two Pemda."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from test_catalog_registry import EXPORT, raw_export, run_file

from conftest import BANDUNG_2025_DIR
from p3dn import cli
from p3dn.accounts.models import Pemda
from p3dn.audit.models import LogEntry
from p3dn.catalog import services as registry
from p3dn.catalog.listings import services as listings
from p3dn.catalog.models import Certificate
from p3dn.core.worker import sync_registry_safely
from p3dn.imports import services as imports
from p3dn.procurement.models import TokoDaringOrder
from p3dn.regions.models import Region
from p3dn.rules import tkdn_ik as rules
from p3dn.tkdnik import queries, services
from p3dn.tkdnik.models import Candidate

BANDUNG_TOKO_DARING = BANDUNG_2025_DIR / "Bela-TokoDaringRealisasi.json"

pytestmark = pytest.mark.django_db

R46 = "permenperin46_2022"
D = dt.date


# ------------------------------------------------------------------ helpers


def _producer(actor, name="CV Tenun Sambas", region="32.04", **values):
    defaults = {"nib": "8120001112223", "nib_status": "aktif", "npwp": "012345678901000",
                "kbli": "13121", "modal_usaha": Decimal("800000000")}
    return registry.create_producer(actor=actor, name=name,
                                    region=Region.objects.get(code=region),
                                    **{**defaults, **values})


def _kecamatan(pemda: Pemda, index: int = 0) -> Region:
    return Region.objects.filter(level=Region.Level.KECAMATAN,
                                 code__startswith=pemda.region_id + ".").order_by("code")[index]


def _candidate(actor, pemda, producer, *, kecamatan=None, on=D(2025, 1, 6), **values):
    defaults = {"product_name": "Kain Tenun Ikat", "product_kbli": "13121",
                "raw_material_evidence": True}
    return services.register_candidate(
        actor=actor, pemda=pemda, kecamatan=kecamatan or _kecamatan(pemda), producer=producer,
        registered_on=on, **{**defaults, **values})


def _submitted(actor, candidate, on=D(2025, 1, 20)):
    services.record_self_assessment(
        actor=actor, candidate=candidate, regulation=R46, material=Decimal("0.20"),
        tenaga_kerja=Decimal("0.08"), overhead=Decimal("0.03"), pengembangan=Decimal("0.01"),
        assessed_on=on - dt.timedelta(days=5))
    return services.submit_candidate(actor=actor, candidate=candidate, submitted_on=on)


def _certified(actor, candidate, on):
    product = candidate.product or registry.create_product(
        actor=actor, producer=candidate.producer, name=candidate.product_name,
        kbli=candidate.product_kbli)
    cert = registry.create_certificate(actor=actor, product=product, kind="tkdn_ik",
                                       tkdn=Decimal("0.32"), issue_date=on)
    return services.record_certificate(actor=actor, candidate=candidate, certificate=cert,
                                       decided_on=on)


# ------------------------------------------------------------------ the pre-check rule


def test_the_precheck_finds_each_of_the_four_causes_with_its_legal_basis():
    good = {"modal_usaha": Decimal("800000000"), "hasil_penjualan": None,
            "ukuran_tercatat": "", "kbli_nib": "13121 10792", "kbli_produk": "13121",
            "bukti_bahan_baku": True, "produk_kesehatan": False, "nie": ""}
    result = rules.precheck(**good)
    assert result.lolos and result.findings == ()

    def causes(**changes):
        found = rules.precheck(**{**good, **changes}).findings
        return {(f.cause, f.status) for f in found}

    assert causes(modal_usaha=Decimal("5000000001")) == {("ukuran_usaha", "gagal")}
    assert causes(modal_usaha=Decimal("5000000000")) == set()  # at most Rp5 miliar
    # sales alone: Rp16 miliar is a medium enterprise under PP 7/2021
    assert causes(modal_usaha=None, hasil_penjualan=Decimal("16000000000")) == {
        ("ukuran_usaha", "gagal")}
    assert causes(modal_usaha=None, ukuran_tercatat="menengah") == {("ukuran_usaha", "gagal")}
    assert causes(modal_usaha=None, ukuran_tercatat="kecil") == set()
    assert causes(modal_usaha=None) == {("ukuran_usaha", "tidak_diketahui")}
    assert causes(kbli_produk="10799") == {("kbli", "gagal")}
    assert causes(kbli_nib="") == {("kbli", "tidak_diketahui")}
    assert causes(bukti_bahan_baku=False) == {("bahan_baku", "gagal")}
    assert causes(bukti_bahan_baku=None) == {("bahan_baku", "tidak_diketahui")}
    assert causes(produk_kesehatan=True) == {("nie", "gagal")}
    assert causes(produk_kesehatan=True, nie="KEMENKES RI AKD 20901234567") == set()
    every = rules.precheck(**{**good, "modal_usaha": Decimal("6000000000"),
                              "kbli_produk": "10799", "bukti_bahan_baku": False,
                              "produk_kesehatan": True})
    assert [f.cause for f in every.findings] == list(rules.CAUSES)
    assert every.ada_gagal and not every.lolos
    assert all(f.legal_basis == rules.LEGAL_BASIS[f.cause] for f in every.findings)
    assert "PP 7/2021 Pasal 35" in rules.LEGAL_BASIS["ukuran_usaha"]
    assert "NIE" in rules.LEGAL_BASIS["nie"]


# ------------------------------------------------------------------ the steps


def test_a_candidate_goes_through_each_step_dated_and_audited(bandung, tim_bandung):
    producer = _producer(tim_bandung)
    candidate = _candidate(tim_bandung, bandung, producer)
    with pytest.raises(ValidationError):  # a certificate before the submission
        services.record_rejection(actor=tim_bandung, candidate=candidate, cause="kbli")
    with pytest.raises(ValidationError):  # a date in the future
        services.run_precheck(actor=tim_bandung, candidate=candidate,
                              checked_on=timezone.localdate() + dt.timedelta(days=1))
    scores = {"material": Decimal("0.30"), "tenaga_kerja": Decimal("0.08"),
              "overhead": Decimal("0.03"), "pengembangan": Decimal("0.01")}
    services.record_self_assessment(actor=tim_bandung, candidate=candidate, regulation=R46,
                                    assessed_on=D(2025, 1, 10), **scores)
    candidate.refresh_from_db()
    expected = min(scores["material"], Decimal("0.24")) + Decimal("0.08") + Decimal("0.03") \
        + Decimal("0.01")  # C11: material capped at 24%
    assert (candidate.status, candidate.tkdn_ik, candidate.certifiable) == (
        "assessed", expected, True)
    assert candidate.assessed_on == D(2025, 1, 10)
    assert any("dibatasi" in line for line in candidate.assessment["explanation"])
    services.run_precheck(actor=tim_bandung, candidate=candidate, checked_on=D(2025, 1, 12))
    services.submit_candidate(actor=tim_bandung, candidate=candidate, submitted_on=D(2025, 1, 15))
    services.record_rejection(actor=tim_bandung, candidate=candidate, cause="bahan_baku",
                              note="Faktur benang dari luar negeri", decided_on=D(2025, 2, 3))
    candidate.refresh_from_db()
    assert (candidate.status, candidate.precheck_passed, candidate.prechecked_on,
            candidate.submitted_on, candidate.decided_on, candidate.rejection_cause) == (
        "rejected", True, D(2025, 1, 15), D(2025, 1, 15), D(2025, 2, 3), "bahan_baku")
    trail = LogEntry.objects.filter(object_type="tkdnik.candidate",
                                    object_id=str(candidate.pk)).order_by("id")
    assert [e.action.rsplit(".", 1)[1] for e in trail] == [
        "registered", "assessed", "prechecked", "submitted", "rejected"]
    assert all(e.actor == tim_bandung and e.pemda == bandung for e in trail)
    assert trail.last().changes["rejection_cause"] == ["", "bahan_baku"]
    with pytest.raises(ValidationError):  # decided: no step any more
        services.run_precheck(actor=tim_bandung, candidate=candidate)


def test_a_below_minimum_self_assessment_cannot_be_submitted(bandung, tim_bandung):
    candidate = _candidate(tim_bandung, bandung, _producer(tim_bandung))
    services.record_self_assessment(
        actor=tim_bandung, candidate=candidate, regulation=R46, material=Decimal("0.10"),
        tenaga_kerja=Decimal("0.05"), overhead=Decimal("0.02"), pengembangan=Decimal("0.01"))
    candidate.refresh_from_db()
    assert candidate.tkdn_ik == Decimal("0.18") and candidate.certifiable is False
    with pytest.raises(ValidationError):
        services.submit_candidate(actor=tim_bandung, candidate=candidate)


def test_a_rejection_cause_blocks_the_submission_unless_a_reason_is_given(bandung, tim_bandung):
    producer = _producer(tim_bandung, modal_usaha=Decimal("7500000000"))
    assert producer.size == "menengah"  # PP 7/2021 through the registry's own rule
    candidate = _candidate(tim_bandung, bandung, producer, product_kbli="21022",
                           health_product=True)
    services.run_precheck(actor=tim_bandung, candidate=candidate)
    candidate.refresh_from_db()
    assert [f["cause"] for f in candidate.findings] == ["ukuran_usaha", "kbli", "nie"]
    assert candidate.precheck_passed is False
    services.record_self_assessment(
        actor=tim_bandung, candidate=candidate, regulation=R46, material=Decimal("0.24"),
        tenaga_kerja=Decimal("0.10"), overhead=Decimal("0.04"), pengembangan=Decimal("0.02"))
    candidate.refresh_from_db()
    assert candidate.certifiable is False  # modal > Rp5 miliar: C11 says not a small industry
    services.update_evidence(actor=tim_bandung, candidate=candidate, product_kbli="13121",
                             health_product=False, nie="", raw_material_evidence=True)
    with pytest.raises(ValidationError):
        services.submit_candidate(actor=tim_bandung, candidate=candidate)


def test_the_producer_declares_what_the_registry_lacks(bandung, tim_bandung, client_for):
    # a producer known without its business capital, sales or NIB KBLI (as most imported ones)
    producer = _producer(tim_bandung, name="CV Anyaman Rotan", modal_usaha=None, kbli="")
    candidate = _candidate(tim_bandung, bandung, producer)
    missing = services.precheck_of(candidate)
    assert {f.cause: f.status for f in missing.findings} == {
        "ukuran_usaha": "tidak_diketahui", "kbli": "tidak_diketahui"}
    # declared on the candidate's page: the pre-check reads it and says where it came from
    client = client_for(tim_bandung)
    answer = client.post(f"/tkdn-ik/kandidat/{candidate.pk}/evidence/", {
        "evidence-product_kbli": "13121", "evidence-raw_material_evidence": "ya",
        "evidence-modal_usaha": "800.000.000", "evidence-hasil_penjualan": "1.500.000.000",
        "evidence-nib_kbli": "13121, 13122"})
    assert answer.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.modal_usaha, candidate.hasil_penjualan, candidate.nib_kbli) == (
        Decimal("800000000"), Decimal("1500000000"), "13121 13122")
    data = services.business_data(candidate)
    assert data.declared == ("modal_usaha", "hasil_penjualan", "nib_kbli")
    assert services.precheck_of(candidate).findings == ()
    page = client.get(f"/tkdn-ik/kandidat/{candidate.pk}/").content.decode()
    assert "Rp 800.000.000" in page and "dinyatakan produsen" in page
    # a declared capital above Rp5 miliar is not a small industry (PP 7/2021), through the API
    answer = client.post(f"/api/v1/tkdnik/candidates/{candidate.pk}/evidence", {
        "product_kbli": "13121", "raw_material_evidence": True, "modal_usaha": "7500000000",
        "nib_kbli": "13121"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["modal_usaha"] == "7500000000.00"
    candidate.refresh_from_db()
    assert [f.cause for f in services.precheck_of(candidate).findings
            if f.status == "gagal"] == ["ukuran_usaha"]
    assert client.post(f"/api/v1/tkdnik/candidates/{candidate.pk}/evidence",
                       {"nib_kbli": "1312"}, content_type="application/json"
                       ).status_code == 422
    # the registry's own figure, once known, is the one read
    registry.update_producer(actor=tim_bandung, producer=producer,
                             modal_usaha=Decimal("900000000"))
    candidate.refresh_from_db()
    assert services.business_data(candidate).modal_usaha == Decimal("900000000")
    trail = LogEntry.objects.filter(object_type="tkdnik.candidate", object_id=str(candidate.pk),
                                    action="tkdnik.candidate.evidence")
    assert trail.count() == 2
    assert trail.order_by("id").last().changes["modal_usaha"][1] == "7500000000.00"


def test_an_override_reason_submits_despite_findings(bandung, tim_bandung):
    candidate = _candidate(tim_bandung, bandung, _producer(tim_bandung), health_product=True)
    services.record_self_assessment(
        actor=tim_bandung, candidate=candidate, regulation=R46, material=Decimal("0.24"),
        tenaga_kerja=Decimal("0.10"), overhead=Decimal("0.04"), pengembangan=Decimal("0.02"))
    with pytest.raises(ValidationError) as refused:
        services.submit_candidate(actor=tim_bandung, candidate=candidate)
    assert "override_reason" in refused.value.message_dict
    services.submit_candidate(actor=tim_bandung, candidate=candidate,
                              override_reason="NIE sedang diproses Kemenkes")
    candidate.refresh_from_db()
    assert candidate.status == "submitted" and candidate.override_reason.startswith("NIE")
    assert [f["cause"] for f in candidate.findings] == ["nie"]


def test_only_the_own_tim_p3dn_registers_and_records(bandung, tim_bandung, tim_kalbar,
                                                     viewer_bandung, operator_bandung):
    producer = _producer(tim_bandung)
    for user in (tim_kalbar, viewer_bandung, operator_bandung):
        with pytest.raises(PermissionDenied):
            _candidate(user, bandung, producer)
    with pytest.raises(ValidationError):  # a kecamatan of another Pemda
        _candidate(tim_bandung, bandung, producer,
                   kecamatan=Region.objects.filter(level="kecamatan",
                                                   code__startswith="61.").first())


# ------------------------------------------------------------------ closing from the registry


def test_a_certificate_in_a_later_kemenperin_import_closes_the_candidate(bandung, tim_bandung):
    raw = raw_export()
    companies = Counter(r["Nama Perusahaan"] for r in raw)
    row = next(r for r in raw if companies[r["Nama Perusahaan"]] == 1
               and r["Nilai TKDN (%)"] != "999.99")
    producer = _producer(tim_bandung, name=row["Nama Perusahaan"], nib="", npwp="")
    waiting = _candidate(tim_bandung, bandung, producer, product_name=row["Produk"],
                         specification=row["Spesifikasi"], brand=row["Merk"], tipe=row["Tipe"])
    _submitted(tim_bandung, waiting)
    other = _candidate(tim_bandung, bandung, producer, product_name="Produk lain tanpa sertifikat")

    run_file(EXPORT)
    sync_registry_safely(verify=True)  # what the worker does after an applied import

    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == "certified" and waiting.closed_by_import
    cert = waiting.certificate
    assert cert.product.producer_id == producer.pk
    assert cert.expiry_date == dt.date.fromisoformat(row["Tanggal Kadaluarsa Sertifikat"])
    assert cert.tkdn == Decimal(row["Nilai TKDN (%)"]) / 100
    assert waiting.decided_on == timezone.localdate()  # the export carries no issue date
    assert other.status == "registered" and other.certificate is None
    entry = LogEntry.objects.get(object_type="tkdnik.candidate", object_id=str(waiting.pk),
                                 action="tkdnik.candidate.certified_by_import")
    assert entry.actor is None and entry.changes["status"] == ["submitted", "certified"]

    # a candidate registered after the certificate came in is not closed by that old one
    late = _candidate(tim_bandung, bandung, producer, product_name=row["Produk"],
                      specification=row["Spesifikasi"], brand=row["Merk"], tipe=row["Tipe"],
                      on=timezone.localdate())
    out = io.StringIO()
    call_command("tkdnik", "match-certificates", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"closed": []}
    late.refresh_from_db()
    assert late.status == "registered"


def test_the_registry_sync_command_runs_the_matching_after_it():
    assert ["tkdnik", "match-certificates", "--quiet"] in cli.management_commands(
        "catalog", ["sync"])
    assert cli.management_commands("tkdnik", ["match-certificates"]) == [
        ["tkdnik", "match-certificates"]]


# ------------------------------------------------------------------ targets and progress


def _download(client, kind: str):
    response = client.get(reverse("imports:template", args=[kind]) + "?tahun=2025")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_targets_from_the_template_against_the_certificates_per_kecamatan_pemda_and_province(
        client_for, bandung, kalbar, tim_bandung, tim_kalbar, admin_pusat, viewer_nasional,
        tmp_path):
    kec_a, kec_b, kec_c = (_kecamatan(bandung, i) for i in range(3))
    book = _download(client_for(tim_bandung), "target-tkdn-ik")
    sheet = book["Data"]
    sheet.delete_rows(2, sheet.max_row)  # the example row
    targets = [(kec_a.code, 1, 2, 4), (kec_a.code, 2, 2, 4), (kec_b.code, 1, 1, 2)]
    for code, quarter, ikm, produk in targets:
        sheet.append([2025, "D107", code, quarter, ikm, produk])
    path = tmp_path / "target.xlsx"
    book.save(path)
    run = imports.import_now(actor=tim_bandung, path=path)
    assert run.status == "applied", run.message

    one, two = _producer(tim_bandung), _producer(tim_bandung, name="CV Anyaman Ciparay",
                                                 nib="8120001112224", npwp="012345678901001")
    certified = [  # (kecamatan, producer, decided on)
        (kec_a, one, D(2025, 2, 10)), (kec_a, one, D(2025, 3, 31)), (kec_a, two, D(2025, 3, 5)),
        (kec_a, two, D(2025, 4, 1)), (kec_c, two, D(2025, 1, 30)),
    ]
    for i, (kec, producer, day) in enumerate(certified):
        c = _candidate(tim_bandung, bandung, producer, kecamatan=kec,
                       product_name=f"Produk {i}", on=D(2025, 1, 2))
        _certified(tim_bandung, _submitted(tim_bandung, c, on=D(2025, 1, 20)), day)

    def quarter(day):
        return (day.month - 1) // 3 + 1

    progress = queries.target_progress(bandung, 2025)
    got = {(r.kecamatan, r.triwulan): (r.target_produk, r.produk, r.ikm, r.share_produk)
           for r in progress.rows}
    expected = {}
    for code, q, _ikm, produk in targets:
        done = [c for c in certified if c[0].code == code and quarter(c[2]) == q]
        expected[(code, q)] = (produk, len(done), len({c[1].pk for c in done}),
                               (Decimal(len(done)) / produk).quantize(Decimal("0.0001")))
    expected[(kec_c.code, 1)] = (0, 1, 1, None)  # certified where no target was set
    assert got == expected
    assert (progress.target_produk, progress.produk, progress.ikm) == (
        sum(t[3] for t in targets), len(certified), 2)
    assert progress.quarters[1].produk == sum(1 for c in certified if quarter(c[2]) == 1)

    # a kabupaten of Kalbar: the province's users read its progress, never Bandung's
    kab = Pemda.objects.filter(region__parent_id="61").order_by("region_id").first()
    producer = _producer(admin_pusat, name="CV Rotan Kapuas", region=kab.region_id,
                         nib="6120001112223", npwp="612345678901000")
    c = _candidate(admin_pusat, kab, producer, on=D(2025, 1, 2))
    _certified(admin_pusat, _submitted(admin_pusat, c), D(2025, 5, 2))
    tim = client_for(tim_kalbar)
    page = tim.get(reverse("tkdnik:index"), {"tahun": 2025})
    assert page.status_code == 200 and kab.name in page.content.decode()
    assert bandung.name not in page.content.decode()
    assert tim.get(reverse("tkdnik:progress", args=[kab.pk]), {"tahun": 2025}).status_code == 200
    assert tim.get(reverse("tkdnik:progress", args=[bandung.pk])).status_code == 404
    assert tim.get(reverse("tkdnik:pemda", args=[kab.pk])).status_code == 404
    api = tim.get("/api/v1/tkdnik/progress", {"tahun": 2025}).json()
    assert [(p["province"], [x["pemda"] for x in p["pemdas"]]) for p in api] == [
        ("61", [kab.pk])]
    assert api[0]["produk"] == 1 and api[0]["share_produk"] is None
    assert tim.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/progress").status_code == 404

    national = client_for(viewer_nasional).get("/api/v1/tkdnik/progress",
                                               {"tahun": 2025}).json()
    by_province = {p["province"]: p for p in national}
    assert set(by_province) == {"32", "61"}
    assert by_province["32"]["produk"] == len(certified)
    assert by_province["32"]["target_produk"] == sum(t[3] for t in targets)
    bandung_page = client_for(tim_bandung).get(reverse("tkdnik:pemda", args=[bandung.pk]),
                                               {"tahun": 2025})
    assert bandung_page.status_code == 200
    assert kec_a.name in bandung_page.content.decode()
    mine = client_for(tim_bandung).get(f"/api/v1/tkdnik/pemda/{bandung.pk}/progress",
                                       {"tahun": 2025}).json()
    assert (mine["target_produk"], mine["produk"]) == (sum(t[3] for t in targets),
                                                      len(certified))
    assert client_for(tim_bandung).get(reverse("tkdnik:pemda", args=[bandung.pk]),
                                       {"tahun": "dua"}).status_code == 400
    assert client_for(tim_bandung).get("/api/v1/tkdnik/progress",
                                       {"tahun": "1999"}).status_code in (400, 422)


def test_the_share_of_prechecked_candidates_later_rejected(client_for, bandung, tim_bandung):
    producer = _producer(tim_bandung)
    outcomes = ["rejected", "rejected", "certified", "open", None]
    for i, outcome in enumerate(outcomes):
        c = _candidate(tim_bandung, bandung, producer, product_name=f"Produk {i}")
        if outcome is None:
            continue  # never pre-checked
        c = _submitted(tim_bandung, c)
        if outcome == "rejected":
            services.record_rejection(actor=tim_bandung, candidate=c, cause="kbli",
                                      decided_on=D(2025, 2, 1))
        elif outcome == "certified":
            _certified(tim_bandung, c, D(2025, 2, 1))
    outcome = queries.precheck_outcome(Candidate.objects.filter(pemda=bandung))
    decided = sum(1 for o in outcomes if o in ("rejected", "certified"))
    rejected = outcomes.count("rejected")
    assert (outcome.prechecked, outcome.decided, outcome.rejected) == (
        sum(1 for o in outcomes if o), decided, rejected)
    assert outcome.share == (Decimal(rejected) / decided).quantize(Decimal("0.0001"))
    assert outcome.by_cause["kbli"] == rejected
    page = client_for(tim_bandung).get(reverse("tkdnik:pemda", args=[bandung.pk]))
    assert "66,67%" in page.content.decode()
    assert f"Produk di luar KBLI pada NIB {rejected}" in page.content.decode()
    api = client_for(tim_bandung).get(f"/api/v1/tkdnik/pemda/{bandung.pk}/precheck-outcome")
    assert api.json()["rejected"] == rejected and Decimal(api.json()["share"]) == outcome.share


def test_no_decision_yet_shows_no_share(bandung, tim_bandung, client_for):
    _submitted(tim_bandung, _candidate(tim_bandung, bandung, _producer(tim_bandung)))
    outcome = queries.precheck_outcome(Candidate.objects.filter(pemda=bandung))
    assert outcome.prechecked == 1 and outcome.share is None
    page = client_for(tim_bandung).get(reverse("tkdnik:pemda", args=[bandung.pk]))
    assert page.context["outcome"].share is None
    assert "belum ada keputusan" in page.content.decode()


# ------------------------------------------------------------------ onboarding and reminders


def test_onboarding_lists_each_producer_with_its_katalog_lokal_status(
        client_for, bandung, tim_bandung, tim_kalbar, viewer_nasional):
    listed = _producer(tim_bandung, size="kecil", modal_usaha=None)
    tracked = _producer(tim_bandung, name="CV Batik Soreang", region="32.73", nib="8120001112225",
                        npwp="012345678901002")
    listing = listings.propose_listing(actor=tim_bandung, pemda=bandung, producer=listed)
    listings.decide_listing(actor=tim_bandung, listing=listing, decision="approve", reason="",
                            override_reason="", producer=None)
    _candidate(tim_bandung, bandung, tracked)
    rows = {r.producer.pk: r for r in queries.onboarding_rows(
        bandung, list(queries.onboarding_producers(bandung)))}
    assert set(rows) == {listed.pk, tracked.pk}  # in the area; a candidate from elsewhere
    assert (rows[listed.pk].listing_status, rows[tracked.pk].listing_status) == ("approved", "")
    assert (rows[listed.pk].candidates, rows[tracked.pk].candidates) == (0, 1)
    progress = queries.onboarding_progress(bandung)
    assert (progress.umk_producers, progress.umk_target) == (1, 1000)
    tim = client_for(tim_bandung)
    page = tim.get(reverse("tkdnik:onboarding", args=[bandung.pk]))
    assert page.status_code == 200 and "CV Batik Soreang" in page.content.decode()
    api = tim.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/producers").json()
    assert {p["name"]: p["katalog_lokal"] for p in api["items"]} == {
        "CV Tenun Sambas": "approved", "CV Batik Soreang": ""}
    assert tim.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/onboarding").json()["umk_producers"] == 1
    other = client_for(tim_kalbar)
    assert other.get(reverse("tkdnik:onboarding", args=[bandung.pk])).status_code == 404
    assert other.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/producers").status_code == 404
    assert client_for(viewer_nasional).get(
        f"/api/v1/tkdnik/pemda/{bandung.pk}/producers").json()["count"] == 2


def test_toko_daring_orders_count_for_the_merchant_of_the_same_identity(
        bandung_2025_sample_rup_and_realization, tim_bandung, tmp_path):
    bandung = bandung_2025_sample_rup_and_realization
    producer = _producer(tim_bandung, name="PT Sinar Tenun Bandung", nib="", npwp="")
    current = TokoDaringOrder.objects.filter(pemda=bandung, valid_to__isnull=True)
    # the real file: its order lines name no merchant, so no one's status can be told
    assert current.exists() and not current.exclude(merchant_name="").exists()
    assert queries.toko_daring_counts(bandung, [producer]) is None
    assert queries.onboarding_rows(bandung, [producer])[0].toko_daring_orders is None

    # the same file again with the merchant written as a person types it
    rows = json.loads(BANDUNG_TOKO_DARING.read_text(encoding="utf-8"))
    sold = [{**r, "merchant_name": "Sinar Tenun Bandung, PT"} for r in rows[:1]]
    path = tmp_path / BANDUNG_TOKO_DARING.name
    path.write_text(json.dumps(sold + rows[1:]), encoding="utf-8")
    # the line's identity includes what it says: the old line is replaced (closed)
    run = imports.import_now(actor=None, path=path, closing="confirmed")
    assert run.status == "applied", run.message
    expected = sum(1 for r in sold if r["kd_klpd"] == bandung.kd_klpd)
    assert queries.toko_daring_counts(bandung, [producer]) == {producer.pk: expected}
    assert expected == 1


def test_certificates_ending_within_60_days_for_the_tim_and_monev(
        client_for, bandung, kalbar, tim_bandung, tim_kalbar):
    today = timezone.localdate()
    mine = _producer(tim_bandung)
    theirs = _producer(tim_kalbar, name="CV Rotan Sambas", region="61.01", nib="6120001112223",
                       npwp="612345678901000")
    ends = {"soon": 30, "edge": 60, "later": 61, "gone": -1}
    certs = {}
    for label, days in ends.items():
        product = registry.create_product(actor=tim_bandung, producer=mine, name=f"Kain {label}")
        certs[label] = registry.create_certificate(
            actor=tim_bandung, product=product, tkdn=Decimal("0.3"),
            expiry_date=today + dt.timedelta(days=days))
    product = registry.create_product(actor=tim_kalbar, producer=theirs, name="Kursi Rotan")
    registry.create_certificate(actor=tim_kalbar, product=product, tkdn=Decimal("0.3"),
                                expiry_date=today + dt.timedelta(days=10))
    expected = [certs[k].pk for k, d in sorted(ends.items(), key=lambda kv: kv[1])
                if 0 <= d <= 60]
    found = queries.expiring_certificates(bandung, as_of=today)
    assert [e.certificate.pk for e in found] == expected
    assert [e.days_left for e in found] == [30, 60]
    assert Certificate.objects.count() == 5
    api = client_for(tim_bandung).get(f"/api/v1/tkdnik/pemda/{bandung.pk}/expiring").json()
    assert [e["certificate"] for e in api] == expected
    page = client_for(tim_bandung).get(reverse("tkdnik:pemda", args=[bandung.pk]))
    assert "Kain soon" in page.content.decode() and "Kain later" not in page.content.decode()
    assert client_for(tim_kalbar).get(
        f"/api/v1/tkdnik/pemda/{bandung.pk}/expiring").status_code == 404
    # Monev reminds the Tim P3DN of them too, and only of its own Pemda's producers
    monev = client_for(tim_bandung).get(reverse("monitoring:monev", args=[bandung.pk]))
    assert [e.certificate.pk for e in monev.context["expiring"]] == expected
    text = monev.content.decode()
    assert "Kain soon" in text and "Kain later" not in text and "Kursi Rotan" not in text
    other = client_for(tim_kalbar).get(reverse("monitoring:monev", args=[kalbar.pk]))
    assert not {e.certificate.pk for e in other.context["expiring"]} & set(expected)
    assert "Kain soon" not in other.content.decode()


# ------------------------------------------------------------------ pages, API and export


def test_pages_api_and_export_with_users_of_two_pemda(
        client_for, bandung, kalbar, tim_bandung, tim_kalbar, viewer_bandung, viewer_nasional):
    producer = _producer(tim_bandung)
    kec = _kecamatan(bandung)
    tim = client_for(tim_bandung)
    created = tim.post(f"/api/v1/tkdnik/pemda/{bandung.pk}/candidates", {
        "kecamatan": kec.code, "producer": producer.pk, "product_name": "=SUM(A1) Kain",
        "product_kbli": "13121", "raw_material_evidence": True, "registered_on": "2025-01-06",
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assessed = tim.post(f"/api/v1/tkdnik/candidates/{cid}/assessment", {
        "regulation": R46, "material": "0.2", "tenaga_kerja": "0.08", "overhead": "0.03",
        "pengembangan": "0.01", "assessed_on": "2025-01-10"}, content_type="application/json")
    assert assessed.status_code == 200 and Decimal(assessed.json()["tkdn_ik"]) == Decimal("0.32")
    assert tim.post(f"/api/v1/tkdnik/candidates/{cid}/assessment", {
        "regulation": R46, "material": "2", "tenaga_kerja": "0", "overhead": "0",
        "pengembangan": "0"}, content_type="application/json").status_code == 422
    submitted = tim.post(f"/api/v1/tkdnik/candidates/{cid}/submission", {
        "submitted_on": "2025-01-15"}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["precheck_passed"] is True
    assert tim.post(f"/api/v1/tkdnik/candidates/{cid}/decision", {},
                    content_type="application/json").status_code == 422

    other = client_for(tim_kalbar)
    for url in (reverse("tkdnik:pemda", args=[bandung.pk]),
                reverse("tkdnik:progress", args=[bandung.pk]),
                reverse("tkdnik:register", args=[bandung.pk]),
                reverse("tkdnik:onboarding", args=[bandung.pk]),
                reverse("tkdnik:export", args=[bandung.pk]),
                reverse("tkdnik:candidate", args=[cid]),
                f"/api/v1/tkdnik/pemda/{bandung.pk}/progress",
                f"/api/v1/tkdnik/pemda/{bandung.pk}/candidates",
                f"/api/v1/tkdnik/pemda/{bandung.pk}/precheck-outcome",
                f"/api/v1/tkdnik/pemda/{bandung.pk}/onboarding",
                f"/api/v1/tkdnik/pemda/{bandung.pk}/producers",
                f"/api/v1/tkdnik/pemda/{bandung.pk}/expiring",
                f"/api/v1/tkdnik/candidates/{cid}"):
        assert other.get(url).status_code == 404, url
    bodies = {"assessment": {"regulation": R46, "material": "0.2", "tenaga_kerja": "0.1",
                             "overhead": "0.04", "pengembangan": "0.02"},
              "precheck": {}, "submission": {}, "decision": {"rejection_cause": "kbli"}}
    for step, body in bodies.items():
        answer = other.post(f"/api/v1/tkdnik/candidates/{cid}/{step}", body,
                            content_type="application/json")
        assert answer.status_code == 404, step
    assert other.get(f"/api/v1/tkdnik/candidates/{cid}").status_code == 404
    assert other.get(reverse("tkdnik:candidate", args=[cid])).status_code == 404
    assert other.post(reverse("tkdnik:step", args=[cid, "precheck"])).status_code == 404
    assert other.get(reverse("tkdnik:pemda", args=[bandung.pk])).status_code == 404
    assert other.get(reverse("tkdnik:export", args=[bandung.pk])).status_code == 404
    assert other.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/candidates").status_code == 404
    assert other.post(f"/api/v1/tkdnik/pemda/{bandung.pk}/candidates", {
        "kecamatan": kec.code, "producer": producer.pk, "product_name": "X"},
        content_type="application/json").status_code == 404
    viewer = client_for(viewer_bandung)
    assert viewer.get(reverse("tkdnik:candidate", args=[cid])).status_code == 200
    assert viewer.post(f"/api/v1/tkdnik/candidates/{cid}/decision", {
        "rejection_cause": "kbli"}, content_type="application/json").status_code == 403
    assert viewer.post(reverse("tkdnik:step", args=[cid, "reject"]),
                       {"reject-cause": "kbli"}).status_code == 403
    assert viewer.get(reverse("tkdnik:register", args=[bandung.pk])).status_code == 403
    national = client_for(viewer_nasional)
    assert national.get(f"/api/v1/tkdnik/pemda/{bandung.pk}/candidates").json()["count"] == 1
    assert national.get(reverse("tkdnik:pemda", args=[bandung.pk])).status_code == 200
    assert national.get(reverse("tkdnik:index")).status_code == 200

    # the page steps: a self-assessment typed in percent, a rejection with its cause
    tim = client_for(tim_bandung)
    typed = tim.post(reverse("tkdnik:step", args=[cid, "assess"]), {
        "assess-regulation": R46, "assess-material": "20", "assess-tenaga_kerja": "7,5",
        "assess-overhead": "3", "assess-pengembangan": "1,5"})
    assert typed.status_code == 400  # submitted already: the assessment is closed
    second = _candidate(tim_bandung, bandung, producer)
    typed = tim.post(reverse("tkdnik:step", args=[second.pk, "assess"]), {
        "assess-regulation": R46, "assess-material": "20", "assess-tenaga_kerja": "7,5",
        "assess-overhead": "3", "assess-pengembangan": "1,5"})
    assert typed.status_code == 302
    second.refresh_from_db()
    assert (second.score_material, second.score_labour, second.tkdn_ik) == (
        Decimal("0.2"), Decimal("0.075"), Decimal("0.32"))
    assert tim.post(reverse("tkdnik:step", args=[second.pk, "assess"]), {
        "assess-regulation": R46, "assess-material": "120", "assess-tenaga_kerja": "0",
        "assess-overhead": "0", "assess-pengembangan": "0"}).status_code == 400
    assert tim.get(reverse("tkdnik:index")).url == reverse("tkdnik:pemda", args=[bandung.pk])
    page = tim.get(reverse("tkdnik:candidate", args=[cid]))
    assert page.status_code == 200 and "=SUM(A1) Kain" in page.content.decode()
    bad = tim.post(reverse("tkdnik:step", args=[cid, "reject"]), {"reject-cause": "lainnya"})
    assert bad.status_code == 400
    done = tim.post(reverse("tkdnik:step", args=[cid, "reject"]), {
        "reject-cause": "nie", "reject-decided_on": "2025-02-01"})
    assert done.status_code == 302
    assert Candidate.objects.get(pk=cid).rejection_cause == "nie"
    assert tim.post(reverse("tkdnik:step", args=[cid, "nothing"])).status_code == 404

    form = tim.post(reverse("tkdnik:register", args=[bandung.pk]), {
        "kecamatan": kec.code, "producer": producer.pk, "product_name": "Sarung Tenun",
        "product_kbli": "13121", "raw_material_evidence": "ya"})
    assert form.status_code == 302
    assert tim.post(reverse("tkdnik:register", args=[bandung.pk]), {
        "kecamatan": "61.01.01", "producer": producer.pk,
        "product_name": "X"}).status_code == 400

    export = tim.get(reverse("tkdnik:export", args=[bandung.pk]))
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    assert "'=SUM(A1) Kain" in cells and "=SUM(A1) Kain" not in cells
    assert any(c == "Sarung Tenun" for c in cells)
