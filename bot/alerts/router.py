"""Which chat gets what: every chat whose subscriptions a new story satisfies, if it is active and
not paused, gets one alert for it, with the queries that matched and the story's bullets; unless
the story reports an event already alerted to that chat within THREAD_WINDOW (and the chat keeps
/threads on): then it gets an edit of that alert, "Also reported by" this story's source."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.alerts.factory import AlertFactory, query_terms
from bot.matching.audience import SubscriptionBook
from bot.matching.document import analyze
from bot.matching.query import Query
from bot.models import Alert, Article, ChatRef
from bot.ports import ChatRepo, SentRepo

log = logging.getLogger(__name__)

Match = tuple[Article, dict[ChatRef, list[Query]]]
THREAD_WINDOW = timedelta(hours=24)  # a later report pings again once the first alert is this old


class AlertRouter:
    def __init__(
        self, book: SubscriptionBook, chats: ChatRepo, factory: AlertFactory, sent: SentRepo | None = None
    ) -> None:
        self.book = book
        self.chats = chats
        self.factory = factory
        self.sent = sent

    def match(self, articles: Sequence[Article]) -> list[Match]:
        """The stories some chat subscribed to, with each such chat's matching queries."""
        matches: list[Match] = []
        for article in articles:
            try:
                hits = self.book.match(analyze(article.title, article.text, lang=article.lang or None))
            except Exception:  # one odd story must not stall every later poll cycle
                log.exception("matching %r failed; skipping it", article.title[:80])
                continue
            if hits:
                matches.append((article, hits))
        return matches

    async def alerts(
        self,
        matches: Sequence[Match],
        enriched: Mapping[str, Article],
        now: datetime,
        events: Mapping[str, str] | None = None,
    ) -> list[Alert]:
        """One alert per (story, receiving chat); `enriched` holds stories with their page's text,
        `events` the event each story reports (story key -> event id)."""
        alerts: list[Alert] = []
        for article, hits in matches:
            article = enriched.get(article.key, article)
            for terms in {query_terms(queries) for queries in hits.values()}:
                # highlights are CPU work: compute them off the event loop; build() reuses them
                await asyncio.to_thread(self.factory.bullets, article, terms)
            for chat, queries in hits.items():
                state = self.chats.get(chat)
                if not state.active or state.paused:
                    continue
                event = (events or {}).get(article.key, article.key)
                alert = replace(self.factory.build(chat, article, queries, now), event=event)
                if not state.images:
                    alert = replace(alert, image="")
                if state.threads and self._alerted(chat, event, now):  # a later report of an event
                    alert = replace(alert, edit_of=event, also=((article.source, article.url),))
                alerts.append(alert)
        return alerts

    def _alerted(self, chat: ChatRef, event: str, now: datetime) -> bool:
        """True when this chat got an alert for `event` within THREAD_WINDOW."""
        if self.sent is None:
            return False
        sent = self.sent.get(chat, event)
        return sent is not None and now - sent.sent_at <= THREAD_WINDOW
