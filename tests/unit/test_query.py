"""The query language: what parses to what, what is rejected and why, one form per meaning."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import QueryError
from bot.matching.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query


@pytest.mark.parametrize(
    ("text", "normalized", "terms"),
    [
        ("Caspian pipeline", "caspian pipeline", ("caspian", "pipeline")),
        ('"Caspian Sea"', '"caspian sea"', ("caspian sea",)),
        ("Gazprom OR Rosneft", "gazprom OR rosneft", ("gazprom", "rosneft")),
        (
            "Azerbaijan Gazprom OR Rosneft",
            "azerbaijan gazprom OR rosneft",
            ("azerbaijan", "gazprom", "rosneft"),
        ),
        ("Armenia -peace", "armenia -peace", ("armenia",)),
        ('Armenia -"peace talks"', 'armenia -"peace talks"', ("armenia",)),
        ("sanction*", "sanction*", ("sanction*",)),
        ("Sanction* -sanctioned", "sanction* -sanctioned", ("sanction*",)),
        ("SOCAR’s", "socar", ("socar",)),
        ("Bakı", "baki", ("baki",)),
        ("Баку", "баку", ("баку",)),
        ("Baku-Tbilisi-Ceyhan", '"baku tbilisi ceyhan"', ("baku tbilisi ceyhan",)),
        ("“Caspian Sea” SOCAR", '"caspian sea" socar', ("caspian sea", "socar")),
        ('"Gazprom"', '"gazprom"', ("gazprom",)),  # a quoted word: that form only (issue 15)
        ("Gazprom or Rosneft", "gazprom OR rosneft", ("gazprom", "rosneft")),  # "or" in any case
        ("Gazprom AND Rosneft", "gazprom rosneft", ("gazprom", "rosneft")),  # AND is implicit
        ('"war and peace"', '"war and peace"', ("war and peace",)),  # quoted: words
    ],
)
def test_parses_to_canonical_form(text: str, normalized: str, terms: tuple[str, ...]) -> None:
    query = parse_query(text)
    assert query.normalized == normalized
    assert query.terms == terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Caspian pipeline", "PIPELINE caspian"),
        ("Gazprom OR Rosneft", "Rosneft OR Gazprom"),
        ("Azerbaijan Gazprom OR Rosneft", "Rosneft OR Gazprom azerbaijan"),
        ("-peace Armenia -war", "Armenia -war -peace"),
        ("socar socar", "SOCAR"),
        ("Gazprom OR Gazprom", "gazprom"),
        ("gazprom gazprom OR rosneft", "gazprom"),  # the OR-group is implied by gazprom
        ("Baki", "Bakı"),
        ("SOCAR's", "SOCAR’s"),
        ('"caspian   sea"', '"Caspian Sea"'),
        ("a OR b c -d OR", None),
    ],
)
def test_queries_that_mean_the_same_share_one_normalized_form(a: str, b: str | None) -> None:
    if b is None:
        with pytest.raises(QueryError):
            parse_query(a)
        return
    assert parse_query(a).normalized == parse_query(b).normalized
    assert parse_query(a) == parse_query(b)


def test_different_meanings_keep_different_forms() -> None:
    forms = {
        parse_query(q).normalized
        for q in [
            "caspian sea",
            '"caspian sea"',
            "caspian OR sea",
            "caspian -sea",
            "caspian*",
            "sea caspian*",
        ]
    }
    assert len(forms) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-peace", "not only exclusions"),
        ('-"peace talks" -war', "not only exclusions"),
        ('"Caspian Sea', "quote is not closed"),
        ("OR", "'OR' must stand between two terms"),
        ("OR Gazprom", "'OR' must stand between two terms"),
        ("Gazprom OR", "'OR' must stand between two terms"),
        ("Gazprom OR OR Rosneft", "'OR' must stand between two terms"),
        ("Gazprom OR -Rosneft", "excluded term cannot be part of an OR"),
        ("-Gazprom OR Rosneft", "excluded term cannot be part of an OR"),
        ("x" * (MAX_QUERY_CHARS + 1), f"at most {MAX_QUERY_CHARS}"),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), f"at most {MAX_TERMS}"),
        ("Caspian &&", "'&&' has no letters or digits"),
        ('Caspian "!!"', "has no letters or digits"),
        ("sa*", "at least 3 letters before '*'"),
        ("sanc*ion", "at the end of a word"),
        ("sanction**", "at the end of a word"),
        ('"sanction*"', "do not work inside quotes"),
        ("Baku-Tbilisi*", "single word"),
        ("Armenia - peace", "right after '-'"),
        ("Armenia -armenia", "also excluded"),
    ],
)
def test_invalid_queries_say_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=None) as caught:
        parse_query(text)
    assert message in str(caught.value)


def test_limits_are_inclusive() -> None:
    parse_query("x" * MAX_QUERY_CHARS)
    parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS)))


def test_or_binds_tighter_than_and() -> None:
    query = parse_query("Azerbaijan Gazprom OR Rosneft")
    assert [[t.label for t in g] for g in query.groups] == [["azerbaijan"], ["gazprom", "rosneft"]]


def test_exclusion_of_an_or_member_drops_it_from_the_group() -> None:
    assert parse_query("gazprom OR rosneft -rosneft").normalized == "gazprom -rosneft"


_ATOMS = st.sampled_from(
    ["Gazprom", "rosneft", "SOCAR’s", "Bakı", "Баку", "pipelines", "sea", "Caspian", "peace", "news", "gas"]
)
_TERM = st.one_of(
    _ATOMS,
    st.builds(lambda a, b: f'"{a} {b}"', _ATOMS, _ATOMS),
    st.builds(lambda a: a[:4] + "*", st.sampled_from(["sanctions", "pipelines", "Caspian", "Azerbaijan"])),
)
_QUERY = st.lists(st.tuples(st.sampled_from(["", "", "-", "OR "]), _TERM), min_size=1, max_size=6).map(
    lambda parts: " ".join(p + t for p, t in parts)
)


@settings(max_examples=200, deadline=None)
@given(_QUERY)
def test_normalized_form_reparses_to_itself(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    again = parse_query(query.normalized)
    assert again.normalized == query.normalized
    assert again.terms == query.terms


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert str(error)
        return
    assert parse_query(query.normalized).normalized == query.normalized


@pytest.mark.parametrize("text", ["the", "The new", '"the"', "and the OR of"])
def test_a_query_of_only_common_words_is_refused(text: str) -> None:
    with pytest.raises(QueryError, match="almost every story"):
        parse_query(text)


def test_a_common_word_beside_a_specific_one_is_fine() -> None:
    assert parse_query("new gas").normalized == "gas new"


def test_a_query_whose_normal_form_is_only_common_words_is_refused() -> None:
    # "new gas OR new" simplifies to "new": stored, it would no longer load after a restart
    with pytest.raises(QueryError, match="'new' would match almost every story"):
        parse_query("new gas OR new")
