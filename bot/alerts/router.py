"""Which chat gets what: every chat whose subscriptions a new story satisfies, if it is active and
not paused, gets one alert for it, with the queries that matched and the story's bullets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.alerts.factory import AlertFactory, query_terms
from bot.matching.audience import SubscriptionBook
from bot.matching.document import analyze
from bot.matching.query import Query
from bot.models import Alert, Article, ChatRef
from bot.ports import ChatRepo

log = logging.getLogger(__name__)

Match = tuple[Article, dict[ChatRef, list[Query]]]


class AlertRouter:
    def __init__(self, book: SubscriptionBook, chats: ChatRepo, factory: AlertFactory) -> None:
        self.book = book
        self.chats = chats
        self.factory = factory

    def match(self, articles: Sequence[Article]) -> list[Match]:
        """The stories some chat subscribed to, with each such chat's matching queries."""
        matches: list[Match] = []
        for article in articles:
            try:
                hits = self.book.match(analyze(article.title, article.text))
            except Exception:  # one odd story must not stall every later poll cycle
                log.exception("matching %r failed; skipping it", article.title[:80])
                continue
            if hits:
                matches.append((article, hits))
        return matches

    async def alerts(
        self, matches: Sequence[Match], enriched: Mapping[str, Article], now: datetime
    ) -> list[Alert]:
        """One alert per (story, receiving chat); `enriched` holds stories with their page's text."""
        alerts: list[Alert] = []
        for article, hits in matches:
            article = enriched.get(article.key, article)
            for terms in {query_terms(queries) for queries in hits.values()}:
                # highlights are CPU work: compute them off the event loop; build() reuses them
                await asyncio.to_thread(self.factory.bullets, article, terms)
            for chat, queries in hits.items():
                state = self.chats.get(chat)
                if state.active and not state.paused:
                    alert = self.factory.build(chat, article, queries, now)
                    alerts.append(alert if state.images else replace(alert, image=""))
        return alerts
