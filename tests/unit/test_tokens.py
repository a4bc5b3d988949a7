"""Tokens: folding, word boundaries, light stemming — shared by queries, matching and highlights."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.tokens import bare, fold, stem, tokenize, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bakı", "baki"),
        ("SOCAR’s", "socar's"),
        ("Élysée", "elysee"),
        ("БАКУ", "баку"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
    ],
)
def test_fold_removes_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_of_long_text_equals_fold_of_its_parts() -> None:
    part = "Bakı and Élysée, SOCAR’s БАКУ. "
    assert fold(part * 20) == fold(part) * 20


def test_words_keep_inner_apostrophes_and_split_on_punctuation() -> None:
    assert words("SOCAR’s Baku-Tbilisi-Ceyhan pipeline (BTC), O'Neil.") == [
        "socar's",
        "baku",
        "tbilisi",
        "ceyhan",
        "pipeline",
        "btc",
        "o'neil",
    ]


def test_decomposed_accents_do_not_split_a_word() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Bakı")
    assert words(decomposed) == ["cafe", "baki"]


def test_unspaced_scripts_become_one_token_per_character() -> None:
    assert words("北京大学 news") == ["北", "京", "大", "学", "news"]


@pytest.mark.parametrize(
    ("token", "stemmed"),
    [
        ("pipelines", "pipeline"),
        ("sanctions", "sanction"),
        ("countries", "country"),
        ("boxes", "box"),
        ("churches", "church"),
        ("socar's", "socar"),
        ("news", "news"),  # not the plural of "new"
        ("gas", "gas"),
        ("business", "business"),
        ("analysis", "analysis"),
        ("баку", "баку"),
    ],
)
def test_stem_strips_simple_plurals_and_possessives(token: str, stemmed: str) -> None:
    assert stem(token) == stemmed


def test_bare_strips_possessive_and_apostrophes_only() -> None:
    assert bare("socar's") == "socar"
    assert bare("o'neil") == "oneil"
    assert bare("l'elysee") == "elysee"
    assert bare("pipelines") == "pipelines"


def test_tokenize_is_stemmed_words() -> None:
    text = "Gazprom's pipelines and SOCAR’s sanctions in Bakı"
    assert tokenize(text) == [stem(w) for w in words(text)]
    assert tokenize(text) == ["gazprom", "pipeline", "and", "socar", "sanction", "in", "baki"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fold_is_idempotent_and_words_are_stable(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    found = words(text)
    assert words(" ".join(found)) == found
