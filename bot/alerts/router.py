"""Which chat gets what: every chat whose subscriptions a new story satisfies, if it is active and
not paused, gets one alert for it, with the queries that matched and the story's bullets; unless
the story reports an event already alerted to that chat within THREAD_WINDOW (and the chat keeps
/threads on): then it gets an edit of that alert, "Also reported by" this story's source.
Then each alert goes out now or is held for a digest (`RhythmRouter`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.alerts.burst import recent_sends
from bot.alerts.factory import AlertFactory, query_terms
from bot.alerts.plan import BurstRule, Route, decide
from bot.matching.audience import SubscriptionBook
from bot.matching.document import analyze
from bot.matching.query import Query, parse_query
from bot.models import Alert, Article, ChatRef, ChatRhythm, DigestSchedule, HeldStory
from bot.ports import ChatRepo, HeldRepo, RhythmRepo, SentRepo

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
                if state.threads and self._threads_onto(chat, event, article.source, now):
                    alert = replace(alert, edit_of=event, also=((article.source, article.url),))
                alerts.append(alert)
        return alerts

    def _threads_onto(self, chat: ChatRef, event: str, source: str, now: datetime) -> bool:
        """True when this chat got an alert for `event` within THREAD_WINDOW from other outlets
        than `source`: the story is a later report, added to that alert. A second story from an
        outlet already on the alert is an update, not another report of it: it is alerted (the
        alert's "Also reported by" could not show it, and precision comes first)."""
        if self.sent is None:
            return False
        sent = self.sent.get(chat, event)
        if sent is None or now - sent.sent_at > THREAD_WINDOW:
            return False
        return source != sent.alert.source and all(source != name for name, _ in sent.alert.also)


class RhythmRouter:
    """Instant or held: each alert goes out now, is dropped (every matching subscription snoozed),
    or is held for a digest (its subscriptions' rhythm, quiet hours, a full burst window).

    Held stories, new digest schedules and the chats' recent instant sends are written in one
    durable write before `route` returns, so before the poll marks the stories seen.
    """

    def __init__(
        self,
        rhythms: RhythmRepo,
        held: HeldRepo,
        burst: BurstRule | None = None,
        on_held: Callable[[], object] | None = None,  # called when stories were held
    ) -> None:
        self.rhythms = rhythms
        self.held = held
        self.burst = burst or BurstRule()
        self.on_held = on_held

    def route(self, alerts: Sequence[Alert], now: datetime) -> tuple[list[Alert], int]:
        """The alerts to send now, and how many were held."""
        instant: list[Alert] = []
        stories: list[HeldStory] = []
        schedules: list[DigestSchedule] = []
        prefs: dict[ChatRef, ChatRhythm] = {}
        stored: dict[ChatRef, dict[str, DigestSchedule]] = {}
        sends: dict[ChatRef, list[datetime]] = {}
        for alert in alerts:
            chat = alert.chat
            if alert.edit_of:  # an edit of an alert already sent ("Also reported by"): never held
                instant.append(alert)
                continue
            if chat not in prefs:
                prefs[chat] = self.rhythms.get(chat)
                stored[chat] = {s.bucket: s for s in self.held.schedules(chat)}
            mine = prefs[chat]
            recent = sends.get(chat)
            if recent is None:
                recent = recent_sends(self.held.sends(chat), now, self.burst.window)
            keys = {_normal(q): q for q in alert.matched}  # settings are keyed by the normal form
            decision = decide(mine, list(keys), now, sends=recent, schedules=stored[chat], burst=self.burst)
            if decision.route is Route.DROP:
                continue
            shown = tuple(keys[k] for k in decision.matched)
            alert = replace(alert, matched=shown, zone="" if mine.zone == "UTC" else mine.zone)
            if decision.route is Route.INSTANT:
                instant.append(alert)
                sends[chat] = [*recent, now]
                continue
            assert decision.due is not None and decision.since is not None
            stories.append(HeldStory(alert, decision.bucket))
            known = stored[chat].get(decision.bucket)
            if known is None or known.due != decision.due:
                schedule = DigestSchedule(chat, decision.bucket, decision.due, decision.since)
                stored[chat][decision.bucket] = schedule
                schedules.append(schedule)
        if stories or schedules or sends:
            self.held.hold(stories, schedules, sends)  # durable before the poll marks them seen
        if stories:
            log.info("%d alerts held for digests (rhythm, quiet hours, bursts)", len(stories))
            if self.on_held is not None:
                self.on_held()
        return instant, len(stories)


def _normal(shown: str) -> str:
    """A matched query as the alert shows it (as typed) -> the normal form settings are keyed by."""
    try:
        return parse_query(shown, stored=True).normalized
    except Exception:  # a display form always parses; this guards odd stored data
        return shown
