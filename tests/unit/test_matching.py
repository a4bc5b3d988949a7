"""Matching semantics, checked on both the naive evaluator and the index, and their agreement."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import QueryError
from bot.matching.document import analyze
from bot.matching.index import SubscriptionIndex
from bot.matching.query import parse_query
from tests.support.naive import matched_terms, naive_matches


def matches(query_text: str, *fields: str) -> bool:
    """The verdict, asserting that the naive evaluator and the index agree on it."""
    query = parse_query(query_text)
    doc = analyze(*fields)
    index = SubscriptionIndex()
    index.add(query)
    naive = naive_matches(query, doc)
    assert (query.normalized in index.match(doc)) == naive, query.normalized
    return naive


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Caspian pipeline", "A new pipeline under the Caspian", True),
        ("Caspian pipeline", "A new pipeline under the Black Sea", False),
        ('"Caspian Sea"', "Fishing in the Caspian Sea is down", True),
        ('"Caspian Sea"', "The sea east of the Caspian basin", False),
        ('"Caspian Sea"', "Sea Caspian", False),
        ("Gazprom OR Rosneft", "Rosneft raised output", True),
        ("Gazprom OR Rosneft", "Lukoil raised output", False),
        ("Azerbaijan Gazprom OR Rosneft", "Azerbaijan and Rosneft signed", True),
        ("Azerbaijan Gazprom OR Rosneft", "Gazprom and Rosneft signed", False),
        ("Azerbaijan Gazprom OR Rosneft", "Azerbaijan signed", False),
        ("Armenia -peace", "Armenia votes on a budget", True),
        ("Armenia -peace", "Armenia and peace talks", False),
        ("Armenia -peace", "Armenia hopes for peaceful talks", True),  # a word, not a prefix
        ('Armenia -"peace talks"', "Armenia, peace and talks", True),
        ('Armenia -"peace talks"', "Armenia resumes peace talks", False),
        ("Armenia -sanction*", "Armenia faces sanctions", False),
        ("sanction*", "The EU sanctioned three banks", True),
        ("sanction*", "New sanctions were announced", True),
        ("sanction*", "A sanctity of contracts", False),
        ("pipeline", "Two pipelines were built", True),
        ("pipelines", "One pipeline was built", True),
        ("countries", "Which country?", True),
        ("SOCAR", "SOCAR’s profit rose", True),
        ("SOCAR", "SOCAR's profit rose", True),
        ("SOCAR", "A socarrat is the crust of a paella", False),
        ("socar*", "A socarrat is the crust of a paella", True),
        ("Baki", "Talks in Bakı on Monday", True),
        ("Bakı", "Talks in BAKI on Monday", True),
        ("Баку", "Переговоры в БАКУ", True),
        ("баку", "Бакуриани", False),
        ("Élysée", "L'Elysee a confirmé", True),
        ("new gas", "Gas in the news today", False),
        ("gas", "Greenhouse gases", False),  # light stemming: no -es rule for -s words
        ("Baku-Tbilisi-Ceyhan", "The Baku Tbilisi Ceyhan line", True),
        ('"北京"', "他在北京工作", True),
    ],
)
def test_semantics(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_title_and_text_are_matched_together() -> None:
    assert matches("SOCAR Caspian", "SOCAR profit rises", "Output in the Caspian grew.")


def test_a_phrase_does_not_span_title_and_text() -> None:
    assert not matches('"Caspian Sea"', "News from the Caspian", "Sea levels are falling")
    assert matches('"Caspian Sea"', "News", "The Caspian Sea levels are falling")


def test_exclusion_applies_to_the_title_too() -> None:
    assert not matches("Armenia -peace", "Peace deal", "Armenia signs")


def test_index_add_is_idempotent_and_remove_is_a_noop_when_absent() -> None:
    index = SubscriptionIndex()
    query = parse_query("Gazprom OR Rosneft")
    index.add(query)
    index.add(parse_query("Rosneft OR Gazprom"))
    assert len(index) == 1
    assert query.normalized in index
    index.remove("not indexed")
    assert len(index) == 1


def test_index_updates_in_place() -> None:
    doc = analyze("Gazprom and SOCAR sign a Caspian deal", "Sanctions loom. Peace talks stall.")
    texts = ["gazprom", "socar -peace", '"caspian deal"', "sanction* socar", "rosneft", "caspian OR rosneft"]
    index = SubscriptionIndex(parse_query(t) for t in texts)
    assert index.match(doc) == {"gazprom", '"caspian deal"', "sanction* socar", "caspian OR rosneft"}
    index.remove("sanction* socar")
    index.remove("gazprom")
    assert index.match(doc) == {'"caspian deal"', "caspian OR rosneft"}
    assert "gazprom" not in index
    index.add(parse_query("Gazprom"))
    assert "gazprom" in index.match(doc)
    for normalized in ["gazprom", "socar -peace", '"caspian deal"', "rosneft", "caspian OR rosneft"]:
        index.remove(normalized)
    assert len(index) == 0
    assert index.match(doc) == set()


def test_matched_terms_lists_the_positive_terms_present() -> None:
    query = parse_query('"Caspian Sea" SOCAR OR Gazprom sanction* -peace')
    index = SubscriptionIndex([query])
    doc = analyze("SOCAR drills in the Caspian Sea", "No sanctions yet")
    present = {"caspian sea", "sanction*", "socar"}
    assert matched_terms(index, query, doc) == tuple(t for t in query.terms if t in present)
    assert set(query.terms) - present == {"gazprom"}
    assert matched_terms(index, parse_query("unknown"), doc) == ()


# Generated documents and queries over a small vocabulary, so that matches are frequent and
# phrases, prefixes and exclusions are exercised on both sides of the boundary.
_VOCAB = [
    "gas",
    "gases",
    "pipeline",
    "pipelines",
    "socar",
    "SOCAR’s",
    "socarrat",
    "sea",
    "Caspian",
    "Bakı",
    "baki",
    "Баку",
    "peace",
    "peaceful",
    "sanction",
    "sanctions",
    "sanctioned",
    "new",
    "news",
    "the",
]
_TEXT = st.lists(st.sampled_from([*_VOCAB, ",", "."]), max_size=25).map(" ".join)
_TERM = st.one_of(
    st.sampled_from(_VOCAB),
    st.builds(lambda a, b: f'"{a} {b}"', st.sampled_from(_VOCAB), st.sampled_from(_VOCAB)),
    st.builds(lambda a, b, c: f'"{a} {b} {c}"', *[st.sampled_from(_VOCAB)] * 3),
    st.sampled_from(["sanction*", "pipe*", "soca*", "peace*", "gase*", "new*"]),
)
_QUERY = st.lists(st.tuples(st.sampled_from(["", "", "", "-", "OR "]), _TERM), min_size=1, max_size=5).map(
    lambda parts: " ".join(p + t for p, t in parts)
)


def _parse_all(texts: list[str]) -> list:
    parsed = []
    for text in texts:
        try:
            parsed.append(parse_query(text))
        except QueryError:
            continue
    return parsed


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_QUERY, min_size=1, max_size=15),
    st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=4),
    st.sampled_from([None, "en", "tr", "ru"]),
)
def test_index_agrees_with_naive_evaluator(
    query_texts: list[str], docs: list[tuple[str, str]], lang: str | None
) -> None:
    queries = _parse_all(query_texts)
    index = SubscriptionIndex(queries)
    for title, text in docs:
        doc = analyze(title, text, lang=lang)
        assert index.match(doc) == {q.normalized for q in queries if naive_matches(q, doc)}
    # Removing half keeps the rest exact: no stale postings, no lost ones.
    kept = queries[::2]
    for query in queries[1::2]:
        if query not in kept:
            index.remove(query.normalized)
    for title, text in docs:
        doc = analyze(title, text, lang=lang)
        assert index.match(doc) == {q.normalized for q in kept if naive_matches(q, doc)}
    # Removing the rest leaves nothing behind: a bot that runs for months of /subscribe and
    # /unsubscribe must not keep postings of queries nobody has any more.
    for query in kept:
        index.remove(query.normalized)
    for by_lang in index._langs.values():
        left = (by_lang._hits, by_lang._postings, by_lang._firsts, by_lang._prefixes, by_lang._exact)
        assert not any(left)


@settings(max_examples=200, deadline=None)
@given(_QUERY, _TEXT, _TEXT)
def test_normalized_query_means_the_same(query_text: str, title: str, text: str) -> None:
    try:
        query = parse_query(query_text)
    except QueryError:
        return
    doc = analyze(title, text)
    assert naive_matches(parse_query(query.normalized), doc) == naive_matches(query, doc)
    assert parse_query(query.normalized).normalized == query.normalized
