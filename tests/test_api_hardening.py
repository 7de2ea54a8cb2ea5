"""The API for machines: a bearer token writes without a CSRF token while a browser session
still needs one, every error answer has the one documented shape, and parameters out of their
documented range are a 422, never a server error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import BANDUNG_2025_DIR as BANDUNG
from p3dn.accounts import services
from p3dn.accounts.models import Unit
from p3dn.api import api
from p3dn.rules.registry import RULES


def bearer(user) -> dict[str, str]:
    _token, key = services.create_api_token(actor=user, name="mesin")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def is_error(response, status: int) -> dict:
    """The answer has ``status`` and the one error shape: ``error`` and nothing undocumented."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    assert set(body) <= {"error", "fields", "errors"}, body
    return body


@pytest.fixture
def machine():
    """A client as a script is: no cookies, CSRF enforced as for any real request."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def test_a_bearer_token_writes_without_a_csrf_token(machine, tim_bandung, bandung, settings):
    settings.P3DN_IMPORTS_INLINE = True
    auth = bearer(tim_bandung)
    created = machine.post(
        f"/api/v1/pemda/{bandung.pk}/units",
        {"name": "DINAS PERTANIAN", "kd_satker": "60499"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    unit = Unit.objects.get(pk=created.json()["id"])
    assert (unit.name, unit.pemda) == ("DINAS PERTANIAN", bandung)
    patched = machine.patch(
        f"/api/v1/units/{unit.pk}",
        {"name": "DINAS PERTANIAN DAN PANGAN"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200, patched.content
    unit.refresh_from_db()
    assert unit.name == "DINAS PERTANIAN DAN PANGAN"
    rule = RULES["hea"]
    calc = machine.post(
        "/api/v1/calc/hea", rule.example_input, content_type="application/json", **auth
    )
    assert calc.status_code == 200 and calc.json()["legal_basis"]
    with (BANDUNG / "rup-paket-penyedia-terumumkan.sample.json").open("rb") as upload:
        imported = machine.post("/api/v1/imports", {"file": upload}, **auth)
    assert imported.status_code == 201, imported.content
    assert imported.json()["status"] == "applied"


def test_a_session_still_needs_its_csrf_token_to_write(machine, tim_bandung, bandung):
    machine.force_login(tim_bandung)
    url = f"/api/v1/pemda/{bandung.pk}/units"
    payload = {"name": "DINAS PERTANIAN"}
    body = is_error(machine.post(url, payload, content_type="application/json"), 403)
    assert "CSRF" in body["error"]
    assert not Unit.objects.filter(name="DINAS PERTANIAN").exists()
    machine.get("/akun/profil/")  # a page sets the CSRF cookie, as in a browser
    token = machine.cookies["csrftoken"].value
    ok = machine.post(url, payload, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content


def test_a_bad_or_missing_token_is_401_with_the_error_shape(machine, bandung):
    url = f"/api/v1/pemda/{bandung.pk}/units"
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer p3dn_salah"}):
        is_error(machine.get("/api/v1/units", **headers), 401)
        is_error(machine.post(url, {"name": "X"}, content_type="application/json", **headers), 401)
    assert not Unit.objects.filter(name="X").exists()


def test_a_huge_limit_offset_or_id_is_a_422_naming_the_parameter(machine, admin_pusat, kalbar):
    auth = bearer(admin_pusat)
    for query, field in (
        ("limit=100000000000000000000", "limit"),
        ("offset=100000000000000000000", "offset"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("limit=abc", "limit"),
    ):
        for path in ("/api/v1/pemda", "/api/v1/units", "/api/v1/monev/snapshots?klpd=D197&"):
            url = f"{path}{'' if path.endswith('&') else '?'}{query}"
            body = is_error(machine.get(url, **auth), 422)
            assert body["error"] == "invalid input" and field in body["fields"], (url, body)
    for url in (
        f"/api/v1/pemda/{2**63}",
        f"/api/v1/units/{10**30}",
        f"/api/v1/imports/{2**64}",
        f"/api/v1/monev/snapshots/{2**63}",
        "/api/v1/pemda/0",
    ):
        body = is_error(machine.get(url, **auth), 422)
        assert body["error"] == "invalid input" and body["fields"], body
    first = machine.get("/api/v1/pemda?limit=1000", **auth).json()
    assert len(first["items"]) == min(first["count"], 1000)


def test_a_year_outside_the_fiscal_years_is_a_422(machine, tim_kalbar, kalbar):
    auth = bearer(tim_kalbar)
    for year in ("-1", "99999999999", "1999", "2101", "abc"):
        body = is_error(machine.get(f"/api/v1/indicators?klpd=D197&year={year}", **auth), 422)
        assert "year" in body["fields"], body
        body = is_error(machine.get(f"/api/v1/monev/snapshots?klpd=D197&tahun={year}", **auth), 422)
        assert "tahun" in body["fields"], body
    assert machine.get("/api/v1/indicators?klpd=D197&year=2023", **auth).status_code == 200


def test_a_nul_character_in_the_url_or_a_text_field_is_refused(machine, tim_bandung, bandung):
    auth = bearer(tim_bandung)
    is_error(machine.get("/api/v1/pemda?q=a%00b", **auth), 400)
    is_error(machine.get("/api/v1/regions?q=%00"), 400)
    body = is_error(
        machine.post(
            f"/api/v1/pemda/{bandung.pk}/units",
            {"name": "DINAS\x00"},
            content_type="application/json",
            **auth,
        ),
        422,
    )
    assert "name" in body["fields"]


def test_an_import_names_its_pemda_by_a_code_that_fits(machine, admin_pusat, tmp_path):
    """An LKPP code is stored in 10 characters: a longer one is a 422 naming the field, never
    a database error (PostgreSQL refuses to cut it; SQLite would have kept it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("rup.json", b"[]", content_type="application/json")
    body = is_error(machine.post("/api/v1/imports", {"file": upload,
                                                     "klpd": "Evidence corrected"},
                                 **bearer(admin_pusat)), 422)
    assert "klpd" in json.dumps(body)


def test_ninja_validation_and_unreadable_bodies_use_the_error_shape(machine, tim_bandung, bandung):
    auth = bearer(tim_bandung)
    url = f"/api/v1/pemda/{bandung.pk}/units"
    body = is_error(machine.post(url, {}, content_type="application/json", **auth), 422)
    assert "name" in body["fields"]
    is_error(machine.post(url, "{not json", content_type="application/json", **auth), 400)
    unit = services.create_unit(actor=tim_bandung, pemda=bandung, name="DINAS PERTANIAN")
    for field in ("name", "kd_satker_str", "is_active"):  # may be left out, not set to null
        response = machine.patch(
            f"/api/v1/units/{unit.pk}", {field: None}, content_type="application/json", **auth
        )
        body = is_error(response, 422)
        assert field in body["fields"], body
    body = is_error(
        machine.post("/api/v1/calc/hea", {"bids": "x"}, content_type="application/json"), 422
    )
    assert body["errors"] and {"field", "code", "message", "message_en"} <= set(body["errors"][0])
    is_error(machine.post("/api/v1/calc/nope", {}, content_type="application/json"), 404)
    is_error(machine.get("/api/v1/regions/99.99"), 404)


def test_every_operation_declares_its_error_answers_with_the_one_schema():
    schema = api.get_openapi_schema()
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            codes = {int(code) for code in responses}
            assert {400, 422} <= codes, (method, path)
            if operation.get("security"):
                assert 401 in codes, (method, path)
            if method != "get":
                assert 403 in codes or not operation.get("security"), (method, path)
            for code, answer in responses.items():
                if int(code) >= 400:
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", (method, path, code)
    described = schema["info"]["description"]
    assert all(f"- {code}:" in described for code in (400, 401, 403, 404, 409, 422))


def test_an_error_answer_built_from_the_schema_carries_no_empty_members():
    """What an endpoint's ``Status(409, {"error": ...})`` answers, through ninja's wrapper."""
    from pydantic import create_model

    from p3dn.web.apikit import ErrorOut

    wrapper = create_model("Answer", response=(ErrorOut, ...))
    answer = wrapper.model_validate({"response": {"error": "busy"}})
    assert answer.model_dump(mode="json") == {"response": {"error": "busy"}}
