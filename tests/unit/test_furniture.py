"""Furniture removal: data-driven, multilingual, measured on the labelled sample in tests/data/furniture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.bench_furniture import bullet_of, reaching
from bot.text.cues import cues, fold, prefixes
from bot.text.furniture import (
    DATA_DIR,
    LANGUAGES,
    FurnitureRules,
    RuleError,
    clean_bullets,
    default_rules,
    is_furniture,
    load_rules,
    parse_rules,
    strip_furniture,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "furniture"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Reporting by Jane Doe in London; Editing by John Smith", "credit"),
        (
            "(Reporting by Aziz Karimov in Baku; additional reporting by Ana Lee; Editing by Mark Heinrich)",
            "credit",
        ),
        ("Our Standards: The Thomson Reuters Trust Principles.", "credit"),
        ("CNN's Emily Smith and Jo Lee contributed to this report.", "credit"),
        (
            "This material may not be published, broadcast, rewritten or redistributed without permission.",
            "rights",
        ),
        ("© 2026 Caspian News. All rights reserved.", "rights"),
        ("Sign up for our newsletter to get the week's top stories.", "newsletter"),
        ("Get the latest news delivered to your inbox.", "newsletter"),
        ("Follow us on Twitter and Facebook.", "share"),
        ("Read more: SOCAR signs a gas deal", "related"),
        ("Related: Azerbaijan and Armenia agree a border commission", "related"),
        ("Читайте также: В Баку открылся терминал", "related"),
        ("Підписуйтесь на наш Telegram-канал", "newsletter"),
        ("Lesen Sie auch: Aserbaidschan erhöht die Förderung", "related"),
        ("Abonnez-vous à notre newsletter pour recevoir l'essentiel.", "newsletter"),
        ("Síguenos en Twitter", "share"),
        ("İlgili Haber: Azerbaycan üretimi artırdı", "related"),
        ("Həmçinin oxuyun: SOCAR hasilatı artırıb", "related"),
    ],
)
def test_furniture_lines_are_recognised_with_their_kind(line: str, kind: str) -> None:
    assert default_rules().kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Subscribers to the new service will pay $5 a month, the company said.",
        "The newsletter's editor was arrested in Baku on Tuesday, his lawyer said.",
        "Copyright law in Azerbaijan was amended last year to cover streaming services.",
        "Compiled by Central Banking Publications and sponsored by a bank, the survey found 39 buyers.",
        "Follow-up talks are planned for next month in Geneva.",
        "Ранее сообщалось, что SOCAR увеличит добычу газа.",
        "İlgili bakanlık konuyla ilgili açıklama yaptı.",
        "Prezident mövzu ilə bağlı müşavirə keçirib.",
    ],
)
def test_story_sentences_that_look_like_furniture_are_kept(line: str) -> None:
    assert not is_furniture(line)
    assert strip_furniture(line) == line


def test_a_long_sentence_is_story_even_when_it_starts_like_a_prompt() -> None:
    long = "Sign up for the newsletter was mandatory, " + "and the ministry said so again " * 12 + "."
    assert not is_furniture(long)


def test_furniture_sentences_leave_the_rest_of_the_block() -> None:
    text = (
        "SOCAR raised output by 3% in October. Jane Doe contributed to this report.\n"
        "• Gas exports rose to Europe (Reporting by Aziz Karimov; Editing by Mark Heinrich)\n"
        "Scroll down for video An outfit worn by Vivien Leigh sold for $137,000.\n"
        "Sign up for our newsletter to get the week's energy stories.\n"
        "Oil prices fell."
    )
    assert strip_furniture(text).splitlines() == [
        "SOCAR raised output by 3% in October.",
        "• Gas exports rose to Europe",
        "An outfit worn by Vivien Leigh sold for $137,000.",
        "Oil prices fell.",
    ]


def test_clean_bullets_drops_bullets_that_were_only_furniture() -> None:
    bullets = [
        "Output rose 3%.",
        "Get the latest news delivered to your inbox.",
        "Talks resume on Monday. Read more",
    ]
    assert clean_bullets(bullets) == ["Output rose 3%.", "Talks resume on Monday."]


def test_embedded_posts_lose_their_links_and_bylines() -> None:
    rules = default_rules()
    assert rules.clean_block("It lasted 6 seconds. pic.twitter.com/AnpvcicXMT") == "It lasted 6 seconds."
    assert rules.clean_block("• Josh Marshall (@joshtpm) November 8, 2017") == ""
    assert rules.clean_block("• Juan (@Lozoot87) 5 de enero de 2017") == ""


def test_every_bundled_language_has_a_data_file_and_rules() -> None:
    rules = default_rules()
    assert set(LANGUAGES) >= {"en", "ru", "de", "fr", "es", "tr", "az", "uk"}
    assert rules.languages == LANGUAGES
    for lang in LANGUAGES:
        assert (DATA_DIR / f"{lang}.txt").is_file()
        assert sum(r.lang == lang for r in rules.rules) >= 5


def test_rules_can_be_loaded_for_some_languages_only() -> None:
    english = load_rules(["en"])
    assert english.is_furniture("Follow us on Twitter and Facebook.")
    assert not english.is_furniture("Читайте также: В Баку открылся терминал")


def test_a_bad_rule_line_names_its_file_and_line() -> None:
    with pytest.raises(RuleError, match="xx:2"):
        parse_rules("# comment\nremove credit ^by\n", "xx")
    with pytest.raises(RuleError, match="xx:1: bad pattern"):
        parse_rules("drop credit ^(unclosed\n", "xx")


def test_empty_and_odd_input_never_raises() -> None:
    assert strip_furniture("") == ""
    assert strip_furniture("\n\n•  \n") == ""
    assert strip_furniture("| — ·") == "| — ·"


def _records(name: str) -> list[dict[str, str]]:
    with (SAMPLES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.mark.parametrize("name", ["corpus_sample.jsonl", "handmade.jsonl"])
def test_labelled_samples_are_well_formed(name: str) -> None:
    records = _records(name)
    assert len(records) > 50
    for record in records:
        assert {"src", "lang", "text", "expected"} <= set(record)
        assert len(record["text"]) <= 300  # bullets are short; no long third-party text is kept


def _all_records() -> list[dict[str, str]]:
    return [r for name in ("corpus_sample.jsonl", "handmade.jsonl") for r in _records(name)]


def test_no_story_sentence_of_the_samples_is_removed() -> None:
    rules = default_rules()
    for record in _all_records():
        if record["expected"] == record["text"]:
            assert rules.clean_block(reaching(record)) == record["text"], record


def test_furniture_of_the_samples_is_removed() -> None:
    rules = default_rules()
    # counted as the benchmark counts: bullets that still carry furniture (a short caption-like
    # line such as "A photo contest winner" never becomes a bullet, whatever the rules say)
    left = [
        r["text"]
        for r in _all_records()
        if bullet_of(rules.clean_block(reaching(r))) != bullet_of(r["expected"])
    ]
    assert left == []


def test_related_headlines_in_a_story_list_never_reach_the_text() -> None:
    records = _records("corpus_sample.jsonl")
    related = [r for r in records if "html" in r and r["src"].startswith("feeds/20minutos")]
    assert any(r["text"].startswith("• Whatsapp dejará") for r in related)
    for record in related:
        assert (reaching(record) == "") == (record["expected"] == ""), record


# --- the cues that pick the rules to run: never a different result ---------------------------------

_EVERY_RULE = FurnitureRules(default_rules().rules, prefilter=False)


def test_rules_picked_by_cues_clean_every_sample_like_every_rule_does() -> None:
    rules = default_rules()
    for record in _all_records():
        for text in (record["text"], record["expected"]):
            assert rules.clean_block(text) == _EVERY_RULE.clean_block(text), text
            assert rules.kind(text) == _EVERY_RULE.kind(text), text


_PIECES = sorted({c for r in default_rules().rules for fact in cues(r.pattern.pattern) or () for c in fact})
_ODD = ["İ", "ı", "ſ", "K", "ß", "Σ", " ", "(", ")", "/", ":", "@", "•", "2026", "©", "."]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_PIECES),
            st.sampled_from(_PIECES).map(str.upper),
            st.sampled_from(_ODD),
            st.text(max_size=6),
        ),
        max_size=12,
    )
)
def test_any_text_is_cleaned_the_same_with_or_without_cues(parts: list[str]) -> None:
    text = "".join(parts)
    assert default_rules().kind(text) == _EVERY_RULE.kind(text)
    assert default_rules().clean_block(text) == _EVERY_RULE.clean_block(text)


def test_cues_fold_text_the_way_ignorecase_compares_it() -> None:
    assert fold("İLGİLİ HABER") == "ilgili haber"
    assert fold("ılgılı") == fold("ILGILI")  # re.IGNORECASE matches dotless ı with i
    assert fold("ſign") == fold("sign")
    assert fold("Reuters") == "reuters"


def test_cues_and_prefixes_of_a_rule() -> None:
    assert cues(r"\s*pic\.twitter\.com/\w+") == (frozenset({"pic.twitter.com/"}),)
    facts = cues(r"^our standards\s*:") or ()
    assert facts[0] == frozenset({"our standards"}) and frozenset({":"}) in facts
    assert prefixes(r"^(?:please )?follow (?:us|me)") == frozenset({"please ", "follow "})
    assert prefixes(r"^\d{1,2}:\d{2}") is None  # no literal start: found by what it contains
    assert prefixes(r"follow us") is None  # not anchored
    assert cues(r"(?:a|)") is None and cues(r"(unclosed") is None
