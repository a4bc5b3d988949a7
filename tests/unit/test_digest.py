"""Composing a digest from held stories, and how its heading reads in the chat's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.digest import BURST, QUIET, compose, heading, is_late, since_phrase
from bot.clock import format_local
from bot.models import Alert, ChatRef, Digest

CHAT = ChatRef("telegram", "42")
BAKU = ZoneInfo("Asia/Baku")
UTCZ = ZoneInfo("UTC")
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def held(key: str, minutes: int, matched: tuple[str, ...] = ("socar",), bullets=("A point.",)) -> Alert:
    return Alert(
        chat=CHAT,
        article_key=key,
        title=f"Story {key}",
        url=f"https://example.org/{key}",
        source="Wire",
        published=T0 + timedelta(minutes=minutes),
        matched=matched,
        bullets=bullets,
        created=T0 + timedelta(minutes=minutes + 1),
    )


def test_each_story_once_newest_first_with_every_subscription_it_matched() -> None:
    items = compose([held("a", 1), held("b", 5), held("a", 1, ("gazprom",)), held("c", 3)])
    assert [i.article_key for i in items] == ["b", "c", "a"]
    assert items[2].matched == ("socar", "gazprom")


def test_only_the_first_three_keep_their_highlights() -> None:
    items = compose([held(str(n), n) for n in range(5)])
    assert [bool(i.bullets) for i in items] == [True, True, True, False, False]


def test_an_undated_story_sorts_by_when_it_was_found() -> None:
    undated = Alert(CHAT, "u", "U", "", "Wire", None, ("socar",), (), T0 + timedelta(hours=1))
    assert compose([held("a", 5), undated])[0].article_key == "u"


def _digest(bucket: str, since: datetime, due: datetime, count: int = 5, late: bool = False) -> Digest:
    return Digest(bucket, since, due, "Asia/Baku", compose([held(str(n), n) for n in range(count)]), late)


def test_headings() -> None:
    day = timedelta(days=1)
    assert (
        heading(_digest("daily 08:00", T0 - day, T0), UTCZ)
        == "Daily digest · 5 stories since 08:00 yesterday"
    )
    assert (
        heading(_digest("daily 08:00", T0 - day, T0), BAKU)
        == "Daily digest · 5 stories since 12:00 yesterday"
    )
    assert (
        heading(_digest("hourly", T0 - timedelta(hours=1), T0, 1), UTCZ)
        == "Hourly digest · 1 story since 07:00"
    )
    weekly = heading(_digest("weekly mon 08:00", T0 - 7 * day, T0), UTCZ)
    assert weekly == "Weekly digest · 5 stories since 17 Nov 08:00"
    assert heading(_digest(QUIET, T0 - timedelta(hours=9), T0, 2), UTCZ) == (
        "While you were quiet · 2 stories since 23:00 yesterday"
    )
    burst = heading(_digest(BURST, T0 - timedelta(minutes=10), T0, 8), BAKU)
    assert burst == "8 more stories matching socar since 11:50"


def test_a_late_digest_says_when_it_was_due() -> None:
    text = heading(_digest("daily 08:00", T0 - timedelta(days=2), T0, late=True), BAKU)
    assert text.startswith("Daily digest (late: due 24 Nov 2026 12:00 +04) · 5 stories since")
    assert is_late(T0, T0 + timedelta(minutes=6)) and not is_late(T0, T0 + timedelta(seconds=61))


def test_times_in_the_chat_zone() -> None:
    assert format_local(T0, "UTC") == "24 Nov 2026 08:00 UTC"
    assert format_local(T0, "Asia/Baku") == "24 Nov 2026 12:00 +04"
    assert format_local(T0, "Europe/Berlin") == "24 Nov 2026 09:00 CET"
    assert format_local(datetime(2026, 7, 1, 12), "America/New_York") == "01 Jul 2026 08:00 EDT"
    assert format_local(None, "Asia/Baku") is None


def test_since_phrases() -> None:
    assert since_phrase(T0 - timedelta(days=3), T0, UTCZ) == "Sat 08:00"
    assert since_phrase(T0 - timedelta(days=400), T0, UTCZ) == "20 Oct 2025 08:00"
