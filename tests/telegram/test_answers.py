"""Replies that say the right thing: honest /latest with paging, /sources by role, /unsubscribe all,
the /subscribe preview, and the matched words in bold. A real PTB Application over the real core."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.ingest.identity import title_key
from bot.models import Article, Source, SourceState
from bot.service import NewsService
from tests.support.clock import FakeClock
from tests.telegram.conftest import ADMIN, Chat, ref
from tests.telegram.html_checker import check_telegram_html


def story(n: int, title: str, text: str, clock: FakeClock, url: str | None = None) -> Article:
    return Article(
        key=f"k{n}", source="Reuters", title=title, url=url or f"https://example.com/{n}",
        published=clock.now() - timedelta(hours=n + 1), text=text,
        fetched_at=clock.now() - timedelta(minutes=n + 1), title_key=title_key(title),
        url_key=url or f"https://example.com/{n}",
    )  # fmt: skip


def gas_stories(clock: FakeClock, count: int = 11) -> list[Article]:
    return [story(n, f"Gas story {n}", f"SOCAR gas news number {n}.", clock) for n in range(count)]


def button(message: dict[str, Any]) -> dict[str, Any]:
    [[only]] = message["reply_markup"]["inline_keyboard"]
    return only


async def test_latest_says_how_many_and_pages_with_more(chat: Chat, store: Any, clock: FakeClock) -> None:
    store.articles.remember(gas_stories(clock))
    [first] = await chat.send_raw("/latest SOCAR")
    assert first["text"].startswith("Latest stories matching <code>SOCAR</code>: 1–5 of 11")
    assert first["text"].count("<b>Gas story") == 5
    assert button(first)["text"] == "More (6)"
    [second] = await chat.tap(first, button(first)["callback_data"])
    assert second["text"].startswith("Latest stories matching <code>SOCAR</code>: 6–10 of 11")
    assert "<b>Gas story 5</b>" in second["text"]
    [third] = await chat.tap(second, button(second)["callback_data"])
    assert third["text"].startswith("Latest stories matching <code>SOCAR</code>: 11–11 of 11")
    assert "reply_markup" not in third  # nothing more to show
    assert len(chat.request.sent("answerCallbackQuery")) == 2  # every tap answered


async def test_latest_shows_a_republished_story_once(chat: Chat, store: Any, clock: FakeClock) -> None:
    store.articles.remember([
        story(1, "SOCAR opens a terminal", "SOCAR opened it.", clock, "https://example.com/new-link"),
        story(2, "SOCAR opens a terminal", "SOCAR opened it.", clock, "https://example.com/old-link"),
    ])  # fmt: skip
    [reply] = await chat.send("/latest SOCAR")
    assert ": 1–1 of 1" in reply and reply.count("opens a terminal") == 1
    assert "new-link" in reply


async def test_latest_promises_alerts_only_to_a_chat_that_will_get_them(
    chat: Chat, service: NewsService
) -> None:
    [stranger] = await chat.send("/latest zzzqqq")
    assert "I will alert you" not in stranger and "/subscribe zzzqqq" in stranger
    service.subscribe(ref(), "zzzqqq")
    [subscriber] = await chat.send("/latest zzzqqq")
    assert subscriber.endswith("I will alert you when one appears.")
    service.pause(ref())
    [paused] = await chat.send("/latest")
    assert "paused" in paused and "I will alert you" not in paused


async def test_sources_show_addresses_and_errors_to_admins_only(
    chat: Chat, store: Any, clock: FakeClock
) -> None:
    store.sources.add(
        Source("Private Feed", "https://user:pw@feeds.example.com/x?key=1", added_by="telegram:1")
    )
    store.sources.save_states([
        SourceState("https://user:pw@feeds.example.com/x?key=1", last_error="HTTP 500 from 10.0.0.5",
                    last_error_at=clock.now()),
    ])  # fmt: skip
    [public] = await chat.send("/sources")
    assert "<b>Private Feed</b>: failing" in public and "<b>Reuters</b>: not read yet" in public
    assert "example.com" not in public and "10.0.0.5" not in public and "HTTP 500" not in public
    [admin] = await chat.send("/sources", user_id=ADMIN)
    assert "feeds.example.com" in admin and "HTTP 500" in admin and "pw" not in admin


async def test_unsubscribe_all_asks_then_removes_everything(chat: Chat, service: NewsService) -> None:
    for query in ("SOCAR", "Gazprom", '"Caspian Sea"'):
        service.subscribe(ref(), query)
    [question] = await chat.send_raw("/unsubscribe all")
    assert question["text"] == "Remove all 3 subscriptions of this chat?"
    yes, no = (row[0] for row in question["reply_markup"]["inline_keyboard"])
    await chat.tap(question, no["callback_data"])
    assert len(service.subscriptions(ref())) == 3
    await chat.tap(question, yes["callback_data"])
    assert service.subscriptions(ref()) == []
    assert chat.request.sent("editMessageText")[-1]["text"].startswith("Removed 3 subscriptions.")
    assert await chat.send("/unsubscribe all") == ["You have no subscriptions to remove."]


async def test_subscribe_previews_what_the_query_would_have_matched(
    chat: Chat, store: Any, clock: FakeClock
) -> None:
    store.articles.remember([
        *gas_stories(clock, 4),
        story(9, "Armenia and Azerbaijan peace talks", "Armenia talks peace.", clock),
    ])  # fmt: skip
    [reply] = await chat.send("/subscribe SOCAR")
    lines = reply.split("\n")
    assert lines[1] == "In the last 3 days it would have matched 4 of 5 stories:"
    assert lines[2:] == [f'• <a href="https://example.com/{n}">Gas story {n}</a>' for n in range(3)]
    [excluded] = await chat.send("/subscribe Armenia -peace")
    assert excluded.split("\n")[1] == (
        "In the last 3 days it would have matched no story: -peace removes the only story that matches "
        "the rest of the query."
    )
    [unused] = await chat.send("/subscribe Rosneft")
    assert "no source has used “rosneft” in the last 3 days" in unused


async def test_alerts_and_latest_show_the_matched_words_in_bold(
    chat: Chat, store: Any, clock: FakeClock
) -> None:
    text = "New pipelines will cross the Caspian Sea, SOCAR’s chief said."
    store.articles.remember([story(1, "Pipelines across the Caspian", text, clock)])
    [reply] = await chat.send('/latest pipeline "caspian sea"')
    check_telegram_html(reply)
    assert "• New <b>pipelines</b> will cross the <b>Caspian Sea</b>, SOCAR’s chief said." in reply
