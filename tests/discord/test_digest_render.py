"""Digests for Discord: heading as text, one embed per story, every message within Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.alerts.digest import compose
from bot.models import Alert, ChatRef, Digest
from handlers.discord.digest import digest_messages, digest_texts
from handlers.discord.render import (
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    MESSAGE_MAX,
    embed_text_len,
    utf16_len,
)

CHAT = ChatRef("discord", "99")
DUE = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def story(n: int, **changes: object) -> Alert:
    fields: dict[str, object] = {
        "chat": CHAT,
        "article_key": f"k{n}",
        "title": f"SOCAR story {n} @everyone",
        "url": f"https://example.com/news/{n}",
        "source": "Reuters",
        "published": DUE - timedelta(minutes=n),
        "matched": ("socar",),
        "bullets": ("word " * 150, "more " * 150),
        "created": DUE - timedelta(minutes=n),
    }
    fields.update(changes)
    return Alert(**fields)  # type: ignore[arg-type]


def digest(count: int) -> Digest:
    return Digest(
        "hourly",
        DUE - timedelta(hours=1),
        DUE,
        "Europe/Berlin",
        compose([story(n) for n in range(1, count + 1)]),
    )


def test_one_embed_per_story_with_the_heading_as_text() -> None:
    [message] = digest_messages(digest(2))
    assert message["content"] == "Hourly digest · 2 stories since 08:00"
    assert [e["url"] for e in message["embeds"]] == [
        "https://example.com/news/1",
        "https://example.com/news/2",
    ]
    assert "@everyone" not in message["embeds"][0]["title"]  # mentions neutralised
    assert message["embeds"][0]["timestamp"].startswith("2026-11-25T07:59")


def test_a_long_digest_spreads_over_messages_within_limits() -> None:
    messages = digest_messages(digest(45))
    assert len(messages) >= 5
    urls = [e["url"] for m in messages for e in m["embeds"]]
    assert urls == [f"https://example.com/news/{n}" for n in range(1, 46)]
    for n, message in enumerate(messages, start=1):
        assert len(message["embeds"]) <= EMBEDS_PER_MESSAGE
        assert sum(embed_text_len(e) for e in message["embeds"]) <= EMBED_TOTAL_MAX
        assert message["content"].endswith(f"({n}/{len(messages)})")


def test_plain_texts_stay_within_2000_and_keep_every_story() -> None:
    texts = digest_texts(digest(30))
    assert all(utf16_len(t) <= MESSAGE_MAX for t in texts)
    joined = "\n".join(texts)
    assert all(f"<https://example.com/news/{n}>" in joined for n in range(1, 31))
    assert "25 Nov 2026 08:59 CET" in joined
