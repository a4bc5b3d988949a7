"""The real core service over a real store: what handler and command tests drive."""

from __future__ import annotations

from typing import Any

from bot.book import SubscriptionBook
from bot.clock import FakeClock
from bot.service import NewsService, Repos
from storage import Store


def build_service(store: Store, clock: FakeClock, **options: Any) -> NewsService:
    return NewsService(Repos.of(store), SubscriptionBook(), clock, **options)
