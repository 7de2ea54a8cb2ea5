"""Forward matching on the real files: the registry built from the Kemenperin export and the
e-Katalog lokal of three Kalbar kabupaten, the Kalbar 2023 RUP, the suggested producers of a
package with their reasons (page and API, two Pemda), a producer's packages, and precision@5
on the judged sample kept in tests/data/matching_judged_sample.json (docs/matching.md)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import SHARED_DATA
from p3dn.catalog.models import Producer
from p3dn.imports import services as imports
from p3dn.matching import queries, suggestions
from p3dn.rules import matching as rules

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[1]
JUDGED = json.loads((REPO / "tests" / "data" / "matching_judged_sample.json").read_text(
    encoding="utf-8"))


@pytest.fixture
def registry_of_kalbar_catalogues() -> None:
    """The registry files the judged sample names, imported, synced and indexed by the worker
    as in production."""
    for name in JUDGED["registry_files"]:
        assert imports.import_now(actor=None, path=SHARED_DATA / name).status == "applied"
    call_command("run_worker", stdout=StringIO())


def _measure(pemda, sample: str) -> tuple[Decimal, Decimal, int, list[tuple[int, Decimal]]]:
    """precision@5 over the judged packages with a relevant producer, the same over all of
    them, and how many of those without one got no suggestion."""
    ctx = suggestions.Context.for_pemda(pemda)
    per_package = []
    silent = 0
    for judged in JUDGED[sample]:
        line = queries.package_line(pemda, judged["kd_rup"])
        assert line is not None, judged["kd_rup"]  # still open in these files
        names = [s.producer.name for s in suggestions.suggest(line, ctx, limit=5)]
        if not judged["relevant"]:
            silent += not names
        per_package.append((judged["kd_rup"], rules.precision_at(names, set(judged["relevant"]))))
    judged_relevant = [p for (code, p), j in zip(per_package, JUDGED[sample], strict=True)
                       if j["relevant"]]
    with_relevant = sum(judged_relevant, Decimal(0)) / len(judged_relevant)
    overall = sum((p for _c, p in per_package), Decimal(0)) / len(per_package)
    return with_relevant, overall, silent, per_package


def test_precision_at_5_on_the_judged_sample_is_the_documented_one(
        tim_kalbar, kalbar_2023_all_packages_and_realization, registry_of_kalbar_catalogues):
    pemda = kalbar_2023_all_packages_and_realization
    names = set(Producer.objects.values_list("name", flat=True))
    judged_names = {n for sample in ("packages", "holdout") for j in JUDGED[sample]
                    for n in j["relevant"]}
    assert judged_names <= names  # every judged producer is a registry producer
    doc = (REPO / "docs" / "matching.md").read_text(encoding="utf-8")
    for sample, label in (("packages", "precision@5 of"), ("holdout", "held-out precision@5 of")):
        with_relevant, overall, silent, per_package = _measure(pemda, sample)
        print(f"{sample}: precision@5 {with_relevant:.4f} (packages with a relevant producer), "
              f"{overall:.4f} (all), silent {silent}")
        print(per_package)
        documented = re.search(re.escape(label) + r" \*\*(\d+,\d+)\*\*", doc)
        assert documented is not None, label
        assert documented.group(1) == f"{with_relevant:.2f}".replace(".", ","), sample
        assert with_relevant >= Decimal("0.6")


def test_a_package_s_suggestions_show_their_reasons_to_its_pemda_only(
        tim_kalbar, tim_bandung, client_for, kalbar_2023_all_packages_and_realization,
        registry_of_kalbar_catalogues):
    pemda = kalbar_2023_all_packages_and_realization
    paper = next(j["kd_rup"] for j in JUDGED["packages"] if j["what"].startswith("paper"))
    client = client_for(tim_kalbar)
    page = client.get(reverse("matching:package-suggestions", args=[pemda.pk, paper]))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(s.score.relevant for s, _products in rows)
    first, products = rows[0]
    assert any("Kata" in text or "Words" in text for text in products[0][1])
    api = client.get(f"/api/v1/matching/pemda/{pemda.pk}/packages/{paper}/suggestions").json()
    assert [s["producer"] for s in api["suggestions"]] == [s.producer.pk for s, _p in rows]
    assert api["suggestions"][0]["products"][0]["reasons"][0]["code"] == "words"
    # the scores are the rules' own sums of the reasons shown
    for suggestion in api["suggestions"]:
        for product in suggestion["products"]:
            assert Decimal(product["score"]) == sum(Decimal(r["weight"])
                                                    for r in product["reasons"])
    # the producer's side: the paper package is among what the first producer could supply
    answer = client.get(reverse("matching:producer-packages", args=[pemda.pk, first.producer.pk]),
                        {"tahun": 2023, "jenis": "Barang", "pagu_min": "1000000",
                         "pagu_max": "1500000"})
    assert answer.status_code == 200
    assert answer.context["unchecked"] == 0
    # the "domestic alternative" filter splits the narrowed demand in two
    demand = reverse("matching:demand", args=[pemda.pk])
    narrow = {"tahun": 2023, "jenis": "Barang", "pagu_min": "1.000.000", "pagu_max": "1500000"}
    count = client.get(demand, narrow).context["count"]
    with_one = client.get(demand, {**narrow, "alternatif": "ada"}).context["count"]
    without = client.get(demand, {**narrow, "alternatif": "tidak"}).context["count"]
    assert 0 < with_one < count <= 300 and with_one + without == count
    api = client.get(f"/api/v1/matching/pemda/{pemda.pk}/demand",  # the API takes plain numbers
                     {**narrow, "pagu_min": "1000000", "alternatif": True})
    assert api.json()["count"] == with_one
    # past MAX_MATCHED_LINES only the largest lines are checked, and the page says how many not
    everything = client.get(demand, {"tahun": 2023}).context["count"]
    broad = client.get(demand, {"tahun": 2023, "alternatif": "ada"})
    assert broad.context["unchecked"] == everything - broad.context["max_lines"] > 0
    assert 0 < broad.context["count"] <= broad.context["max_lines"]
    smallest_checked = sorted(line.pagu for line in queries.demand(pemda, 2023))[
        -broad.context["max_lines"]]
    assert all(line.pagu >= smallest_checked for line in broad.context["page"].object_list)
    assert "tidak diperiksa" in broad.content.decode() or "were not" in broad.content.decode()
    assert client.get(f"/api/v1/matching/pemda/{pemda.pk}/demand",
                      {"tahun": 2023, "alternatif": True}).status_code == 422
    # an open package that is not the Pemda's, or not open: 404; another Pemda's Tim: 404
    assert client.get(reverse("matching:package-suggestions", args=[pemda.pk, 1])
                      ).status_code == 404
    other = client_for(tim_bandung)
    assert other.get(reverse("matching:package-suggestions", args=[pemda.pk, paper])
                     ).status_code == 404
    assert other.get(f"/api/v1/matching/pemda/{pemda.pk}/packages/{paper}/suggestions"
                     ).status_code == 404
