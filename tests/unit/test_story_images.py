"""A story's picture through parsing and routing: found in the feed, dropped for /images off."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ingest.parse import parse_feed

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FEED = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>t</title>
<item><title>With a picture</title><link>https://n.example/1</link>
<media:thumbnail url="https://img.example/t.jpg"/></item>
<item><title>Without</title><link>https://n.example/2</link></item>
</channel></rss>"""


def test_parsed_articles_carry_their_image() -> None:
    parsed = parse_feed(FEED, source="S", url="https://n.example/feed", now=NOW)
    assert [a.image for a in parsed.articles] == ["https://img.example/t.jpg", ""]


async def test_a_chat_with_images_off_gets_the_alert_without_its_picture(store, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.alerts.factory import AlertFactory
    from bot.alerts.router import AlertRouter
    from bot.matching.audience import SubscriptionBook
    from bot.matching.query import parse_query
    from bot.models import ChatRef, ChatState

    on, off = ChatRef("telegram", "1"), ChatRef("telegram", "2")
    book = SubscriptionBook()
    for chat in (on, off):
        book.add(chat, parse_query("picture"))
    store.chats.save(ChatState(off, images=False))
    router = AlertRouter(book, store.chats, AlertFactory())
    [story, _] = parse_feed(FEED, source="S", url="https://n.example/feed", now=NOW).articles
    alerts = await router.alerts(router.match([story]), {}, NOW)
    assert {a.chat: a.image for a in alerts} == {on: "https://img.example/t.jpg", off: ""}
