"""Protocols the core needs from the outside world.

`storage/` implements the repositories on disk, `handlers/` the notifiers.
Every repository method is synchronous and is called from the event loop
thread only, so one process never races itself. A method that changes
state returns only once the change is durable on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from bot.models import (
    Alert,
    Article,
    ChatRef,
    ChatRhythm,
    ChatState,
    DigestSchedule,
    HeldStory,
    Lease,
    SentAlert,
    Source,
    SourceState,
    Subscription,
)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SubscriptionRepo(Protocol):
    def add(self, sub: Subscription) -> bool:
        """Store `sub`; False when the chat already had that query."""

    def remove(self, chat: ChatRef, query: str) -> bool:
        """False when the chat had no such query."""

    def for_chat(self, chat: ChatRef) -> list[Subscription]:
        """The chat's subscriptions, oldest first."""

    def all(self) -> list[Subscription]: ...

    def move_chat(self, old: ChatRef, new: ChatRef) -> int:
        """Give `old`'s subscriptions to `new` (group migrated); returns how many moved."""


class ChatRepo(Protocol):
    def get(self, chat: ChatRef) -> ChatState:
        """The stored state, or a fresh active, unpaused one."""

    def save(self, state: ChatState) -> None: ...

    def all(self) -> list[ChatState]: ...


class SourceRepo(Protocol):
    def list(self) -> list[Source]:
        """Sources added at run time (from chat), oldest first."""

    def add(self, source: Source) -> bool:
        """False when a source with that URL or name exists."""

    def remove(self, name_or_url: str) -> Source | None: ...

    def state(self, url: str) -> SourceState:
        """Stored poll state, or a fresh one for an unknown URL."""

    def save_states(self, states: Iterable[SourceState]) -> None:
        """One durable write for a whole poll cycle."""


class LeaseRepo(Protocol):
    """WebSub subscriptions by source URL, so that a restart still knows them (and their secrets)."""

    def all(self) -> dict[str, Lease]: ...

    def save(self, url: str, lease: Lease) -> None:
        """Durable on return; replaces the source's lease."""

    def remove(self, url: str) -> None:
        """Forget the source's lease (nothing happens when there is none)."""


class ArticleRepo(Protocol):
    def seen(self, keys: Iterable[str]) -> set[str]:
        """The subset of article keys (or canonical URLs) already recorded."""

    def seen_titles(
        self, title_keys: Iterable[str], since: datetime, other_than: str | None = None
    ) -> set[str]:
        """The subset of normalised titles recorded at or after `since` (by a source other than
        `other_than`, when given: a feed may reuse its own headline for a new story)."""

    def remember(self, articles: Sequence[Article], cache_max: int | None = None) -> None:
        """Record as seen (key, canonical URL, title key) and cache for /latest, in one write;
        with `cache_max`, the cache keeps only its newest `cache_max` articles (as `prune` would)."""

    def touch(self, keys: Iterable[str], when: datetime, stale_before: datetime) -> int:
        """Stories still in a feed: move their seen time (when older than `stale_before`) to
        `when`, so pruning never forgets a story that is still served. Returns records touched."""

    def recent(self, since: datetime, limit: int) -> list[Article]:
        """Cached articles fetched at or after `since`, newest first."""

    def prune(self, seen_before: datetime, cache_before: datetime, cache_max: int) -> int:
        """Forget seen records older than `seen_before`; drop cached articles older than
        `cache_before` or beyond the newest `cache_max`. Returns records removed."""


class SentRepo(Protocol):
    """The message each delivered alert became, per (chat, event): what later reports edit."""

    def record(self, sent: SentAlert) -> None:
        """Keep `sent` as the chat's alert for its event (replacing an older one); durable."""

    def get(self, chat: ChatRef, event: str) -> SentAlert | None: ...

    def prune(self, before: datetime) -> int:
        """Forget alerts sent before `before`; returns how many."""


class EventRepo(Protocol):
    """Which event each story of the last window reports: plain records of bot.stories.events
    (`EventIndex.record`: "key", "event", "at" in epoch seconds, terms), so that a later report
    after a restart joins the event its first story started, and edits that alert."""

    def recent(self, since: datetime) -> list[dict[str, Any]]:
        """Records whose "at" is at or after `since`, in the order added."""

    def add(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Keep these records (a key already kept is ignored); durable."""

    def prune(self, before: datetime) -> int:
        """Forget records older than `before`; returns how many."""


class OutboxRepo(Protocol):
    def enqueue(self, alerts: Sequence[Alert]) -> int:
        """Durably add alerts whose id is not already pending; returns how many were added."""

    def pending(self) -> list[Alert]:
        """Every undelivered alert, in enqueue order."""

    def update(self, alert: Alert) -> None:
        """Replace the pending alert with the same id (attempts, next_attempt, plain)."""

    def complete(self, alert_id: str) -> None:
        """Remove a delivered (or dropped) alert; it survives a crash of the process before returning
        (a power cut may lose the last few: those alerts are sent again, never lost)."""

    def discard_chat(self, chat: ChatRef) -> int:
        """Drop every pending alert of a chat that can no longer receive."""

    def move_chat(self, old: ChatRef, new: ChatRef) -> int: ...


class RhythmRepo(Protocol):
    def get(self, chat: ChatRef) -> ChatRhythm:
        """The stored settings, or the defaults (UTC, instant, no quiet hours, no snooze)."""

    def save(self, prefs: ChatRhythm) -> None: ...

    def all(self) -> list[ChatRhythm]: ...


class HeldRepo(Protocol):
    """Stories held for digests, the digests' due times, each chat's recent instant sends."""

    def held(self, chat: ChatRef, bucket: str | None = None) -> list[HeldStory]:
        """The chat's held stories (of one bucket, when given), in the order they were held."""

    def schedules(self, chat: ChatRef | None = None) -> list[DigestSchedule]:
        """Every stored digest schedule (of one chat, when given), soonest first."""

    def sends(self, chat: ChatRef) -> list[datetime]:
        """The chat's recent instant alerts (for the burst rule)."""

    def hold(
        self,
        stories: Sequence[HeldStory] = (),
        schedules: Sequence[DigestSchedule] = (),
        sends: Mapping[ChatRef, Sequence[datetime]] | None = None,
    ) -> int:
        """One durable write: add the stories a chat does not hold yet, save schedules (replacing a
        bucket's), set chats' recent sends. Returns the stories added."""

    def release(
        self, chat: ChatRef, bucket: str, keys: Iterable[str], schedule: DigestSchedule | None = None
    ) -> None:
        """One durable write: forget a digest's stories, replace its bucket's schedule (None: drop)."""

    def replace_schedules(
        self, chat: ChatRef, schedules: Sequence[DigestSchedule], keep: Iterable[str]
    ) -> None:
        """Drop the chat's schedules whose bucket is not in `keep`, then save `schedules`."""

    def discard_chat(self, chat: ChatRef) -> int: ...

    def move_chat(self, old: ChatRef, new: ChatRef) -> int: ...


@dataclass(frozen=True, slots=True)
class Repos:
    subscriptions: SubscriptionRepo
    chats: ChatRepo
    sources: SourceRepo
    articles: ArticleRepo
    outbox: OutboxRepo
    rhythms: RhythmRepo
    held: HeldRepo
    sent: SentRepo | None = None  # None: alerts are never edited (no threads)
    leases: LeaseRepo | None = None  # None: WebSub leases live in memory only
    events: EventRepo | None = None  # None: events rebuilt from the article cache after a restart

    @classmethod
    def of(cls, store: Repos | Any) -> Repos:
        """The repositories of an opened store (`storage.Store`, or anything with these fields)."""
        return cls(
            store.subscriptions,
            store.chats,
            store.sources,
            store.articles,
            store.outbox,
            store.rhythms,
            store.held,
            getattr(store, "sent", None),
            getattr(store, "leases", None),
            getattr(store, "events", None),
        )


class DeliveryStatus(Enum):
    SENT = "sent"
    RETRY = "retry"  # transient: 5xx, timeout, connection error, 429
    BLOCKED = "blocked"  # 403, chat not found, deleted channel: stop sending to this chat
    MARKUP_REJECTED = "markup_rejected"  # the platform refused our markup: resend as plain text
    MIGRATED = "migrated"  # the chat moved (Telegram group -> supergroup); see new_chat
    FAILED = "failed"  # permanent for this alert only (e.g. message invalid): drop it


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    retry_after: float | None = None  # seconds the platform asked us to wait (429)
    detail: str = ""
    new_chat: ChatRef | None = None
    message_id: str = ""  # the platform's id of the message sent, for later edits
    parts_sent: int | None = None  # a digest in several messages: how many are out (RETRY resumes there)


Progress = Callable[[int], None]
"""Told, after each part of a message sent in several but the last, how many parts are out; it
returns once that is durable, so a process killed mid-digest resends at most the part in flight."""


class Notifier(Protocol):
    """Sends alerts to one platform. Never raises for delivery failures: it classifies them."""

    platforms: tuple[str, ...]  # ChatRef.platform values this notifier serves

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        """Send `alert`; a digest starts at part `alert.parts_sent` and reports to `progress`."""


@dataclass(frozen=True, slots=True)
class StoreKit:
    """How the core reaches the database: handed in by bot/cli.py, the only module of bot/ that
    imports storage. `open` gives a store whose fields are the repositories; `read_records` the
    subscriptions, chats and added sources from one read (safe while the bot runs); `batch` a
    context in which a store's main-file writes become one durable write."""

    open: Callable[[Path], Any]
    read_records: Callable[[Path], tuple[Sequence[Subscription], Sequence[ChatState], Sequence[Source]]]
    batch: Callable[[Any], AbstractContextManager[object]]
    # `read_records` and the chats' rhythm settings (`newsbot export`), from the same one read
    read_all: Callable[
        [Path],
        tuple[Sequence[Subscription], Sequence[ChatState], Sequence[Source], Sequence[ChatRhythm]],
    ]
