"""The chat-independent service: every refusal is a domain error with a message a user can act on."""

from __future__ import annotations

import pytest

from bot.errors import PermissionDenied, QueryError, SourceError, SubscriptionError
from bot.models import ChatRef, Source
from bot.service import MAX_SUBSCRIPTIONS_PER_CHAT, NewsService
from bot.sources_service import Actor

CHAT = ChatRef("telegram", "5")
ADMIN, USER = Actor("telegram", "1", admin_id="1"), Actor("telegram", "2", admin_id="2")


def test_same_meaning_is_one_subscription(service: NewsService) -> None:
    first = service.subscribe(CHAT, "Rosneft OR Gazprom")
    again = service.subscribe(CHAT, "  gazprom   OR ROSNEFT ")
    assert first.created and not again.created and again.query == first.query
    assert service.subscriptions(CHAT) == [first.query]


def test_subscription_limit_is_explained(service: NewsService) -> None:
    for n in range(MAX_SUBSCRIPTIONS_PER_CHAT):
        service.subscribe(CHAT, f"word{n}")
    with pytest.raises(SubscriptionError, match="/unsubscribe"):
        service.subscribe(CHAT, "one-too-many")


def test_unsubscribe_accepts_any_spelling_and_refuses_unknown(service: NewsService) -> None:
    service.subscribe(CHAT, '"Caspian Sea"')
    assert service.unsubscribe(CHAT, '"caspian SEA"') == '"Caspian Sea"'  # shown as typed
    with pytest.raises(SubscriptionError, match="not subscribed"):
        service.unsubscribe(CHAT, "SOCAR")
    with pytest.raises(QueryError):
        service.unsubscribe(CHAT, '"unbalanced')


def test_latest_without_query_or_subscriptions_says_what_to_do(service: NewsService) -> None:
    with pytest.raises(SubscriptionError, match="/subscribe"):
        service.latest(CHAT)


def test_pause_resume_keep_subscriptions(service: NewsService) -> None:
    service.subscribe(CHAT, "SOCAR")
    assert service.pause(CHAT) is True and service.pause(CHAT) is False
    assert service.chat_state(CHAT).paused and service.subscriptions(CHAT) == ["SOCAR"]
    assert service.resume(CHAT) is True and not service.chat_state(CHAT).paused


async def test_sources_are_admin_only_and_file_sources_stay(service: NewsService) -> None:
    service.config_sources = (Source("Wire", "https://wire.example/feed"),)
    with pytest.raises(PermissionDenied):
        await service.add_source(USER, "https://example.com/feed")
    with pytest.raises(PermissionDenied):
        service.remove_source(USER, "Wire")
    with pytest.raises(SourceError, match="sources file"):
        service.remove_source(ADMIN, "wire")
    with pytest.raises(SourceError, match="already polled"):
        await service.add_source(ADMIN, "https://wire.example/feed")
    with pytest.raises(SourceError, match="No source"):
        service.remove_source(ADMIN, "Nope")
    assert service.is_admin(Actor("discord", "9", elevated=True)) and not service.is_admin(USER)


async def test_private_addresses_are_refused_for_chat_added_sources(service: NewsService) -> None:
    from bot.ingest.fetch import FeedFetcher

    service.fetcher = FeedFetcher(timeout=2)
    try:
        for url in ("http://127.0.0.1/feed", "http://169.254.169.254/latest", "http://localhost:8080/rss"):
            with pytest.raises(SourceError, match="not a public address"):
                await service.add_source(ADMIN, url)
    finally:
        await service.fetcher.aclose()
    assert service.repos.sources.list() == []


def test_a_second_migration_notice_keeps_the_new_chats_state(service: NewsService) -> None:
    old, new = ChatRef("telegram", "-1"), ChatRef("telegram", "-1001")
    service.subscribe(old, "SOCAR")
    assert service.migrate_chat(old, new) == 1
    service.pause(new)
    assert service.migrate_chat(old, new) == 0  # e.g. a send that failed before the move
    assert service.chat_state(new).paused and service.subscriptions(new) == ["SOCAR"]
