"""The committed OpenAPI schema is the API: any change shows in review."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from p3dn.accounts import services
from p3dn.api import api

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "api" / "openapi.json"


def test_committed_openapi_schema_is_current():
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json.loads(
        json.dumps(api.get_openapi_schema())
    ), "run `make openapi`"


def test_no_two_api_types_share_a_name():
    """The OpenAPI components are keyed by class name: two schemas or choice lists of one name
    in different apps would silently describe one with the other (a matching ReasonOut once
    stood for the indicator's reasons)."""
    import enum
    import importlib
    import inspect

    from pydantic import BaseModel

    root = Path(__file__).resolve().parents[1] / "p3dn"
    owners: dict[str, set[str]] = {}
    for path in [*sorted(root.rglob("api.py")), root / "web" / "apikit.py"]:
        module = importlib.import_module(
            ".".join(path.relative_to(root.parent).with_suffix("").parts))
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and obj.__module__ == module.__name__
                    and issubclass(obj, (BaseModel, enum.Enum))):
                owners.setdefault(name, set()).add(module.__name__)
    assert {n: m for n, m in owners.items() if len(m) > 1} == {}


@pytest.mark.django_db
def test_openapi_and_docs_are_served_without_any_cdn(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "p3dn API"
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "https://" not in html.split("<body")[0]


def test_a_token_authenticates_and_a_revoked_one_does_not(client, tim_bandung, dinkes_bandung):
    token, key = services.create_api_token(actor=tim_bandung, name="laporan")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    data = client.get("/api/v1/units", **auth).json()
    assert [u["name"] for u in data["items"]] == ["DINAS KESEHATAN"]
    services.revoke_api_token(actor=tim_bandung, token=token)
    assert client.get("/api/v1/units", **auth).status_code == 401
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer p3dn_salah").status_code == 401


def test_api_validation_errors_have_one_shape(client_for, tim_bandung, bandung, dinkes_bandung):
    client = client_for(tim_bandung)
    response = client.post(
        f"/api/v1/pemda/{bandung.pk}/units",
        {"name": "DUPLIKAT", "kd_satker": "60414"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid input" and "60414" in " ".join(body["fields"]["kd_satker"])
