"""Forms of one word per language: every query -> must / must-not match example of issue 15."""

from __future__ import annotations

import pytest

from bot.text.stemming import analyzer, base_language, lower, same_word

MUST = [
    # Russian: Snowball, plus the cut-one-ending rule that closes Газпром -> газпр / Газпрома -> газпром
    ("ru", "Москва", "Москве"),
    ("ru", "Москва", "Москвы"),
    ("ru", "Газпром", "Газпрома"),
    ("ru", "Газпром", "Газпромом"),
    ("ru", "Газпрома", "Газпром"),
    ("ru", "Каспийское", "Каспийского"),
    # English: light plural rules plus "-es" after s
    ("en", "gas", "gases"),
    ("en", "pipeline", "pipelines"),
    ("en", "SOCAR", "SOCAR’s"),
    ("en", "country", "countries"),
    # Turkish: validated Snowball, names take endings after an apostrophe
    ("tr", "hattı", "hattında"),
    ("tr", "hattında", "hattı"),
    ("tr", "Bakı", "Bakı'da"),
    ("tr", "Bakı", "Bakıda"),
    ("tr", "İstanbul", "İSTANBUL'DA"),
    ("tr", "kitap", "kitabı"),
    ("tr", "boru", "boruları"),
    # Ukrainian: own rules, і/ї alternation
    ("uk", "Київ", "Києві"),
    ("uk", "Київ", "Києва"),
    ("uk", "Київ", "Київ"),
    ("uk", "Харків", "Харкова"),
    ("uk", "Харків", "Харкові"),
    ("uk", "Львів", "Львові"),
    ("uk", "депутат", "депутатів"),
    # Azerbaijani: own rules and İ/i, I/ı, Ə/ə
    ("az", "Bakı", "Bakıda"),
    ("az", "Bakı", "Bakının"),
    ("az", "Bakı", "BAKI"),
    ("az", "İlham", "ilham"),
    ("az", "neft", "nefti"),
    ("az", "Gəncə", "GƏNCƏDƏ"),
    # Snowball languages
    ("de", "Gazprom", "Gazproms"),
    ("de", "Pipeline", "Pipelines"),
    ("fr", "élection", "élections"),
    ("es", "elección", "elecciones"),
    ("it", "elezione", "elezioni"),
    ("pt", "eleição", "eleições"),
    # accents and case stay off, as everywhere
    ("az", "Baki", "Bakı"),
]

MUST_NOT = [
    ("tr", "Bakı", "bakım"),
    ("tr", "Bakı", "bakımı"),
    ("tr", "Bakı", "bakanı"),
    ("en", "gas", "gaseous"),
    ("en", "new", "news"),
    ("en", "us", "uses"),
    ("ru", "Москва", "Москворецкий"),
    ("uk", "Київ", "Кий"),
    ("az", "Gəncə", "gənc"),
    ("ru", "мир", "мирный"),
]


@pytest.mark.parametrize(("lang", "query", "word"), MUST)
def test_forms_of_one_word_match(lang: str, query: str, word: str) -> None:
    assert same_word(query, word, lang), (analyzer(lang).key(query), analyzer(lang).keys(word))


@pytest.mark.parametrize(("lang", "query", "word"), MUST_NOT)
def test_unrelated_words_do_not(lang: str, query: str, word: str) -> None:
    assert not same_word(query, word, lang), (analyzer(lang).key(query), analyzer(lang).keys(word))


def test_no_rules_cross_languages() -> None:
    # Turkish cuts "-da"; under English rules "Bakıda" is one word of its own
    assert same_word("Bakı", "Bakıda", "tr")
    assert not same_word("Bakı", "Bakıda", "en")
    # Russian endings are not cut under German rules
    assert not same_word("Газпром", "Газпрома", "de")


def test_turkic_case_folding() -> None:
    assert lower("İSTANBUL", "tr") == "istanbul"
    assert lower("IĞDIR", "tr") == "ığdır"
    assert lower("ƏLİYEV", "az") == "əliyev"
    assert lower("ISTANBUL", "en") == "istanbul"


def test_language_tags() -> None:
    assert base_language("pt-BR") == "pt"
    assert base_language("EN_us") == "en"
    assert base_language(None) == "und"
    assert base_language("") == "und"
    assert base_language("x-klingon-123") == "und"


def test_unknown_language_uses_neutral_rules() -> None:
    assert analyzer("xx").lang == "und"
    assert same_word("pipeline", "pipelines", None)


def test_cjk_keys_are_the_characters() -> None:
    assert analyzer("zh").key("巴") == "巴"
