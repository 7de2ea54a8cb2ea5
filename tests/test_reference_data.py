"""Regions, Pemda and code mappings shipped in the package, checked against the raw decree file."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import SHARED_DATA as SHARED
from p3dn.accounts.models import Pemda
from p3dn.accounts.services import sync_reference_data
from p3dn.regions import services
from p3dn.regions.models import ExternalCode, Region


def _decree_codes() -> dict[str, str]:
    """code → name of every province, kab/kota and kecamatan in the raw SQL dump."""
    sql = (SHARED / "wilayah" / "wilayah-2025.sql").read_text(encoding="utf-8")
    pairs = re.findall(r"\('(\d{2}(?:\.\d{2}){0,2})','((?:[^']|'')*)'\)", sql)
    return {code: name.replace("''", "'").strip() for code, name in pairs}


@pytest.mark.django_db
def test_every_region_of_the_decree_is_shipped_with_its_name():
    raw = _decree_codes()
    shipped = dict(Region.objects.values_list("code", "name"))
    assert shipped == raw
    assert Region.objects.filter(level="provinsi").count() == 38
    assert Region.objects.filter(level="kabupaten").count() == 416
    assert Region.objects.filter(level="kota").count() == 98


@pytest.mark.django_db
def test_each_province_kabupaten_and_kota_is_a_pemda():
    assert Pemda.objects.count() == 552
    assert Pemda.objects.get(kd_klpd="D107").region_id == "32.04"
    assert Pemda.objects.get(kd_klpd="D197").name == "Prov. Kalimantan Barat"
    assert Pemda.objects.get(region_id="32.73").name == "Kota Bandung"


@pytest.mark.django_db
def test_lkpp_codes_map_to_kemendagri_codes():
    assert services.region_for_code("sirup_provinsi", "12").code == "32"
    assert services.region_for_code("sirup_kabkota", "14773").code == "32.04"
    assert services.region_for_code("lpse", "97").code == "61"
    assert services.region_for_code("sirup_kabkota", "99999999") is None


@pytest.mark.django_db
def test_syncing_twice_changes_nothing():
    before = (Region.objects.count(), Pemda.objects.count(), ExternalCode.objects.count())
    assert sync_reference_data() == {"regions": 0, "pemda": 0, "codes": 0, "klpd": 0}
    assert (Region.objects.count(), Pemda.objects.count(), ExternalCode.objects.count()) == before


def test_admin_adds_a_mapping_and_a_bad_region_code_is_named(admin_pusat):
    mapping = services.add_external_code(
        actor=admin_pusat,
        system="lpse",
        code="1",
        region_code="32.73",
        name_in_source="LPSE Kota Bandung",
    )
    assert mapping.region.name == "Kota Bandung"
    with pytest.raises(ValidationError) as exc:
        services.add_external_code(actor=admin_pusat, system="lpse", code="2", region_code="32.4")
    assert "32.4" in str(exc.value.message_dict["region_code"])
    with pytest.raises(ValidationError) as exc:
        services.add_external_code(actor=admin_pusat, system="lpse", code="3", region_code="32.99")
    assert "32.99" in str(exc.value.message_dict["region_code"])
    with pytest.raises(ValidationError) as exc:
        services.add_external_code(actor=admin_pusat, system="lpse", code="1", region_code="33.01")
    assert "code" in exc.value.message_dict


def test_only_the_admin_edits_mappings(client_for, tim_bandung, admin_pusat):
    with pytest.raises(PermissionDenied):
        services.add_external_code(actor=tim_bandung, system="lpse", code="5", region_code="32.04")
    assert client_for(tim_bandung).get(reverse("regions:code-list")).status_code == 403


def test_admin_mapping_page_shows_errors_in_the_form(client_for, admin_pusat):
    client = client_for(admin_pusat)
    response = client.post(
        reverse("regions:code-list"),
        {"system": "sirup_kabkota", "code": "777", "region_code": "3204"},
    )
    assert response.status_code == 200
    assert "3204" in response.content.decode()
    response = client.post(
        reverse("regions:code-list"), {"system": "lpse", "code": "777", "region_code": "32.77"}
    )
    assert response.status_code == 302
    assert ExternalCode.objects.get(system="lpse", code="777").region_id == "32.77"


@pytest.mark.django_db
def test_regions_api_is_public_reference_data(client):
    data = client.get("/api/v1/regions?level=kota&parent=32").json()
    assert {"code": "32.73", "name": "Kota Bandung", "level": "kota", "parent": "32"} in data
    assert client.get("/api/v1/regions/32.04").json()["name"] == "Kabupaten Bandung"
    assert client.get("/api/v1/regions/99.99").status_code == 404
