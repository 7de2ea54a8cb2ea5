"""The server-rendered SVG charts: valid, labelled the Indonesian way, self-contained."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from p3dn.monitoring.charts import channel_chart, month_label, trend_chart, units_chart

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

CHANNELS = [
    ("Tender", D("244248601706.12"), D("200000000000.00"), D("12000000000.00")),
    ("Non-tender", D("35000000000.00"), D("30000000000.00"), D("20000000000.00")),
    ("e-Purchasing", D("1200000000.00"), D("0.00"), D("350000000.00")),
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter() if t.tag in (f"{SVG}text", f"{SVG}title")]


def assert_self_contained(svg: str) -> None:
    """No script, no URL other than the XML namespaces, a viewBox and a fluid width."""
    assert "<script" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= NAMESPACES
    assert "@import" not in svg and "url(" not in svg
    root = parse(svg)
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None and "width:100%" in root.get("style", "")


def test_channel_chart_labels_each_channel_with_short_rupiah():
    svg = channel_chart(CHANNELS)
    assert_self_contained(svg)
    shown = texts(parse(svg))
    for label in ("Tender", "Non-tender", "e-Purchasing", "Nilai", "PDN", "UMK"):
        assert label in shown
    for value in ("Rp 244,25 M", "Rp 200 M", "Rp 12 M", "Rp 1,2 M", "Rp 350 jt", "Rp 0"):
        assert value in shown
    assert "<a " not in svg  # no links unless asked for


def test_channel_chart_links_every_bar_to_its_drill_down():
    links = ["/dasbor/pemda/1/?kanal=tender", "/dasbor/pemda/1/?kanal=non_tender", None]
    svg = channel_chart(CHANNELS, links)
    assert_self_contained(svg)
    hrefs = [a.get(f"{XLINK}href") for a in parse(svg).iter(f"{SVG}a")]
    assert hrefs.count(links[0]) == 3  # value, PDN and UMK bars of the tender row
    assert hrefs.count(links[1]) == 3
    assert len(hrefs) == 6  # the row without a link has plain bars


def test_an_ampersand_in_a_link_or_label_stays_valid_xml():
    svg = channel_chart([("Belanja <barang> & jasa", D(1), D(1), D(0))], ["/a?x=1&y=2"])
    root = parse(svg)
    assert "Belanja <barang> & jasa" in texts(root)
    assert [a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a")] == ["/a?x=1&y=2"] * 3


def test_trend_chart_plots_the_capaian_against_the_quarterly_target_path():
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    capaian = [D("0.05") * m for m in range(1, 10)] + [None, None, None]
    target = [None, None, D("0.2"), None, None, D("0.4"), None, None, D("0.6"), None, None, D(".8")]
    svg = trend_chart(months, capaian, target)
    assert_self_contained(svg)
    shown = texts(parse(svg))
    assert "Jan 2023" in shown and "Okt 2023" in shown
    assert "0%" in shown and "100%" in shown  # the percent axis
    assert {"20%", "40%", "60%", "80%"} <= set(shown)  # the target path, printed
    assert "45,00%" in shown  # the latest capaian as the dot's tooltip
    assert month_label("2023-08") == "Agu 2023"


def test_trend_chart_leaves_out_an_impossible_capaian_and_says_why():
    """Above 100% is "data belum lengkap" (issue 11): the point is not drawn, the title says
    why in words, and the axis stays 0-100%."""
    svg = trend_chart(["2024-01", "2024-02"], [D("0.4"), D("1.37")], [None, D("0.8")])
    shown = texts(parse(svg))
    assert "137,00%" not in svg and "140%" not in shown and "100%" in shown
    assert "40,00%" in svg  # the possible month is drawn
    assert "Data belum lengkap: 1 bulan tidak digambar." in shown
    # a year flagged incomplete (a sample RUP) draws no capaian at all, even below 100%
    flagged = trend_chart(["2024-01"], [D("0.4")], [D("0.8")], incomplete=True)
    assert "40,00%" not in flagged
    assert "Data belum lengkap: 1 bulan tidak digambar" in flagged
    assert "Data belum lengkap" not in trend_chart(["2024-01"], [D("0.4")], [D("0.8")])


def test_units_chart_colours_units_by_traffic_light_around_the_target():
    rows = [
        ("DINAS KESEHATAN", D("0.915")),
        ("DINAS PENDIDIKAN DAN KEBUDAYAAN", D("0.75")),
        ("BADAN PENGELOLA KEUANGAN DAN ASET DAERAH PROVINSI", D("0.3")),
        ("SEKRETARIAT DPRD", None),
    ]
    svg = units_chart(rows, D("0.80"))
    assert_self_contained(svg)
    root = parse(svg)
    shown = texts(root)
    assert "DINAS KESEHATAN" in shown and "SEKRETARIAT DPRD" in shown
    assert "BADAN PENGELOLA KEUANGAN DAN ASET…" in shown  # long names are shortened
    assert {"91,50%", "75,00%", "30,00%", "80%"} <= set(shown)
    # one series per light: green holds 91,50%, amber 75,00%, red 30,00%
    series = {
        g.get("class"): [t.text for t in g.iter(f"{SVG}text") if t.text]
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("series serie-") and g.find(f"{SVG}text") is not None
    }
    assert series["series serie-0 color-0"] == ["91,50%"]
    assert series["series serie-1 color-1"] == ["75,00%"]
    assert series["series serie-2 color-2"] == ["30,00%"]
    assert any("80%" in text for text in shown if "Target" in text)
    majors = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "major"]
    assert majors == ["80%"]  # the target is the one major (dashed) guide line
    assert any(p.get("class") == "major guide line" for p in root.iter(f"{SVG}path"))


def test_charts_without_data_say_so():
    svg = units_chart([], D("0.8"))
    parse(svg)
    assert_self_contained(svg)
    assert "Tanpa data" in svg or "No data" in svg


def _axis_labels(svg: str, axis: str = "y") -> list[str]:
    groups = [
        g
        for g in parse(svg).iter(f"{SVG}g")
        if {"axis", axis} <= set(g.get("class", "").split())
    ]
    return [t.text or "" for g in groups for t in g.iter(f"{SVG}text")]


def test_an_absurd_capaian_keeps_the_axis_readable():
    """Kab. Bandung's sample RUP gave 1.897,58%: the axis keeps a handful of labels, not 190."""
    svg = trend_chart(["2025-01", "2025-02"], [D("0.5"), D("18.9758")], [None, D("0.2")])
    labels = _axis_labels(svg)
    assert 3 <= len(labels) <= 9, labels
    assert "100%" in labels and "0%" in labels and "2.000%" not in labels  # not drawn at all
    units = units_chart([("DINAS A", D("113.4931")), ("DINAS B", D("0.4"))], D("0.8"))
    assert 3 <= len(_axis_labels(units, "x")) <= 10, _axis_labels(units, "x")
