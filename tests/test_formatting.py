"""Rupiah, percentages and dates the Indonesian way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from p3dn.lib.dates import format_date, format_datetime
from p3dn.lib.money import format_percent, format_rupiah, format_rupiah_short


def test_rupiah_in_full_and_short():
    assert format_rupiah(Decimal("15850000000000")) == "Rp 15.850.000.000.000"
    assert format_rupiah(Decimal("596219297664.83")) == "Rp 596.219.297.665"
    assert format_rupiah(Decimal("-1500")) == "-Rp 1.500"
    assert format_rupiah(None) == "—"
    assert format_rupiah_short(Decimal("15850000000000")) == "Rp 15,85 T"
    assert format_rupiah_short(Decimal("1200000000")) == "Rp 1,2 M"
    assert format_rupiah_short(Decimal("350000000")) == "Rp 350 jt"
    assert format_rupiah_short(Decimal("950000")) == "Rp 950.000"


def test_percentages_round_half_up_with_a_decimal_comma():
    assert format_percent(Decimal("11.35") / Decimal("15.8")) == "71,84%"
    assert format_percent(Decimal("0.005")) == "0,50%"
    assert format_percent(Decimal("0.123449")) == "12,34%"
    assert format_percent(Decimal("0.123450")) == "12,35%"


def test_floats_are_refused_as_money():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


def test_dates_in_indonesian_and_english():
    assert format_date(dt.date(2023, 5, 5)) == "5 Mei 2023"
    assert format_date(dt.date(2023, 5, 5), "en") == "5 May 2023"
    assert format_datetime(dt.datetime(2023, 8, 17, 9, 5)) == "17 Agustus 2023 09.05"


@given(st.integers(min_value=0, max_value=10**16))
def test_full_rupiah_reads_back_to_the_same_amount(amount):
    text = format_rupiah(Decimal(amount))
    assert text.startswith("Rp ")
    assert int(text[3:].replace(".", "")) == amount


@given(st.decimals(min_value=0, max_value=10, places=6))
def test_percent_text_is_the_fraction_times_100_rounded(fraction):
    text = format_percent(fraction)
    value = Decimal(text.rstrip("%").replace(".", "").replace(",", "."))
    assert abs(value - fraction * 100) <= Decimal("0.005")


def test_template_filters_follow_the_active_language():
    template = Template("{% load p3dn %}{{ d|tanggal }} {{ x|rupiah_short }} {{ p|percent }}")
    context = Context({"d": dt.date(2025, 4, 30), "x": Decimal("483060000000000"),
                       "p": Decimal("0.4171")})
    with translation.override("id"):
        assert template.render(context) == "30 April 2025 Rp 483,06 T 41,71%"
    with translation.override("en"):
        assert template.render(context).startswith("30 April 2025")
    context["d"] = dt.date(2025, 5, 1)
    with translation.override("en"):
        assert template.render(context).startswith("1 May 2025")
