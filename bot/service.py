"""What users can ask for, whatever the chat platform: one method per command.

Handlers parse arguments, call one method here, render the result. Every
refusal is a `bot.errors` exception whose message can be shown as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.alerts.factory import AlertFactory
from bot.alerts.preferences import RhythmService
from bot.destinations import Destinations
from bot.errors import SubscriptionError
from bot.ingest.fetch import FeedFetcher
from bot.languages import ChatLanguages
from bot.matching.audience import SubscriptionBook
from bot.matching.document import analyze
from bot.matching.index import SubscriptionIndex
from bot.matching.query import Query, parse_query
from bot.models import Alert, Article, ChatRef, ChatState, Source, Subscription
from bot.permissions import PermissionPolicy
from bot.ports import Clock, Repos
from bot.sources_service import SourceCatalog
from bot.stats import AdminStats, SentLog
from bot.stories.recent import Preview, by_event, distinct_stories, preview
from bot.texts import N_

MAX_SUBSCRIPTIONS_PER_CHAT = 200
LATEST_WINDOW = timedelta(days=3)
LATEST_SCAN = 1000  # cached articles looked at for /latest, newest first


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    query: str
    created: bool  # False: the chat already had it
    preview: Preview | None = None  # what it would have matched lately


@dataclass(frozen=True, slots=True)
class LatestPage:
    alerts: tuple[Alert, ...]
    offset: int  # index of the first alert among all matches
    total: int  # every distinct recent story that matches
    subscribed: bool  # the chat gets alerts for this query (or, without a query, has subscriptions)


class NewsService(SourceCatalog, AdminStats):
    def __init__(
        self,
        repos: Repos,
        book: SubscriptionBook,
        clock: Clock,
        *,
        config_sources: Sequence[Source] = (),
        admins: frozenset[str] = frozenset(),
        fetcher: FeedFetcher | None = None,
        alerts: AlertFactory | None = None,
        open_groups: bool = False,
    ) -> None:
        self.repos = repos
        self.book = book
        self.clock = clock
        self.config_sources = tuple(config_sources)
        self.admins = admins
        self.fetcher = fetcher
        self.alerts = alerts or AlertFactory()
        self.destinations = Destinations(repos, book, clock)  # bindings, membership, images
        self.policy = PermissionPolicy(open_groups=open_groups)  # who may change a group's alerts
        self.sent_log = SentLog(clock)  # alerts delivered lately, for /stats
        self.rhythm = RhythmService(repos.rhythms, repos.held, repos.subscriptions, clock)
        self.languages = ChatLanguages(repos.chats)  # /language, and the platform's word for it

    # subscriptions -----------------------------------------------------------------------

    def subscribe(self, chat: ChatRef, text: str) -> SubscribeResult:
        query = parse_query(text)
        existing = {s.query: s for s in self.repos.subscriptions.for_chat(chat)}
        if query.normalized in existing:
            return SubscribeResult(existing[query.normalized].display, created=False)
        if len(existing) >= MAX_SUBSCRIPTIONS_PER_CHAT:
            raise SubscriptionError(
                N_(
                    "You already have {most} subscriptions, the most a chat can have. "
                    "Remove one with /unsubscribe first."
                ),
                most=MAX_SUBSCRIPTIONS_PER_CHAT,
            )
        sub = Subscription(chat=chat, query=query.normalized, created=self.clock.now(), typed=query.display)
        created = self.repos.subscriptions.add(sub)  # durable before we acknowledge
        self.book.add(chat, query)
        return SubscribeResult(query.display, created, self.preview(query))

    def preview(self, query: Query) -> Preview:
        """How many of the last days' stories `query` would have matched, and why none did."""
        recent = self.repos.articles.recent(self.clock.now() - LATEST_WINDOW, LATEST_SCAN)
        return preview(recent, query, days=LATEST_WINDOW.days)

    def unsubscribe_all(self, chat: ChatRef) -> int:
        """Remove every subscription of the chat; how many there were."""
        removed = 0
        for sub in self.repos.subscriptions.for_chat(chat):
            if self.repos.subscriptions.remove(chat, sub.query):
                self.book.remove(chat, sub.query)
                removed += 1
        return removed

    def unsubscribe(self, chat: ChatRef, text: str) -> str:
        stored = {s.query: s for s in self.repos.subscriptions.for_chat(chat)}
        key = " ".join(text.split())
        if key not in stored:
            key = next((s.query for s in stored.values() if s.typed == key), key)
        if key not in stored:
            key = parse_query(text, stored=True).normalized
        if key not in stored or not self.repos.subscriptions.remove(chat, key):
            shown = " ".join(text.split())
            raise SubscriptionError(
                N_("You are not subscribed to {query}. Send /list to see your subscriptions."), query=shown
            )
        self.book.remove(chat, key)
        self.rhythm.forget(chat)  # its own rhythm and snooze go with it
        return stored[key].display

    def subscribed(self, chat: ChatRef, query: Query) -> str | None:
        """The chat's subscription equivalent to `query`, as the chat typed it; None if none."""
        return next(
            (s.display for s in self.repos.subscriptions.for_chat(chat) if s.query == query.normalized), None
        )

    def subscriptions(self, chat: ChatRef) -> list[str]:
        """The chat's queries as they were typed (the normal form for rows stored before that)."""
        return [s.display for s in self.repos.subscriptions.for_chat(chat)]

    # chat state ----------------------------------------------------------------------------

    def chat_state(self, chat: ChatRef) -> ChatState:
        return self.repos.chats.get(chat)

    def pause(self, chat: ChatRef) -> bool:
        """True when alerts were running and are now paused."""
        return self._set_state(chat, paused=True)

    def resume(self, chat: ChatRef) -> bool:
        return self._set_state(chat, paused=False)

    def reactivate(self, chat: ChatRef) -> bool:
        """A chat that had blocked us talks again (/start): deliver to it again."""
        state = self.repos.chats.get(chat)
        if state.active:
            return False
        self.repos.chats.save(replace(state, active=True))
        return True

    def _set_state(self, chat: ChatRef, *, paused: bool) -> bool:
        state = self.repos.chats.get(chat)
        if state.paused == paused and state.active:
            return False
        self.repos.chats.save(replace(state, paused=paused, active=True))
        return True

    def migrate_chat(self, old: ChatRef, new: ChatRef) -> int:
        """A Telegram group became a supergroup (or a forum topic was deleted): its subscriptions and
        pending alerts follow it."""
        moved = self.repos.subscriptions.move_chat(old, new)
        self.repos.outbox.move_chat(old, new)
        self.rhythm.move_chat(old, new)
        old_state = self.repos.chats.get(old)
        if old.thread and new == old.whole:  # a deleted forum topic: General keeps its own settings
            self.repos.chats.save(replace(old_state, active=False))
            self.book.move_chat(old, new)
            return moved
        if not old_state.active and moved == 0:
            return 0  # moved before (a late "chat migrated" error): keep the new chat's own state
        self.repos.chats.save(replace(old_state, chat=new, active=True))
        self.repos.chats.save(replace(old_state, active=False))  # the old id can no longer receive
        self.book.move_chat(old, new)
        return moved

    # latest --------------------------------------------------------------------------------

    def latest(self, chat: ChatRef, text: str | None = None, limit: int = 5) -> list[Alert]:
        """Newest cached stories matching `text`, or any of the chat's subscriptions."""
        return list(self.latest_page(chat, text, limit=limit).alerts)

    def latest_page(
        self, chat: ChatRef, text: str | None = None, offset: int = 0, limit: int = 5
    ) -> LatestPage:
        """One page of the distinct recent stories matching `text` (or the chat's subscriptions)."""
        mine = self.subscriptions(chat)
        if text and text.strip():
            queries = [parse_query(text)]
            subscribed = queries[0].normalized in mine
        else:
            queries = [q for q in map(self.book.query, mine) if q is not None]
            if not queries:
                raise SubscriptionError(
                    N_("You have no subscriptions yet. Try /latest SOCAR, or /subscribe SOCAR first.")
                )
            subscribed = True
        index = SubscriptionIndex()
        by_key: dict[str, Query] = {}
        for query in queries:
            index.add(query)
            by_key[query.normalized] = query
        now = self.clock.now()
        hits: list[tuple[Article, list[Query]]] = []
        for article in distinct_stories(self.repos.articles.recent(now - LATEST_WINDOW, LATEST_SCAN)):
            keys = index.match(analyze(article.title, article.text, lang=article.lang or None))
            if keys:
                hits.append((article, [by_key[k] for k in sorted(keys)]))
        matched_by = {a.key: matched for a, matched in hits}
        events = by_event([a for a, _ in hits])  # one entry per event: "Also reported by ... +N"
        offset = max(0, offset)
        zone = self.rhythm.settings(chat).zone  # times shown in the chat's zone
        page = [
            replace(
                self.alerts.build(chat, a, matched_by[a.key], now),
                also=tuple((o.source, o.url) for o in others),
                zone="" if zone == "UTC" else zone,
            )
            for a, others in events[offset : offset + limit]
        ]
        return LatestPage(tuple(page), offset, len(events), subscribed)
