"""p3dn.lib.search: normalisation, tokens, the stemming policy, synonyms (and the shipped
synonym file), the typo rule exactly, negation, and the order of results."""

from __future__ import annotations

import ast
import csv
import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3dn.lib.search import (
    MemoryIndex,
    SynonymError,
    SynonymGroup,
    Synonyms,
    TypoIndex,
    analyze_item,
    deletion_keys,
    normalize,
    parse_csv,
    parse_query,
    problems,
    stem,
    tokenize,
    within_one_edit,
)

REPO = Path(__file__).resolve().parents[1]
SYNONYMS = REPO / "p3dn" / "catalog" / "data" / "synonyms.csv"
SEARCH_SOURCES = sorted((REPO / "p3dn" / "lib" / "search").glob("*.py"))


def _index(*items: dict[str, str], synonyms: Synonyms | None = None, tkdn=None) -> MemoryIndex:
    analysed = [
        analyze_item(str(i), fields, tkdn=(tkdn[i] if tkdn else None))
        for i, fields in enumerate(items)
    ]
    return MemoryIndex(analysed, synonyms=synonyms)


def _names(index: MemoryIndex, query: str) -> list[str]:
    return [hit.item.name for hit in index.search(query, None)]


# --- normalisation and tokens -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("tebal 2,7mm", ["tebal", "2.7", "mm"]),
        ("Tebal 2.7 MM", ["tebal", "2.7", "mm"]),
        ("Baterai 30.000 mAh", ["baterai", "30000", "mah"]),
        ("Valve 500MM - 1.000MM", ["valve", "500", "mm", "1000", "mm"]),
        ("Rp 1.234.567,89", ["rp", "1234567.89"]),
        ("0.041 kg", ["0.041", "kg"]),
        ("A325/F3125-1,2,3", ["a325", "f3125", "1", "2", "3"]),
        ("(60 X 60) cm", ["60x60", "cm"]),
        ("Kertas F4 70 Grams", ["kertas", "f4", "70", "gr"]),
        ("Kapal 5 Meter", ["kapal", "5", "m"]),
        ("Meter Air Minum", ["meter", "air", "minum"]),
        ('Size 4 1/2" pipe', ["size", "4", "1/2", "inch", "pipe"]),
        ("Size 2in – 24in", ["size", "2", "inch", "24", "inch"]),
        ("AC 1/2 PK", ["ac", "1/2", "pk"]),
        ("GSM 900/1800", ["gsm", "900", "1800"]),
        ("Printer EPSON L3210 i5-1135G7", ["printer", "epson", "l3210", "i5", "1135g7"]),
        ("Café  Crème", ["cafe", "creme"]),
    ],
)
def test_text_is_tokenized_one_way(text, tokens):
    assert tokenize(text) == tokens


def test_the_same_size_written_four_ways_gives_the_same_tokens():
    forms = ["2,7mm", "2,7 mm", "2.7mm", "2.7 MM"]
    assert len({tuple(tokenize(form)) for form in forms}) == 1


@pytest.mark.parametrize(
    "text",
    ["Non-Heat Treatment", "non heat treatment", "NON HEAT treatment", "nonheat treatment"],
)
def test_every_way_of_writing_a_negation_folds_into_the_word(text):
    assert tokenize(text) == ["nonheat", "treatment"]


def test_negating_words_of_both_languages_fold_and_a_trailing_marker_is_dropped():
    assert tokenize("Meja Kerja Tanpa Laci") == ["meja", "kerja", "nonlaci"]
    assert tokenize("Sarung tangan bukan steril") == ["sarung", "tangan", "nonsteril"]
    assert tokenize("Kaca anti gores") == ["kaca", "antigores"]
    assert tokenize("pipe without coating") == ["pipe", "noncoating"]
    assert tokenize("gula non") == ["gula"]


def test_normalize_keeps_words_and_numbers_readable():
    assert normalize("KERTAS A4 80 GSM — Ø") == "kertas a4 80 gsm - ø"


# --- stemming policy ------------------------------------------------------------------------


def test_the_stemmer_reaches_the_root_through_two_prefixes():
    assert stem("berpendingin") == stem("pendingin") == stem("dingin") == "dingin"
    assert stem("percetakan") == "cetak"
    assert stem("l3210") == "l3210"  # codes are never stemmed
    assert stem("meja") == "meja"  # nor short words


def test_an_over_stemmed_word_is_not_found_by_a_short_word_and_comes_after_the_real_word():
    # Snowball turns "berikan" into "ikan" and "kendaraan" into "ndara", as PEERS 6.6 warns of
    # Sastrawi. A query word under five letters is matched as itself only; a longer one finds
    # stems too, after the word itself.
    assert stem("berikan") == "ikan"
    index = _index({"name": "Formulir Berikan Tanggapan"}, {"name": "Ikan Tongkol"})
    assert _names(index, "ikan") == ["Ikan Tongkol"]
    index = _index({"name": "Perangkat Lunak"}, {"name": "Alat Angkat Beban"})
    assert stem("perangkat") == "angkat"
    assert _names(index, "angkat") == ["Alat Angkat Beban", "Perangkat Lunak"]


def test_an_affixed_query_word_finds_the_plain_word_and_the_word_first():
    index = _index({"name": "Kipas Angin Berpendingin Air"}, {"name": "Kipas Pendingin"})
    assert _names(index, "kipas pendingin") == ["Kipas Pendingin", "Kipas Angin Berpendingin Air"]


def test_english_plurals_meet_singulars():
    index = _index({"name": "Gate Valves"}, {"name": "Butterfly Valve"})
    assert set(_names(index, "valve")) == {"Gate Valves", "Butterfly Valve"}
    assert set(_names(index, "valves")) == {"Gate Valves", "Butterfly Valve"}


# --- synonyms -------------------------------------------------------------------------------


def _shipped_rows() -> list[list[str]]:
    lines = [
        line for line in SYNONYMS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return list(csv.reader(io.StringIO("\n".join(lines))))[1:]


def test_the_shipped_synonym_file_has_200_groups_or_more_and_breaks_no_rule():
    rows = _shipped_rows()
    groups = parse_csv(SYNONYMS.read_text(encoding="utf-8"))
    assert len(groups) == len(rows) >= 200
    assert problems(groups) == []
    # no empty or repeated term, no term in two groups unless marked ambiguous in each
    seen: dict[str, list[int]] = {}
    for number, (_, terms, ambiguous) in enumerate(rows):
        names = [" ".join(tokenize(t)) for t in terms.split("|")]
        assert all(names) and len(names) == len(set(names)) >= 2, terms
        for name in names:
            seen.setdefault(name, []).append(number)
    for name, where in seen.items():
        if len(where) > 1:
            for number in where:
                marked = {" ".join(tokenize(a)) for a in rows[number][2].split("|")}
                assert name in marked, f"{name} is in {len(where)} groups, not marked ambiguous"
    Synonyms.from_groups(groups)  # and it loads


def test_the_shipped_synonyms_cover_the_groups_of_the_issue():
    synonyms = Synonyms.from_groups(parse_csv(SYNONYMS.read_text(encoding="utf-8")))

    def same(a: str, b: str) -> bool:
        return tuple(tokenize(b)) in synonyms.expand(tuple(tokenize(a)))

    for a, b in [("pompa", "pump"), ("katup", "valve"), ("kursi roda", "wheelchair"),
                 ("panel surya", "solar panel"), ("modul surya", "panel surya"),
                 ("laptop", "notebook"), ("ponsel", "telepon seluler"), ("lift", "elevator"),
                 ("semen", "cement"), ("lampu jalan", "street light"), ("pju", "lampu jalan"),
                 ("genset", "generator set"), ("apar", "fire extinguisher"),
                 ("ambulans", "ambulance"), ("ac", "air conditioner"),
                 ("cctv", "kamera pengawas"), ("printer", "pencetak"), ("kertas", "paper"),
                 ("tinta", "ink"), ("handphone", "smartphone"), ("dia", "diameter")]:
        assert same(a, b) and same(b, a), (a, b)
    assert not synonyms.expand(("hp",))  # a brand and a phone: left out on purpose


def test_a_term_in_two_groups_must_be_marked_ambiguous_in_each():
    groups = [SynonymGroup("it", ("tablet", "komputer tablet")),
              SynonymGroup("obat", ("tablet", "obat tablet"), frozenset({"tablet"}))]
    with pytest.raises(SynonymError, match="not marked ambiguous"):
        Synonyms.from_groups(groups)
    groups[0] = SynonymGroup("it", ("tablet", "komputer tablet"), frozenset({"tablet"}))
    synonyms = Synonyms.from_groups(groups)
    assert synonyms.expand(("tablet",)) == []  # never expanded from
    assert ("tablet",) in synonyms.expand(("komputer", "tablet"))  # but expanded to


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("domain,terms,ambiguous\nit,laptop,\n", "two terms"),
        ("domain,terms,ambiguous\nit,laptop|Laptop,\n", "twice"),
        ("domain,terms,ambiguous\nit,laptop||notebook,\n", "empty term"),
        ("domain,terms,ambiguous\nit,laptop|notebook,tablet\n", "not a term here"),
    ],
)
def test_broken_synonym_data_is_named_by_its_row(text, error):
    found = problems(parse_csv(text))
    assert found and error in found[0] and found[0].startswith("row 2")


def test_synonyms_work_both_ways_and_phrases_stay_phrases():
    synonyms = Synonyms.from_groups([["kursi roda", "wheelchair"]])
    index = _index({"name": "Kursi Roda Lipat"}, {"name": "Wheelchair Standard"},
                   {"name": "Kursi Kantor", "spec": "roda 5"}, synonyms=synonyms)
    assert _names(index, "wheelchair") == ["Wheelchair Standard", "Kursi Roda Lipat"]
    assert set(_names(index, "kursi roda")) == {"Kursi Roda Lipat", "Wheelchair Standard"}


# --- the typo rule, exactly ----------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"
words = st.text(alphabet=LETTERS, min_size=1, max_size=12)


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook dynamic programme (reference)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@st.composite
def one_edit(draw, word_strategy):
    word = draw(word_strategy)
    kind = draw(st.sampled_from(["insert", "delete", "substitute", "transpose"]))
    i = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from(LETTERS))
    if kind == "insert":
        typed = word[:i] + letter + word[i:]
    elif kind == "delete":
        typed = word[:i] + word[i + 1:]
    elif kind == "substitute":
        typed = word[:i] + letter + word[i + 1:]
    else:
        j = min(i + 1, len(word) - 1)
        chars = list(word)
        chars[i], chars[j] = chars[j], chars[i]
        typed = "".join(chars)
    return word, typed


@settings(max_examples=300, deadline=None)
@given(a=words, b=words)
def test_within_one_edit_is_exactly_osa_distance_one(a, b):
    assert within_one_edit(a, b) == (_osa(a, b) == 1)


@settings(max_examples=300, deadline=None)
@given(pair=one_edit(st.text(alphabet=LETTERS, min_size=5, max_size=12)))
def test_a_word_of_five_letters_or_more_with_one_edit_is_still_found(pair):
    word, typed = pair
    index = TypoIndex([word, "pompa", "kertas", "lemari"])
    if typed != word:
        assert word in index.corrections(typed)


@settings(max_examples=300, deadline=None)
@given(pair=one_edit(st.text(alphabet=LETTERS, min_size=1, max_size=4)))
def test_a_word_of_four_letters_or_fewer_with_one_edit_is_not_found(pair):
    word, typed = pair
    assert word not in TypoIndex([word, "pompa"]).corrections(typed)


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet=LETTERS, min_size=5, max_size=10), other=words)
def test_nothing_two_edits_away_is_ever_a_correction(word, other):
    found = TypoIndex([word]).corrections(other)
    assert (word in found) == (_osa(word, other) == 1)


def test_codes_with_digits_are_never_corrected():
    index = TypoIndex(["l3210", "l3110", "printer"])
    assert index.corrections("l3210") == []
    assert index.corrections("l3211") == []
    assert len(index) == 1  # only "printer" is reachable by a typo


def test_the_typo_index_is_also_a_table_keyed_by_the_deletion():
    index = TypoIndex(["pompa", "meja"])
    rows = list(index.rows())
    assert rows == sorted((key, "pompa") for key in deletion_keys("pompa"))
    assert ("popa", "pompa") in rows and index.key_count == len(rows)


def test_a_typo_in_a_query_finds_the_item_and_its_synonyms():
    synonyms = Synonyms.from_groups([["pompa", "pump"]])
    index = _index({"name": "Pompa Sentrifugal"}, {"name": "Submersible Pump"},
                   {"name": "Pompa"}, synonyms=synonyms)
    assert set(_names(index, "ponpa")) == {"Pompa Sentrifugal", "Submersible Pump", "Pompa"}
    assert _names(index, "mejja") == []


def test_a_known_word_also_finds_the_items_own_rarer_misspelling():
    index = _index({"name": "Minyak Goreng"}, {"name": "Minyak Goreng 2 L"},
                   {"name": "Minyak Gorang"})
    assert _names(index, "minyak goreng")[-1] == "Minyak Gorang"
    assert _names(index, "minyak gorang")[0] == "Minyak Gorang"


def test_a_known_word_of_four_letters_finds_only_itself():
    index = _index({"name": "Ikan Asin"}, {"name": "Ikan Segar"}, {"name": "Iklan Baliho"})
    assert set(_names(index, "ikan")) == {"Ikan Asin", "Ikan Segar"}


def test_a_misspelling_of_a_word_of_a_synonym_phrase_stands_in_the_phrase():
    synonyms = Synonyms.from_groups([["tanda kehormatan", "medali"]])
    items = ({"name": "Tanda Kehormatan Satyalancana"}, {"name": "Tanda Kehormatan Emas"},
             {"name": "Tanda Pengenal"}, {"name": "Tanda Nama"},
             {"name": "Tenda Kehormatan"}, {"name": "Tenda Pramuka"}, {"name": "Medali Emas"})
    index = _index(*items, synonyms=synonyms)
    query = index.parse("tanda kehormatan")
    assert ("tenda", "kehormatan") in {alt.tokens for alt in query.clauses[0].alternatives}
    assert ("tenda",) not in {alt.tokens for alt in query.clauses[0].alternatives}
    found = _names(index, "tanda kehormatan")
    assert set(found) == {"Tanda Kehormatan Satyalancana", "Tanda Kehormatan Emas",
                          "Tenda Kehormatan", "Medali Emas"}
    assert found[-1] == "Tenda Kehormatan"


# --- negation -------------------------------------------------------------------------------

PIPES = (
    {"name": "Carbon Steel Seamless Casing, Heat Treatment"},
    {"name": "Carbon Steel Seamless Casing, Non-Heat Treatment"},
    {"name": "Heat Treatment Process - Carbon Steel Seamless Line Pipe"},
)


def test_heat_treatment_does_not_find_non_heat_treatment():
    assert set(_names(_index(*PIPES), "heat treatment")) == {PIPES[0]["name"], PIPES[2]["name"]}
    assert set(_names(_index(*PIPES), "carbon steel seamless casing heat treatment")) == {
        PIPES[0]["name"], PIPES[2]["name"]
    }


@pytest.mark.parametrize("query", ["non heat treatment", "Non-Heat Treatment", "nonheat"])
def test_non_heat_treatment_does_not_find_heat_treatment(query):
    assert _names(_index(*PIPES), query) == [PIPES[1]["name"]]


def test_a_long_query_never_returns_an_item_that_negates_one_of_its_phrases():
    synonyms = Synonyms.from_groups([["heat treatment", "perlakuan panas"],
                                     ["carbon steel", "baja karbon"]])
    index = _index(*PIPES, synonyms=synonyms)
    # five clauses: an item may miss one ("casing" for the line pipe), but never by negating it
    names = _names(index, "carbon steel seamless casing heat treatment")
    assert names == [PIPES[0]["name"], PIPES[2]["name"]]


def test_a_long_query_that_may_miss_a_word_still_never_drops_the_negation():
    names = _names(_index(*PIPES), "non heat treatment carbon steel seamless casing pipe")
    assert names == [PIPES[1]["name"]]


# --- scoring order --------------------------------------------------------------------------


def test_the_product_name_outweighs_brand_type_specification_and_producer():
    index = _index(
        {"name": "Alat Lain", "producer": "PT Pompa Jaya"},
        {"name": "Alat Lain", "spec": "dengan pompa"},
        {"name": "Alat Lain", "brand": "Pompa"},
        {"name": "Pompa"},
    )
    assert [hit.item.key for hit in index.search("pompa", None)] == ["3", "2", "1", "0"]


def test_all_words_and_the_exact_phrase_rank_above_some_words():
    index = _index(
        {"name": "Pompa Celup"},
        {"name": "Pompa Air Celup"},
        {"name": "Sentrifugal Celup Air Pompa"},
        {"name": "Pompa Air Celup Sentrifugal"},
    )
    # four words: an item may miss one; all words beat three, the phrase beats all words
    assert _names(index, "pompa air celup sentrifugal") == [
        "Pompa Air Celup Sentrifugal", "Sentrifugal Celup Air Pompa", "Pompa Air Celup"
    ]
    # three words: all are required
    assert "Pompa Celup" not in _names(index, "pompa air celup")


def test_equal_relevance_is_ordered_by_tkdn_and_no_tkdn_comes_last():
    items = [{"name": "Kursi Roda"}] * 4
    tkdn = [Decimal("32.15"), None, Decimal("60.00"), Decimal("45.50")]
    index = _index(*items, tkdn=tkdn)
    assert [hit.item.tkdn for hit in index.search("kursi roda", None)] == [
        Decimal("60.00"), Decimal("45.50"), Decimal("32.15"), None
    ]


def test_a_query_of_stop_words_or_nothing_finds_nothing():
    index = _index({"name": "Pompa"})
    assert index.search("", None) == []
    assert parse_query("   ").is_empty


# --- lib/ stays free of Django and of the rest of p3dn -------------------------------------


@pytest.mark.parametrize("path", SEARCH_SOURCES, ids=lambda p: p.name)
def test_the_search_package_imports_only_the_stdlib_itself_and_pystemmer(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top == "Stemmer", f"{path.name}: {module}"
