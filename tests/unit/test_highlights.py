"""make_highlights: publisher bullets first, else keyword-aware extractive selection."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.alerts.highlights import make_highlights, shorten
from bot.text.clean import html_to_text, is_boilerplate

SEED = Path(__file__).parent.parent / "data" / "seed_article.html"
TITLE = "Russia’s Attack on Azerbaijan: Expert Explains Kremlin’s Motives"

FILLER = [
    "The central bank kept its main interest rate unchanged on Thursday after a two-day meeting.",
    "Officials said inflation had slowed for a third month in a row but remained above target.",
    "The decision was widely expected by economists polled before the announcement.",
    "Bond yields fell slightly after the statement was published on the bank's website.",
    "The governor told reporters that the outlook for growth remained uncertain this year.",
    "Exporters have complained for months that the strong currency hurts their sales abroad.",
    "Retail lending grew faster than expected in the first quarter, the bank's data showed.",
    "Analysts expect the next move to be a cut, although not before the autumn.",
]
DEEP = "Separately, the state energy company SOCAR said its Caspian output rose in March."


def test_seed_article_yields_its_four_publisher_bullets() -> None:
    bullets = make_highlights(TITLE, html_to_text(SEED.read_text("utf-8")), ("socar",))
    assert bullets == [
        "Russia has targeted Azerbaijan’s energy infrastructure in Ukraine following Baku’s independent "
        "policy shifts.",
        "Attacks on SOCAR facilities and a gas compressor station are seen as acts of revenge for "
        "Azerbaijan’s closer ties with Ukraine and the West.",
        "Hidden sabotage in the Caspian Sea is a potential future threat from Russia against Azerbaijan’s "
        "vital oil and gas operations.",
        "Azerbaijan is strengthening its position with Turkish support and recent diplomatic engagement "
        "with the U.S.",
    ]


def test_publisher_bullets_show_the_matched_term_when_none_mentions_it() -> None:
    text = html_to_text(SEED.read_text("utf-8"))
    bullets = make_highlights(TITLE, text, ("exxonmobil",), max_bullets=4)
    assert len(bullets) == 4
    assert "ExxonMobil" in bullets[-1]
    assert bullets[0].startswith("Russia has targeted")


def test_long_or_late_lists_are_not_publisher_bullets() -> None:
    items = [f"• Item {i} names one of the many gas fields in the region." for i in range(7)]
    long_list = "\n".join([*FILLER[:2], *items, *FILLER[2:]])
    assert make_highlights("Rates", long_list)[0] == FILLER[0]
    late = "\n".join([*FILLER, *items[:3]])
    assert make_highlights("Rates", late)[0] == FILLER[0]


def test_deep_keyword_gets_a_bullet_and_bullets_keep_article_order() -> None:
    text = "\n".join([*FILLER, DEEP, "The bank meets again in six weeks."])
    plain = make_highlights("Central bank holds rates", text)
    assert not any("SOCAR" in b for b in plain)
    for terms in (("socar",), ("caspian output",), ("soca*",)):
        bullets = make_highlights("Central bank holds rates", text, terms)
        assert any("SOCAR" in b for b in bullets), terms
        positions = [text.index(b) for b in bullets]
        assert positions == sorted(positions)
        assert 2 <= len(bullets) <= 4


def test_lead_sentences_are_preferred_without_terms() -> None:
    bullets = make_highlights("Central bank holds rates", "\n".join(FILLER))
    assert bullets[0] == FILLER[0]
    assert 2 <= len(bullets) <= 4


def test_short_teaser_gives_one_bullet() -> None:
    assert make_highlights("Oil rises", "Oil rose 2% on Monday. Traders cited supply worries.") == [
        "Oil rose 2% on Monday. Traders cited supply worries."
    ]
    assert make_highlights("Oil rises", "Brent crude rose 2% on Monday after OPEC talks.") == [
        "Brent crude rose 2% on Monday after OPEC talks."
    ]


def test_title_is_never_repeated_as_a_bullet() -> None:
    title = "Central bank keeps rates on hold"
    text = "\n".join(["Central bank keeps rates on hold.", *FILLER[:4]])
    bullets = make_highlights(title, text)
    assert bullets and all(b.rstrip(".") != title for b in bullets)


def test_long_sentence_is_shortened_at_a_word_boundary() -> None:
    long = "The pipeline consortium said " + "that the new compressor stations would be built " * 12 + "soon."
    bullets = make_highlights("Pipeline", long)
    assert len(bullets) == 1
    assert len(bullets[0]) <= 300 and bullets[0].endswith("…")
    assert not bullets[0][:-1].endswith(" ")
    assert long.startswith(bullets[0][:-1])
    assert shorten("short.") == "short."


def test_long_term_sentence_keeps_the_term_visible() -> None:
    sentence = (
        "Officials said " + "the talks continued late into the night, " * 10 + "and SOCAR signed the deal."
    )
    text = "\n".join([*FILLER, sentence])
    bullets = make_highlights("Talks", text, ("socar",))
    hit = [b for b in bullets if "SOCAR" in b]
    assert hit and len(hit[0]) <= 300


def test_no_usable_sentence_gives_empty_list() -> None:
    assert make_highlights("Title", "") == []
    assert make_highlights("Title", "Leave a Comment\nYou may also like") == []


def test_boilerplate_lines_never_become_bullets() -> None:
    text = "\n".join([*FILLER[:5], "You may also like", "Leave a Comment", "Read more"])
    bullets = make_highlights("Rates", text, max_bullets=4)
    assert all(not is_boilerplate(b) for b in bullets)


MARKUP = re.compile(r"<[A-Za-z/!?][^<>]*>")
blocks = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from([*FILLER, DEEP, "• point one here", "Leave a Comment", "<p>para</p>", "Read more"]),
    ),
    max_size=15,
).map("\n".join)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40), blocks, st.lists(st.sampled_from(["socar", "caspian sea", "rate*", "*", ""])))
def test_make_highlights_never_raises_or_emits_markup_or_boilerplate(
    title: str, text: str, terms: list[str]
) -> None:
    bullets = make_highlights(title, text, terms, max_bullets=4)
    assert len(bullets) <= 4
    for bullet in bullets:
        assert bullet.strip() and len(bullet) <= 300
        assert not MARKUP.search(bullet)
        assert not is_boilerplate(bullet)
        assert not bullet.startswith("• ")
