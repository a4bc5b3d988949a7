"""Immutable records shared by every layer. Times are UTC-aware."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A place alerts go to: a Telegram chat, a Discord channel or user, a webhook."""

    platform: str  # "telegram", "discord", "discord-dm", "webhook", "console"
    id: str
    thread: str = ""  # a Telegram forum topic (message_thread_id); "" for the chat itself

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}/{self.thread}" if self.thread else f"{self.platform}:{self.id}"

    @property
    def whole(self) -> ChatRef:
        """The chat itself, whichever of its topics this is."""
        return ChatRef(self.platform, self.id) if self.thread else self

    @classmethod
    def from_key(cls, key: str) -> ChatRef:
        platform, _, rest = key.partition(":")
        ident, _, thread = rest.partition("/")
        return cls(platform, ident, thread)


@dataclass(frozen=True, slots=True)
class ChatState:
    chat: ChatRef
    active: bool = True  # False once the platform says we may not send (403, deleted channel)
    paused: bool = False  # the user asked for no alerts for now
    images: bool = True  # /images off: alerts without the story's picture
    bound: str | None = None  # /bind: the key of the channel this private chat manages
    removed_at: datetime | None = None  # when the bot was removed from (or blocked in) the chat
    threads: bool = True  # /threads: later reports of an alerted event edit its alert, no new ping
    language: str = ""  # /language: the chat's chosen language ("": follow the platform's)
    platform_language: str = ""  # the language the platform last said its user reads (Telegram, Discord)


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    added_by: str | None = None  # None: from the operator's sources file (trusted)


@dataclass(frozen=True, slots=True)
class FeedHints:
    """What a feed document says about its own schedule (RSS ttl, skipHours/skipDays, sy:update*)."""

    ttl_seconds: float | None = None
    skip_hours: frozenset[int] = frozenset()  # UTC hours 0-23
    skip_days: frozenset[int] = frozenset()  # 0 = Monday
    update_seconds: float | None = None  # sy:updatePeriod / sy:updateFrequency


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the poller remembers about a source between polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    primed: bool = False  # first poll done: later entries are new stories
    failures: int = 0  # consecutive failed polls, drives back-off
    retry_at: datetime | None = None  # back-off or Retry-After: do not poll before this
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    next_due: datetime | None = None  # when it is fetched next (None: now)
    interval: float | None = None  # seconds: the last planned interval, the base of back-off
    reason: str | None = None  # why that interval (bot.ingest.schedule.Plan.reason)
    arrivals: tuple[datetime, ...] = ()  # recent new stories' times, oldest first
    watched_since: datetime | None = None  # first successful fetch, or its oldest entry (within a week)
    last_new_at: datetime | None = None  # when its last new story was found
    hints: FeedHints = field(default_factory=FeedHints)


@dataclass(frozen=True, slots=True)
class Article:
    key: str  # stable identity: see bot.ingest.identity.article_key
    source: str  # Source.name
    title: str
    url: str
    published: datetime | None
    text: str  # clean text: one block a line; list items start with "• "
    fetched_at: datetime
    guid: str = ""
    title_key: str = ""  # normalised title, for syndicated copies (bot.ingest.identity.title_key)
    url_key: str = ""  # canonical link (bot.text.urls.canonical_url), "" without a link
    image: str = ""  # the story's picture (bot.ingest.images), "" without one; never downloaded
    lang: str = ""  # ISO 639-1 from the feed or detected ("und": not known); bot.text.lang


@dataclass(frozen=True, slots=True)
class Subscription:
    chat: ChatRef
    query: str  # normalised query text (bot.matching.query.Query.normalized): identity and matching
    created: datetime
    typed: str = ""  # as the user typed it, shown back to them ("" in rows stored before issue 15)

    @property
    def display(self) -> str:
        return self.typed or self.query


@dataclass(frozen=True, slots=True)
class Alert:
    """One story for one chat, as rendered by any adapter."""

    chat: ChatRef
    article_key: str
    title: str
    url: str
    source: str
    published: datetime | None
    matched: tuple[str, ...]  # normalised queries that matched
    bullets: tuple[str, ...]
    created: datetime
    attempts: int = 0
    next_attempt: datetime | None = None  # None: due now
    plain: bool = False  # render without markup (after a markup rejection)
    image: str = ""  # shown as the message's large link preview / the embed's image; "" for none
    event: str = ""  # the event this story reports: the key of its first story (bot.stories.events)
    edit_of: str = ""  # not a new message: add `also` to this chat's alert for event `edit_of`
    also: tuple[tuple[str, str], ...] = ()  # (source, link) of later reports of the event
    zone: str = ""  # the chat's time zone (IANA name) for the times shown; "" is UTC
    digest: Digest | None = None  # set: this entry is a whole digest message, not one story
    parts_sent: int = 0  # a digest split over several messages: how many went out already
    lang: str = ""  # the chat's language for the alert's own words, set when it is sent ("": English)
    story_lang: str = ""  # the story's own language (Article.lang): how its matched words are found

    @property
    def id(self) -> str:
        return f"{self.chat.key}|{self.article_key}"


@dataclass(frozen=True, slots=True)
class Digest:
    """One digest message: held alerts, merged (each story once) and newest first."""

    bucket: str  # a rhythm key ("daily 08:00", "weekly mon 08:00", "hourly"), "quiet" or "burst"
    since: datetime  # the period it covers started here
    due: datetime
    zone: str  # the chat's time zone, for display
    items: tuple[Alert, ...]
    late: bool = False  # due while the bot was down, sent at start-up


@dataclass(frozen=True, slots=True)
class ChatRhythm:
    """What a chat chose: its zone, a default rhythm, per-subscription rhythms, quiet hours, snoozes.
    Queries are normalised subscription queries; rhythms and quiet hours are stored as their keys
    (see bot.alerts.rhythm), times are UTC."""

    chat: ChatRef
    zone: str = "UTC"
    default: str = "instant"  # the rhythm of every subscription without one of its own
    rhythms: Mapping[str, str] = field(default_factory=dict)  # query -> rhythm key
    quiet: str = ""  # "23:00-07:00", "" for none
    snoozed_until: datetime | None = None  # every subscription ("/snooze all")
    snoozes: Mapping[str, datetime] = field(default_factory=dict)  # query -> until


@dataclass(frozen=True, slots=True)
class HeldStory:
    """An alert kept for a digest: on disk before the poll that found it marks it seen."""

    alert: Alert
    bucket: str  # Digest.bucket

    @property
    def chat(self) -> ChatRef:
        return self.alert.chat


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """When a chat's digest of one bucket is next due, and since when it collects stories."""

    chat: ChatRef
    bucket: str
    due: datetime
    since: datetime


@dataclass(frozen=True, slots=True)
class PollReport:
    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0  # backing off
    new_stories: int = 0
    alerts_queued: int = 0
    errors: tuple[str, ...] = field(default=())
    fetch_errors: tuple[str, ...] = field(default=())  # the failed sources' error texts alone (metrics)


@dataclass(frozen=True, slots=True)
class SentAlert:
    """An alert as delivered: the message it became, so later reports of its event can edit it."""

    alert: Alert  # as rendered; `also` holds the reports added since
    message_id: str
    sent_at: datetime

    @property
    def chat(self) -> ChatRef:
        return self.alert.chat

    @property
    def event(self) -> str:
        return self.alert.event or self.alert.article_key


class LeaseStatus(Enum):
    """Where a WebSub subscription stands (bot.ingest.websub, bot.ingest.push)."""

    REQUESTED = "requested"  # sent to the hub, verification of intent not yet seen
    ACTIVE = "active"  # verified: content may arrive until `expires`
    DENIED = "denied"  # the hub refused
    UNSUBSCRIBING = "unsubscribing"
    ENDED = "ended"  # unsubscribed, lapsed or failed: poll only


@dataclass(frozen=True, slots=True)
class Lease:
    """One source's WebSub subscription as we asked for it (stored: a restart keeps it)."""

    topic: str
    hub: str
    callback_id: str
    secret: str
    status: LeaseStatus = LeaseStatus.REQUESTED
    requested_at: datetime | None = None
    verified_at: datetime | None = None
    expires: datetime | None = None
    reason: str = ""  # denial or failure, for /sources and logs

    def pushed(self, now: datetime) -> bool:
        """Content arrives by push now (the lease is verified and not over)."""
        return self.status is LeaseStatus.ACTIVE and (self.expires is None or now < self.expires)
