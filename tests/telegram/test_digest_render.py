"""Digests as Telegram messages: valid HTML, split at the limit between stories, never inside one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.alerts.digest import compose
from bot.models import Alert, ChatRef, Digest
from handlers.telegram.digest import render_digest, render_digest_plain
from handlers.telegram.render import MAX_MESSAGE, utf16_len
from tests.telegram.html_checker import check_telegram_html, hrefs

CHAT = ChatRef("telegram", "42")
DUE = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def story(n: int, **changes: object) -> Alert:
    fields: dict[str, object] = {
        "chat": CHAT,
        "article_key": f"k{n}",
        "title": f"SOCAR story number {n} & more",
        "url": f"https://example.com/news/{n}?a=1&b=2",
        "source": "Reuters",
        "published": DUE - timedelta(minutes=n),
        "matched": ("socar",),
        "bullets": (f"Point one of {n}.", f"Point two of {n}."),
        "created": DUE - timedelta(minutes=n),
    }
    fields.update(changes)
    return Alert(**fields)  # type: ignore[arg-type]


def digest(items: list[Alert], zone: str = "Asia/Baku") -> Digest:
    return Digest("daily 08:00", DUE - timedelta(days=1), DUE, zone, compose(items))


def test_heading_then_linked_titles_source_local_time_and_matches() -> None:
    [text] = render_digest(digest([story(1), story(2, matched=("socar", '"caspian sea"'))]))
    check_telegram_html(text)
    lines = text.split("\n")
    assert lines[0] == "<b>Daily digest · 2 stories since 12:00 yesterday</b>"
    assert lines[2] == '<a href="https://example.com/news/1?a=1&amp;b=2">SOCAR story number 1 &amp; more</a>'
    assert lines[3] == "Reuters · 25 Nov 2026 11:59 +04 · socar"
    assert lines[4:6] == ["• Point one of 1.", "• Point two of 1."]
    assert 'Reuters · 25 Nov 2026 11:58 +04 · socar, "caspian sea"' in text
    assert hrefs(text) == ["https://example.com/news/1?a=1&amp;b=2", "https://example.com/news/2?a=1&amp;b=2"]


def test_only_the_first_three_stories_carry_bullets() -> None:
    [text] = render_digest(digest([story(n) for n in range(1, 6)]))
    assert text.count("• ") == 6  # two bullets each for three stories


def test_a_long_digest_splits_between_stories_within_the_limit() -> None:
    long = "word " * 80
    items = [story(n, title=f"Story {n} " + long, bullets=(long, long, long)) for n in range(1, 121)]
    parts = render_digest(digest(items))
    assert len(parts) > 3
    for n, part in enumerate(parts, start=1):
        check_telegram_html(part)
        assert utf16_len(part) <= MAX_MESSAGE
        assert part.startswith(f"<b>Daily digest · 120 stories since 12:00 yesterday ({n}/{len(parts)})</b>")
    found = [h for part in parts for h in hrefs(part)]
    assert found == [
        f"https://example.com/news/{n}?a=1&amp;b=2" for n in range(1, 121)
    ]  # each once, in order
    for part in parts:  # every story's block is whole: its link is followed by its meta line
        body = part.split("\n\n")[1:]
        assert all(block.startswith("<a href=") and "\nReuters · " in block for block in body)


def test_plain_rendering_has_no_markup() -> None:
    [text] = render_digest_plain(digest([story(1)]))
    assert "<" not in text and "SOCAR story number 1 & more https://example.com/news/1?a=1&b=2" in text


def test_a_story_without_a_safe_link_gets_a_bold_title() -> None:
    [text] = render_digest(digest([story(1, url="javascript:alert(1)")]))
    check_telegram_html(text)
    assert "<b>SOCAR story number 1 &amp; more</b>" in text and "javascript" not in text


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(any_text, min_size=1, max_size=6),
    url=st.one_of(any_text, st.builds(lambda s: "https://example.com/" + s, any_text)),
    matched=st.lists(st.text(max_size=220), max_size=8),
    bullets=st.lists(any_text, max_size=4),
)
def test_any_feed_text_renders_valid_messages_within_limit(
    titles: list[str], url: str, matched: list[str], bullets: list[str]
) -> None:
    items = [
        story(n, title=t, url=url, matched=tuple(matched), bullets=tuple(bullets))
        for n, t in enumerate(titles)
    ]
    for part in render_digest(digest(items)):
        check_telegram_html(part)
        assert utf16_len(part) <= MAX_MESSAGE
    assert all(utf16_len(p) <= MAX_MESSAGE for p in render_digest_plain(digest(items)))
