"""The weighing of a suggestion (p3dn/rules/matching.py): relevance first, the other reasons
only order relevant candidates; codes agree on their meaningful prefix; precision@k."""

from __future__ import annotations

from decimal import Decimal

import pytest

from p3dn.rules import matching as m

NO_CODES = m.Codes()


def facts(**changes: object) -> m.Facts:
    base: dict[str, object] = {"words": 0.0, "demand_codes": NO_CODES, "product_codes": NO_CODES}
    base.update(changes)
    return m.Facts(**base)  # type: ignore[arg-type]


def test_a_candidate_without_words_or_codes_is_never_suggested_whatever_else_it_has():
    s = m.score(facts(same_kabupaten=True, umk_ikm=True, tkdn=Decimal("0.9"),
                      katalog_lokal=True))
    assert s.value == 0 and s.reasons == () and not s.relevant


def test_every_reason_adds_its_weight_and_the_full_set_sums_to_one():
    s = m.score(facts(words=1.0, demand_codes=m.Codes(kbki="3212100000"),
                      product_codes=m.Codes(kbki="3212100000"), same_kabupaten=True,
                      umk_ikm=True, tkdn=Decimal("0.45"), katalog_lokal=True))
    assert [r.code for r in s.reasons] == [m.WORDS, m.CODE, m.KABUPATEN, m.UMK_IKM, m.TKDN,
                                           m.KATALOG_LOKAL]
    assert s.value == Decimal("0.9500")  # KBKI 0,15 (not HS or KBLI) + 0,45 + 0,10 + 0,08 + …
    assert sum(r.weight for r in s.reasons) == s.value


@pytest.mark.parametrize(("tkdn", "weight"), [
    (Decimal("0.40"), m.WEIGHT_TKDN_40), (Decimal("0.3999"), m.WEIGHT_TKDN_25),
    (Decimal("0.25"), m.WEIGHT_TKDN_25), (Decimal("0.10"), m.WEIGHT_TKDN_ANY),
])
def test_tkdn_steps_at_25_and_40_percent(tkdn, weight):
    s = m.score(facts(words=0.5, tkdn=tkdn))
    assert [r.weight for r in s.reasons if r.code == m.TKDN] == [weight]


def test_the_same_kabupaten_outranks_and_replaces_the_same_province():
    both = m.score(facts(words=1.0, same_kabupaten=True, same_province=True))
    province = m.score(facts(words=1.0, same_province=True))
    assert [r.code for r in both.reasons] == [m.WORDS, m.KABUPATEN]
    assert both.value - province.value == m.WEIGHT_KABUPATEN - m.WEIGHT_PROVINCE


@pytest.mark.parametrize(("demand", "product", "producer", "expected"), [
    (m.Codes(kbki="32121"), m.Codes(kbki="3212100000"), (), ("kbki", "32121")),
    (m.Codes(kbki="3212"), m.Codes(kbki="3212100000"), (), None),  # under five digits
    (m.Codes(kbki="3212200000"), m.Codes(kbki="3212100000"), (), None),
    (m.Codes(hs="48025690"), m.Codes(hs="4802.55"), (), ("hs", "48025690")),
    (m.Codes(kbli="17012"), m.Codes(kbli="17011"), ("17012",), ("kbli", "17012")),
    (m.Codes(kbli="1701"), m.Codes(kbli="1701"), (), None),
    (NO_CODES, m.Codes(kbki="3212100000", kbli="17012"), ("17012",), None),
])
def test_codes_agree_on_their_meaningful_prefix(demand, product, producer, expected):
    assert m.code_agreement(demand, product, producer) == expected


def test_a_code_alone_makes_a_candidate_relevant():
    s = m.score(facts(demand_codes=m.Codes(kbli="17012"), producer_kbli=("17012",)))
    assert s.relevant and s.value == m.WEIGHT_CODE["kbli"]


def test_account_words_follow_the_package_name():
    words = m.account_words("Belanja Alat/Bahan untuk Kegiatan Kantor- Kertas dan Cover")
    assert words == ("kertas hvs", "kertas cover")
    assert m.account_words("Belanja Modal Gedung Kantor") == ()


def test_precision_counts_missing_places_as_wrong():
    assert m.precision_at(["a", "b", "x"], {"a", "b", "c"}) == Decimal("0.4")
    assert m.precision_at(["a", "b", "c", "d", "e", "f"], {"f"}) == 0
    with pytest.raises(ValueError):
        m.precision_at([], set(), k=0)
