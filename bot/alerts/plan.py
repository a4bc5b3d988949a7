"""A chat's rhythm settings and the pure decision for one matched story: drop it (snoozed), send
it now, or hold it for a digest (the subscription's rhythm, quiet hours, or a full burst window).

A story is never both instant and in a digest: if any live subscription that matched it is
instant, the story takes the instant path (quiet hours and bursts may still hold it); otherwise it
joins the soonest due digest among its subscriptions' rhythms, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.alerts.burst import BURST_WINDOW, DEFAULT_BURST, fold_until
from bot.alerts.digest import BURST, QUIET
from bot.alerts.rhythm import INSTANT, QuietHours, Rhythm, parse_quiet, parse_rhythm, zone_of
from bot.models import Alert, ChatRef


@dataclass(frozen=True, slots=True)
class ChatRhythm:
    """What a chat chose: its zone, a default rhythm, per-subscription rhythms, quiet hours, snoozes.
    Queries are the normalised subscription queries; rhythms and quiet hours are stored as keys."""

    chat: ChatRef
    zone: str = "UTC"
    default: str = "instant"  # the rhythm of every subscription without one of its own
    rhythms: Mapping[str, str] = field(default_factory=dict)  # query -> rhythm key
    quiet: str = ""  # QuietHours.key, "" for none
    snoozed_until: datetime | None = None  # every subscription ("/snooze all")
    snoozes: Mapping[str, datetime] = field(default_factory=dict)  # query -> until

    @property
    def tz(self) -> ZoneInfo:
        return zone_of(self.zone)

    @property
    def quiet_hours(self) -> QuietHours | None:
        return parse_quiet(self.quiet) if self.quiet else None

    def rhythm_of(self, query: str) -> Rhythm:
        return parse_rhythm(self.rhythms.get(query) or self.default or INSTANT.key)

    def snoozed(self, query: str, now: datetime) -> datetime | None:
        """Until when `query` is snoozed at `now` (the later of its own and the chat's snooze)."""
        ends = [u for u in (self.snoozed_until, self.snoozes.get(query)) if u is not None and u > now]
        return max(ends) if ends else None

    def pruned(self, now: datetime, queries: Iterable[str]) -> ChatRhythm:
        """Without ended snoozes and settings of subscriptions the chat no longer has."""
        keep = set(queries)
        return replace(
            self,
            rhythms={q: r for q, r in self.rhythms.items() if q in keep},
            snoozes={q: u for q, u in self.snoozes.items() if q in keep and u > now},
            snoozed_until=self.snoozed_until if self.snoozed_until and self.snoozed_until > now else None,
        )


@dataclass(frozen=True, slots=True)
class HeldStory:
    """An alert kept for a digest: on disk before the poll that found it marks it seen."""

    alert: Alert
    bucket: str  # a rhythm key, QUIET or BURST

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


class Route(Enum):
    DROP = "drop"  # every subscription that matched is snoozed
    INSTANT = "instant"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class Decision:
    route: Route
    bucket: str = ""  # HOLD: which digest
    due: datetime | None = None  # HOLD: when that digest goes out
    since: datetime | None = None  # HOLD: when its period started (for a new schedule)
    matched: tuple[str, ...] = ()  # the live subscriptions that matched (snoozed ones left out)


@dataclass(frozen=True, slots=True)
class BurstRule:
    limit: int = DEFAULT_BURST
    window: timedelta = BURST_WINDOW


def decide(
    prefs: ChatRhythm,
    matched: Sequence[str],
    now: datetime,
    *,
    sends: Sequence[datetime] = (),
    schedules: Mapping[str, DigestSchedule] | None = None,
    burst: BurstRule | None = None,
) -> Decision:
    """Where one matched story goes for this chat. `sends`: its recent instant alerts (burst rule);
    `schedules`: its stored digest schedules by bucket (a bucket without one starts now)."""
    live = tuple(q for q in matched if prefs.snoozed(q, now) is None)
    if not live:
        return Decision(Route.DROP)
    schedules = schedules or {}
    zone = prefs.tz
    rhythms = {prefs.rhythm_of(q) for q in live}
    if any(r.instant for r in rhythms):
        quiet = prefs.quiet_hours
        if quiet is not None and quiet.contains(now, zone):
            held = schedules.get(QUIET)
            if held is not None and held.due > now:
                return Decision(Route.HOLD, QUIET, held.due, held.since, live)
            return Decision(Route.HOLD, QUIET, quiet.ends_after(now, zone), now, live)
        rule = burst or BurstRule()
        until = fold_until(sends, now, rule.limit, rule.window)
        if until is not None:
            return Decision(Route.HOLD, BURST, until, until - rule.window, live)
        return Decision(Route.INSTANT, matched=live)
    options = []
    for rhythm in rhythms:
        stored = schedules.get(rhythm.key)
        if stored is not None:
            options.append((stored.due, rhythm.key, stored.since))
        else:
            options.append((rhythm.next_due(now, zone), rhythm.key, now))
    due, bucket, since = min(options)
    return Decision(Route.HOLD, bucket, due, since, live)
