"""What a chat can ask about its rhythm: /digest, /timezone, /quiet, /snooze, and the /list view.

Platform-neutral, like `bot.service`: handlers pass the argument as typed and render the result;
refusals are `RhythmError`s or `SubscriptionError`s whose message can be shown as it is. Every
change keeps the chat's stored digest schedules in step, so no due time lives only in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.alerts.digest import BURST, QUIET
from bot.alerts.plan import pruned, quiet_of, rhythm_of, snoozed
from bot.alerts.quiet import QuietHours, parse_quiet
from bot.alerts.rhythm import DIGEST_EXAMPLES, Rhythm, parse_digest, parse_rhythm
from bot.alerts.snooze import SNOOZE_EXAMPLES, parse_snooze
from bot.alerts.zones import parse_zone, zone_of
from bot.errors import SubscriptionError
from bot.matching.query import parse_query
from bot.models import ChatRhythm, DigestSchedule
from bot.texts import N_

if TYPE_CHECKING:
    from bot.models import ChatRef
    from bot.ports import Clock, HeldRepo, RhythmRepo, SubscriptionRepo


@dataclass(frozen=True, slots=True)
class RhythmSet:
    query: str | None  # the subscription changed; None: the chat's default
    rhythm: Rhythm
    next_due: datetime | None  # None for instant
    zone: str


@dataclass(frozen=True, slots=True)
class SnoozeSet:
    query: str | None  # None: every subscription
    until: datetime | None  # None: the snooze was ended


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    query: str  # the normal form (settings are keyed by it)
    rhythm: Rhythm
    own_rhythm: bool  # False: the chat's default applies
    snoozed_until: datetime | None
    shown: str = ""  # as the chat typed it

    @property
    def label(self) -> str:
        return self.shown or self.query


@dataclass(frozen=True, slots=True)
class RhythmOverview:
    zone: str
    default: Rhythm
    quiet: QuietHours | None
    snoozed_until: datetime | None  # "/snooze all"
    subscriptions: tuple[SubscriptionView, ...]
    next_due: tuple[DigestSchedule, ...]


class RhythmService:
    def __init__(
        self, rhythms: RhythmRepo, held: HeldRepo, subscriptions: SubscriptionRepo, clock: Clock
    ) -> None:
        self.rhythms = rhythms
        self.held = held
        self.subscriptions = subscriptions
        self.clock = clock

    def settings(self, chat: ChatRef) -> ChatRhythm:
        return self.rhythms.get(chat)

    def set_digest(self, chat: ChatRef, text: str) -> RhythmSet:
        request = parse_digest(text)
        prefs = self.rhythms.get(chat)
        if request.query is None:
            prefs = replace(prefs, default=request.rhythm.key)
            query = None
        else:
            query = self._subscription(chat, request.query, DIGEST_EXAMPLES)
            rhythms = dict(prefs.rhythms)
            rhythms[query] = request.rhythm.key
            prefs = replace(prefs, rhythms=rhythms)
        self._save(prefs)
        due = None
        if not request.rhythm.instant:
            due = self._due(chat, request.rhythm.key) or request.rhythm.next_due(
                self.clock.now(), zone_of(prefs.zone)
            )
        return RhythmSet(query, request.rhythm, due, prefs.zone)

    def set_rhythm(self, chat: ChatRef, query: str, rhythm_key: str) -> RhythmSet:
        """A /list button: `query` is a stored subscription, `rhythm_key` e.g. "daily 08:00"."""
        return self.set_digest(chat, f"{query} {parse_rhythm(rhythm_key).key}")

    def set_zone(self, chat: ChatRef, text: str) -> str:
        name = parse_zone(text)
        self._save(replace(self.rhythms.get(chat), zone=name), rezone=True)
        return name

    def set_quiet(self, chat: ChatRef, text: str) -> QuietHours | None:
        quiet = parse_quiet(text)
        self._save(replace(self.rhythms.get(chat), quiet=quiet.key if quiet else ""))
        return quiet

    def snooze(self, chat: ChatRef, text: str) -> SnoozeSet:
        request = parse_snooze(text)
        now = self.clock.now()
        until = None if request.duration is None else now + request.duration
        prefs = self.rhythms.get(chat)
        if request.query is None:
            prefs = replace(prefs, snoozed_until=until)
            query = None
        else:
            query = self._subscription(chat, request.query, SNOOZE_EXAMPLES)
            snoozes = {q: u for q, u in prefs.snoozes.items() if q != query}
            if until is not None:
                snoozes[query] = until
            prefs = replace(prefs, snoozes=snoozes)
        self._save(prefs)
        return SnoozeSet(query, until)

    def overview(self, chat: ChatRef) -> RhythmOverview:
        now = self.clock.now()
        prefs = self.rhythms.get(chat)
        views = tuple(
            SubscriptionView(
                s.query,
                rhythm_of(prefs, s.query),
                s.query in prefs.rhythms,
                snoozed(prefs, s.query, now),
                getattr(s, "display", "") or s.query,
            )
            for s in self.subscriptions.for_chat(chat)
        )
        snoozed_all = prefs.snoozed_until if prefs.snoozed_until and prefs.snoozed_until > now else None
        return RhythmOverview(
            prefs.zone,
            parse_rhythm(prefs.default),
            quiet_of(prefs),
            snoozed_all,
            views,
            tuple(self.held.schedules(chat)),
        )

    def forget(self, chat: ChatRef) -> None:
        """A subscription was removed: drop its own rhythm and snooze, and a schedule left unused."""
        self._save(self.rhythms.get(chat))

    def move_chat(self, old: ChatRef, new: ChatRef) -> None:
        """A Telegram group became a supergroup: its settings and held stories follow it."""
        prefs = self.rhythms.get(old)
        if prefs != ChatRhythm(old) and self.rhythms.get(new) == ChatRhythm(new):
            self.rhythms.save(replace(prefs, chat=new))
        self.rhythms.save(ChatRhythm(old))
        self.held.move_chat(old, new)

    # -- internals

    def _subscription(self, chat: ChatRef, text: str, examples: str) -> str:
        stored = [s.query for s in self.subscriptions.for_chat(chat)]
        key = text.strip()
        if key not in stored:
            key = parse_query(text).normalized
        if key not in stored:
            raise SubscriptionError(
                N_(
                    "You are not subscribed to {query}. Send /list to see your "
                    "subscriptions. Examples: {examples}"
                ),
                query=key,
                examples=examples,
            )
        return key

    def _due(self, chat: ChatRef, bucket: str) -> datetime | None:
        return next((s.due for s in self.held.schedules(chat) if s.bucket == bucket), None)

    def _save(self, prefs: ChatRhythm, *, rezone: bool = False) -> None:
        """Store the settings (durable), then bring the chat's digest schedules in line with them:
        a schedule for every rhythm in use; one no longer in use stays only while it holds stories."""
        now = self.clock.now()
        queries = [s.query for s in self.subscriptions.for_chat(prefs.chat)]
        prefs = pruned(prefs, now, queries)
        self.rhythms.save(prefs)
        used = {r.key: r for r in (rhythm_of(prefs, q) for q in queries) if not r.instant}
        if not queries and not parse_rhythm(prefs.default).instant:
            used[prefs.default] = parse_rhythm(prefs.default)
        zone = zone_of(prefs.zone)
        stored = {s.bucket: s for s in self.held.schedules(prefs.chat)}
        holding = {h.bucket for h in self.held.held(prefs.chat)}
        fresh: list[DigestSchedule] = []
        for bucket, schedule in stored.items():
            if rezone and bucket not in (QUIET, BURST):
                due = parse_rhythm(bucket).next_due(now, zone)
                fresh.append(replace(schedule, due=due))
        for bucket, rhythm in used.items():
            if bucket not in stored:
                fresh.append(
                    DigestSchedule(prefs.chat, bucket, rhythm.next_due(now, zone_of(prefs.zone)), now)
                )
        keep = set(used) | holding | {QUIET, BURST}
        if fresh or set(stored) - keep:
            self.held.replace_schedules(prefs.chat, fresh, keep=keep)
