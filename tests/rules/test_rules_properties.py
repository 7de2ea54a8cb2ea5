"""Hypothesis properties of the rules (pure functions, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from p3dn.rules.common import JenisPengadaan
from p3dn.rules.obligation import TIER_ORDER, Candidate, pdn_obligation, purchase_tier
from p3dn.rules.preference import (
    Bid,
    Formula,
    evaluate_bids,
    harga_evaluasi_akhir,
    koefisien_preferensi,
)
from p3dn.rules.tkdn import Category, CostLine, Origin, tkdn_barang, tkdn_jasa

fast = settings(deadline=None, max_examples=150)

fractions = st.decimals(min_value=0, max_value=1, places=4)
bmps = st.decimals(min_value=0, max_value=D("0.15"), places=4)
preferences = st.decimals(min_value=0, max_value=D("0.25"), places=4)
money = st.decimals(min_value=0, max_value=10**12, places=2)
formulas = st.sampled_from(list(Formula))


@fast
@given(tkdn=fractions, bmp=bmps)
def test_tkdn_plus_bmp_40_with_bmp_at_most_15_implies_tkdn_25(tkdn, bmp):
    result = pdn_obligation([Candidate("P", tkdn, bmp)])
    if result.wajib_pdn:
        assert tkdn >= D("0.25")
    tiers = purchase_tier([Candidate("P", tkdn, bmp)], as_of=date(2025, 6, 1))
    if "P" in tiers.groups["a"]:
        assert "P" in tiers.groups["b"]


@fast
@given(hp=money, tkdn=fractions, pref=preferences, formula=formulas)
def test_hea_lies_between_zero_and_hp(hp, tkdn, pref, formula):
    kp = koefisien_preferensi(tkdn, pref)
    hea = harga_evaluasi_akhir(hp, kp, formula)
    assert 0 <= hea <= hp
    assert harga_evaluasi_akhir(hp, kp, Formula.LEGACY) >= harga_evaluasi_akhir(hp, kp)


bids_strategy = st.lists(
    st.tuples(st.decimals(min_value=1, max_value=10**12, places=0), fractions),
    min_size=1,
    max_size=6,
).map(lambda pairs: [Bid(f"P{i}", hp, tkdn) for i, (hp, tkdn) in enumerate(pairs)])


def ranks(bids, formula, hps=D("2000000000")):
    result = evaluate_bids(
        jenis=JenisPengadaan.BARANG,
        hps=hps,
        preferensi_tertinggi=D("0.15"),
        bids=bids,
        formula=formula,
    )
    return [b.rank for b in result.bids]


@fast
@given(
    bids=bids_strategy,
    factor=st.decimals(min_value=D("0.01"), max_value=1000, places=2),
    formula=formulas,
)
def test_ranking_does_not_change_when_every_bid_is_scaled(bids, factor, formula):
    scaled = [Bid(b.name, b.hp * factor, b.tkdn) for b in bids]
    assert ranks(scaled, formula) == ranks(bids, formula)


@fast
@given(bids=bids_strategy, data=st.data(), formula=formulas)
def test_raising_a_bids_tkdn_never_worsens_its_rank(bids, data, formula):
    i = data.draw(st.integers(min_value=0, max_value=len(bids) - 1))
    higher = data.draw(st.decimals(min_value=bids[i].tkdn, max_value=1, places=4))
    raised = [Bid(b.name, b.hp, higher) if j == i else b for j, b in enumerate(bids)]
    assert ranks(raised, formula)[i] <= ranks(bids, formula)[i]


line_strategy = st.builds(
    CostLine,
    uraian=st.just("baris"),
    kategori=st.sampled_from([Category.MATERIAL, Category.TENAGA_KERJA, Category.OVERHEAD]),
    biaya=money,
    asal=st.sampled_from([Origin.DALAM_NEGERI, Origin.LUAR_NEGERI]),
    terverifikasi=st.booleans(),
    lapis2=st.booleans(),
)


def positive_total(lines):
    return sum(line.biaya for line in lines) > 0


@fast
@given(lines=st.lists(line_strategy, min_size=1, max_size=8).filter(positive_total))
def test_goods_tkdn_stays_within_0_and_100_percent_under_16_2011(lines):
    result = tkdn_barang(lines, regulation="permenperin16_2011")
    assert 0 <= result.tkdn <= 1


@fast
@given(
    lines=st.lists(
        line_strategy.map(
            lambda x: CostLine(x.uraian, x.kategori, x.biaya, tkdn=D("0.5")) if x.lapis2 else x
        ),
        min_size=1,
        max_size=8,
    ).filter(positive_total),
    investasi=st.booleans(),
    litbang=st.decimals(min_value=0, max_value=D("0.20"), places=4),
)
def test_goods_tkdn_stays_within_0_and_100_percent_under_35_2025(lines, investasi, litbang):
    result = tkdn_barang(
        lines, regulation="permenperin35_2025", investasi=investasi, litbang=litbang
    )
    assert 0 <= result.tkdn <= 1


@fast
@given(
    lines=st.lists(
        st.builds(
            CostLine,
            uraian=st.just("jasa"),
            kategori=st.sampled_from(
                [Category.TENAGA_KERJA, Category.ALAT_KERJA, Category.JASA_UMUM]
            ),
            biaya=money,
            kdn=st.none(),
            tkdn=fractions,
            terverifikasi=st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ).filter(positive_total)
)
def test_services_tkdn_stays_within_0_and_100_percent(lines):
    assert 0 <= tkdn_jasa(lines).tkdn <= 1


candidate_strategy = st.builds(
    Candidate,
    name=st.just(""),
    tkdn=fractions,
    bmp=bmps,
    certified=st.booleans(),
    in_siinas=st.booleans(),
    available_volume=st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=0)),
)


@fast
@given(
    cands=st.lists(candidate_strategy, min_size=1, max_size=5),
    data=st.data(),
    as_of=st.sampled_from([date(2024, 1, 1), date(2025, 6, 1)]),
    volume=st.one_of(st.none(), st.decimals(min_value=0, max_value=2000, places=0)),
)
def test_tier_is_monotone_in_tkdn(cands, data, as_of, volume):
    cands = [
        Candidate(f"P{i}", c.tkdn, c.bmp, c.certified, c.in_siinas, c.available_volume)
        for i, c in enumerate(cands)
    ]
    i = data.draw(st.integers(min_value=0, max_value=len(cands) - 1))
    c = cands[i]
    assert c.tkdn is not None
    higher = data.draw(st.decimals(min_value=c.tkdn, max_value=1, places=4))
    raised = [
        *cands[:i],
        Candidate(c.name, higher, c.bmp, c.certified, c.in_siinas, c.available_volume),
        *cands[i + 1 :],
    ]
    before = purchase_tier(cands, as_of=as_of, volume_needed=volume).tier
    after = purchase_tier(raised, as_of=as_of, volume_needed=volume).tier
    assert TIER_ORDER[after] <= TIER_ORDER[before]
