"""The real core service over a real store: what handler and command tests drive."""

from __future__ import annotations

from typing import Any

from bot.book import SubscriptionBook
from bot.clock import FakeClock
from bot.service import NewsService, Repos
from storage import Store


def repos_of(store: Store) -> Repos:
    return Repos(store.subscriptions, store.chats, store.sources, store.articles, store.outbox)


def build_service(store: Store, clock: FakeClock, **options: Any) -> NewsService:
    return NewsService(repos_of(store), SubscriptionBook(), clock, **options)
