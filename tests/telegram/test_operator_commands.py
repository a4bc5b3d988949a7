"""/stats for admins, and /removesource of a bundled source, through the real PTB Application."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.models import ChatState, SourceState, Subscription
from bot.service import NewsService
from tests.telegram.conftest import ADMIN, REUTERS, USER, Chat, ref


async def test_stats_counts_chats_subscriptions_sources_and_sends(
    chat: Chat, service: NewsService, store: Any, clock: Any
) -> None:
    await chat.send("/subscribe SOCAR", chat_id=USER)
    await chat.send("/subscribe Gazprom", chat_id=ADMIN)
    store.chats.save(ChatState(ref(777), active=False))
    store.sources.save_states([SourceState(REUTERS.url, failures=2, last_error="HTTP 500")])
    service.sent_log.observe_drain(sent=5, retried=1, dropped=0)
    [text] = await chat.send("/stats", chat_id=ADMIN)
    assert "Subscriptions: 2" in text
    assert "Chats: 2 receiving" in text and "1 gone" in text
    assert "0 healthy, 1 failing (Reuters" in text
    assert "Alerts sent since the restart at" in text and ": 5" in text
    assert "Outbox: 0 waiting" in text


async def test_stats_is_for_admins_only(chat: Chat) -> None:
    [text] = await chat.send("/stats", chat_id=USER)
    assert text == "Only the bot's admins can see /stats."


async def test_removesource_of_a_bundled_source_says_how_to_own_the_list(
    chat: Chat, service: NewsService
) -> None:
    service.bundled_sources = True
    [text] = await chat.send(f"/removesource {REUTERS.name}", chat_id=ADMIN)
    assert "bundled source list" in text
    assert "sources.toml" in text and "NEWSBOT_SOURCES" in text and "copy" in text


async def test_removesource_of_a_sources_file_entry_points_at_the_file(chat: Chat) -> None:
    [text] = await chat.send(f"/removesource {REUTERS.name}", chat_id=ADMIN)
    assert "comes from the sources file" in text


def test_a_stats_window_older_than_a_day_says_24_h(service: NewsService, clock: Any) -> None:
    from bot.sources_service import Actor

    service.sent_log.observe_drain(sent=3, retried=0, dropped=0)
    clock.advance(25 * 3600)
    service.repos.subscriptions.add(Subscription(ref(), "socar", datetime(2026, 1, 1, tzinfo=UTC)))
    stats = service.stats(Actor("telegram", str(ADMIN), admin_id=str(ADMIN)))
    assert not stats.restarted_lately and stats.sent_24h == 0 and stats.subscriptions == 1
