"""Where the matched words are, as matching sees them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.alerts.emphasis import matched_terms, spans, story_language
from handlers.telegram.render import emphasize, escape


def marked(text: str, *queries: str) -> str:
    return emphasize(text, spans(text, matched_terms(queries)), "b")


def test_words_plurals_possessives_accents_phrases_and_prefixes() -> None:
    assert marked("SOCAR’s pipelines", "socar", "pipeline") == "<b>SOCAR’s</b> <b>pipelines</b>"
    assert marked("Talks in Bakı today", "baki") == "Talks in <b>Bakı</b> today"
    assert marked("the Caspian Sea and the sea", '"caspian sea"') == "the <b>Caspian Sea</b> and the sea"
    assert marked("New sanctions sanctioned", "sanction*") == "New <b>sanctions</b> <b>sanctioned</b>"
    assert marked("Gazprom or Rosneft", "gazprom OR rosneft") == "<b>Gazprom</b> or <b>Rosneft</b>"


def test_excluded_words_and_non_matches_are_not_marked() -> None:
    assert marked("Armenia peace talks", "armenia -peace") == "<b>Armenia</b> peace talks"
    assert marked("socarrat rice", "socar") == "socarrat rice"
    assert marked("a < b & c", "socar") == "a &lt; b &amp; c"


@given(st.text(max_size=200), st.sampled_from(["socar", '"caspian sea"', "sanction*", "a OR b"]))
def test_marks_never_break_the_escaped_text(text: str, query: str) -> None:
    out = marked(text, query)
    assert out.replace("<b>", "").replace("</b>", "") == escape(text)


def in_language(text: str, lang: str, *queries: str) -> str:
    return emphasize(text, spans(text, matched_terms(queries), lang), "b")


def test_inflected_forms_are_marked_under_the_story_language_and_only_forms_of_the_word() -> None:
    assert in_language("Акции Газпрома выросли", "ru", "газпром") == "Акции <b>Газпрома</b> выросли"
    assert in_language("В Москве, не москвичи", "ru", "москва") == "В <b>Москве</b>, не москвичи"
    assert in_language("У Києві та Києва", "uk", "київ") == "У <b>Києві</b> та <b>Києва</b>"
    assert in_language("Bakı'da bakım işleri", "tr", "bakı") == "<b>Bakı'da</b> bakım işleri"
    assert marked("Акции Газпрома выросли", "газпром") == "Акции Газпрома выросли"  # no language: as typed


def test_the_story_language_comes_from_the_alert_words() -> None:
    title, bullets = "Акции Газпрома выросли после сделки", ["Газпрому разрешили экспорт газа в Китай."]
    assert story_language(title, bullets) == "ru"
