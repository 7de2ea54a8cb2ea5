"""A bounded schemathesis run over the whole API, in-process (WSGI), with the bearer token of
the national administrator and of a Tim P3DN: valid and invalid requests of every operation,
first with whatever ids and codes schemathesis makes up, then with the ids and codes of real
data (so the requests reach past the 404). Zero server errors, zero status codes the schema
does not declare, zero answers that break their schema or their declared content type."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts import services
from p3dn.catalog import services as registry
from p3dn.catalog.claims.models import Finding as ClaimFinding
from p3dn.catalog.claims.services import verify_claims
from p3dn.catalog.listings import services as listings
from p3dn.catalog.substitutes import services as substitutes
from p3dn.imports import services as imports
from p3dn.matching import queries as matching_queries
from p3dn.matching import services as matching
from p3dn.monitoring.monev import services as findings
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Snapshot
from p3dn.regions.models import Region
from p3dn.rules.registry import RULES
from p3dn.tkdnik import services as tkdnik

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Requests per operation, persona and mode. The whole run sends about 700 requests: 15 s on a
# quiet 2-core machine, under a minute while other test runs share it.
EXAMPLES = 6


@pytest.fixture
def world(settings, admin_pusat, tim_kalbar, kalbar, dinkes_kalbar):
    """Kalbar with its 2023 tender contracts, an import run, a snapshot and a finding; the
    tokens of both personas and the real ids to aim at."""
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis's WSGI client sends
    settings.P3DN_IMPORTS_INLINE = True
    run = imports.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    snapshot = monev.take_snapshot(pemda=kalbar, tahun=2023, kind=Snapshot.Kind.ON_DEMAND)
    findings.create_finding(
        actor=tim_kalbar,
        pemda=kalbar,
        tahun=2023,
        unit=dinkes_kalbar,
        temuan="Realisasi PDN belum dicatat",
        tindak_lanjut="Catat realisasi",
        penanggung_jawab="Kepala Subbag Keuangan",
        due_date=dt.date(2023, 4, 30),
    )
    producer = registry.create_producer(actor=tim_kalbar, name="CV Tenun Sambas")
    product = registry.create_product(actor=tim_kalbar, producer=producer, name="Kain Tenun")
    certificate = registry.create_certificate(
        actor=tim_kalbar, product=product, tkdn=Decimal("0.45"), expiry_date=dt.date(2030, 1, 1)
    )
    listing = listings.propose_listing(actor=tim_kalbar, pemda=kalbar, producer=producer)
    kecamatan = Region.objects.filter(level="kecamatan", code__startswith="61.").first()
    candidate = tkdnik.register_candidate(actor=tim_kalbar, pemda=kalbar, kecamatan=kecamatan,
                                          producer=producer, product=product)
    verify_claims(as_of=dt.date(2026, 5, 27))  # the hand-entered certificate is a claim
    substitutes.scan(pemda=kalbar, tahun=2023, user=tim_kalbar)  # the stored finder scan
    # business matching: the RUP for the demand, an event with a need and an interest, and a
    # spare of each that the DELETE operations may take without leaving the others nothing
    rup = imports.import_now(actor=None, path=KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet")
    assert rup.status == "applied", rup.message
    kd_rup = matching_queries.demand(kalbar, 2023)[0].kd_rup
    events, needs = [], []
    for name in ("Temu Bisnis Kalbar", "Temu Bisnis cadangan"):
        events.append(matching.create_event(actor=tim_kalbar, pemda=kalbar, name=name,
                                            kind="pemda", date=dt.date(2023, 3, 1), tahun=2023))
    for name in ("Kain tenun seragam", "Kain tenun cadangan", "Kain tenun minat cadangan"):
        needs.append(matching.create_need(actor=tim_kalbar, unit=dinkes_kalbar, tahun=2023,
                                          name=name, jenis="Barang", pagu=Decimal("25000000")))
    interests = [
        matching.record_interest(actor=tim_kalbar, event=events[0], producer=producer,
                                 nilai_ketertarikan=Decimal("10000000"), need=need)
        for need in (needs[0], needs[2])
    ]
    tokens = {}
    for user in (admin_pusat, tim_kalbar):
        _token, key = services.create_api_token(actor=user, name="schemathesis")
        tokens[user.username] = {"Authorization": f"Bearer {key}"}
    real = {
        "pemda_id": kalbar.pk,
        "unit_id": dinkes_kalbar.pk,
        "run_id": run.pk,
        "snapshot_id": snapshot.pk,
        "code": kalbar.region_id,
        "klpd": kalbar.kd_klpd,
        "year": 2023,
        "producer_id": producer.pk,
        "product_id": product.pk,
        "certificate_id": certificate.pk,
        "listing_id": listing.pk,
        "candidate_id": candidate.pk,
        "kecamatan": kecamatan.code,
        "finding_id": ClaimFinding.objects.get().pk,
        "kd_rup": kd_rup,
        "event_id": events[0].pk,
        "need_id": needs[0].pk,
        "interest_id": interests[0].pk,
        # what DELETE takes
        "spare": {"event_id": events[1].pk, "need_id": needs[1].pk,
                  "interest_id": interests[1].pk},
    }
    # As Django's test client does: a request must not close the test's database connection
    # (with its open transaction) when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens, real
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(operation, mode: GenerationMode, headers: dict[str, str], **fixed: Any) -> list[int]:
    """Send one operation's cases in one mode; the statuses answered. ``fixed`` holds
    ``path_parameters`` and ``query`` values to keep; the rest is generated."""
    statuses: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except Unsatisfiable:
        # A negative case needs a value to spoil: GET /calc has none.
        assert mode == GenerationMode.NEGATIVE and not statuses, operation.label
    return statuses


def aimed(operation, real: dict[str, Any]) -> list[dict[str, Any]]:
    """The fixed parameters that point an operation at real data (several for /calc/{rule})."""
    names = {p.name for p in operation.path_parameters}
    path = {name: real[name] for name in names if name in real}
    if operation.method.upper() == "DELETE" and operation.path.startswith("/api/v1/matching/"):
        path = {name: real["spare"].get(name, value) for name, value in path.items()}
    query = {}
    query_names = {p.name for p in operation.query}
    if "klpd" in query_names:
        query["klpd"] = real["klpd"]
    if "year" in query_names:
        query["year"] = real["year"]
    if "tahun" in query_names:
        query["tahun"] = real["year"]
    if "pemda" in query_names:
        query["pemda"] = real["pemda_id"]
    if "rule" in names:  # each rule with its worked example; spoiled_payloads() goes deeper
        return [
            {"path_parameters": {"rule": name}, "body": rule.example_input}
            for name, rule in RULES.items()
        ]
    if operation.path.startswith("/api/v1/matching/") and operation.method.upper() == "POST":
        # business matching: what random bodies rarely get right (an open package or a need
        # of the event's Pemda, a unit of the user's Pemda, a known producer)
        bodies = {
            "/events": {"name": "Temu Bisnis uji", "date": "2023-05-01", "tahun": 2023},
            "/needs": {"unit": real["unit_id"], "tahun": 2023, "name": "Kursi rotan",
                       "jenis": "Barang", "pagu": "5000000"},
            "/interests": {"producer": real["producer_id"], "kd_rup": real["kd_rup"],
                           "nilai_ketertarikan": "2500000"},
        }
        for end, body in bodies.items():
            if operation.path.endswith(end):
                return [{"path_parameters": path or None, "body": body}]
    if not path and not query:
        return []
    if operation.method.upper() == "POST" and operation.path.endswith("/certificates"):
        # a certificate needs a TKDN value and a date: random bodies rarely carry both
        body = {"tkdn": "0.4512", "expiry_date": "2030-01-01"}
        return [{"path_parameters": path, "body": body}]
    if operation.method.upper() == "POST" and operation.path.endswith("/entries"):
        # a katalog lokal proposal of the real product (the producer alone is proposed)
        body = {"producer": real["producer_id"], "product": real["product_id"]}
        return [{"path_parameters": path, "body": body}]
    if operation.path.startswith("/api/v1/tkdnik/") or "/tkdnik/" in operation.path:
        # a TKDN-IK candidate taken through its steps in the schema's order (one success each)
        bodies = {
            "/candidates": {"kecamatan": real["kecamatan"], "producer": real["producer_id"],
                            "product_name": "Kain Songket"},
            "/assessment": {"regulation": "permenperin46_2022", "material": "0.24",
                            "tenaga_kerja": "0.1", "overhead": "0.04", "pengembangan": "0.02"},
            "/submission": {"override_reason": "Diuji"},
            "/decision": {"rejection_cause": "lainnya", "rejection_note": "Tanpa NIB"},
        }
        for end, body in bodies.items():
            if operation.method.upper() == "POST" and operation.path.endswith(end):
                return [{"path_parameters": path, "body": body}]
    if operation.path.endswith("/decision"):  # a reason: random bodies rarely carry one
        return [{"path_parameters": path, "body": {"decision": "reject", "reason": "Tanpa NIB"}}]
    return [{"path_parameters": path or None, "query": query or None}]


def test_the_whole_api_holds_against_schemathesis(world):
    tokens, real = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    methods = sum(len(path) for path in schema.raw_schema["paths"].values())
    assert len(operations) == methods
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    for persona, headers in tokens.items():
        for operation in operations:
            public = not operation.definition.raw.get("security")
            if public and persona != "admin.pusat":
                continue  # without a login, one persona is enough
            for fixed in [{}, *aimed(operation, real)]:
                for mode in MODES:
                    try:
                        statuses = fuzz(operation, mode, headers, **fixed)
                    except (Exception, FailureGroup) as exc:  # every failure, not the first
                        failures.append(f"{persona} {mode} {operation.label} {fixed}: {exc}")
                    else:
                        answered.setdefault(operation.label, set()).update(statuses)
    assert failures == [], "\n\n".join(f[:3000] for f in failures)
    # aimed at real data, every operation got past its 404 at least once
    succeeded = {label for label, codes in answered.items() if codes & {200, 201, 202, 204}}
    assert succeeded == {operation.label for operation in operations}, answered


# ------------------------------------------------------------------ calculators, field by field

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["1e308", "-1", "0.5", "abc", "", "1" * 40])
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a payload: the payload itself, each member, each list item, recursively."""
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _replaced(payload: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = list(payload) if isinstance(payload, list) else dict(payload)
    copy[head] = _replaced(payload[head], rest, value)
    return copy


@st.composite
def spoiled_payloads(draw) -> tuple[str, Any]:
    """A rule's worked example with one place (a field, an item, the whole) replaced by any JSON."""
    rule = draw(st.sampled_from(sorted(RULES)))
    example_input = RULES[rule].example_input
    path = draw(st.sampled_from(_paths(example_input)))
    return rule, _replaced(example_input, path, draw(JSON))


@pytest.mark.django_db
@given(spoiled=spoiled_payloads())
@example(spoiled=("hea", {**RULES["hea"].example_input, "hps": 1e308}))
@example(spoiled=("capaian", {**RULES["capaian"].example_input, "realisasi_pdn": 10**30}))
@settings(max_examples=200, deadline=None, database=None, derandomize=True)
def test_a_calculator_answers_any_value_in_any_field_with_a_result_or_a_422(spoiled):
    rule, payload = spoiled
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/api/v1/calc/{rule}", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code in (200, 422), (rule, payload, response.content[:500])
    body = response.json()
    if response.status_code == 422:  # the rule's problems, or not a JSON object at all
        assert body["error"] == "invalid input" and (body.get("errors") or body["fields"]), body
    else:
        assert body["legal_basis"], body
