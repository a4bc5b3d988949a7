"""A chat's rhythm settings and the pure decision for one matched story: drop it (snoozed), send
it now, or hold it for a digest (the subscription's rhythm, quiet hours, or a full burst window).

A story is never both instant and in a digest: if any live subscription that matched it is
instant, the story takes the instant path (quiet hours and bursts may still hold it); otherwise it
joins the soonest due digest among its subscriptions' rhythms, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from bot.alerts.burst import BURST_WINDOW, DEFAULT_BURST, fold_until
from bot.alerts.digest import BURST, QUIET
from bot.alerts.quiet import QuietHours, parse_quiet
from bot.alerts.rhythm import INSTANT, Rhythm, parse_rhythm
from bot.alerts.zones import zone_of
from bot.models import ChatRhythm, DigestSchedule


def rhythm_of(prefs: ChatRhythm, query: str) -> Rhythm:
    """The subscription's own rhythm, else the chat's default."""
    return parse_rhythm(prefs.rhythms.get(query) or prefs.default or INSTANT.key)


def quiet_of(prefs: ChatRhythm) -> QuietHours | None:
    return parse_quiet(prefs.quiet) if prefs.quiet else None


def snoozed(prefs: ChatRhythm, query: str, now: datetime) -> datetime | None:
    """Until when `query` is snoozed at `now` (the later of its own and the chat's snooze)."""
    ends = [u for u in (prefs.snoozed_until, prefs.snoozes.get(query)) if u is not None and u > now]
    return max(ends) if ends else None


def pruned(prefs: ChatRhythm, now: datetime, queries: Iterable[str]) -> ChatRhythm:
    """Without ended snoozes and settings of subscriptions the chat no longer has."""
    keep = set(queries)
    return replace(
        prefs,
        rhythms={q: r for q, r in prefs.rhythms.items() if q in keep},
        snoozes={q: u for q, u in prefs.snoozes.items() if q in keep and u > now},
        snoozed_until=prefs.snoozed_until if prefs.snoozed_until and prefs.snoozed_until > now else None,
    )


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
    live = tuple(q for q in matched if snoozed(prefs, q, now) is None)
    if not live:
        return Decision(Route.DROP)
    schedules = schedules or {}
    zone = zone_of(prefs.zone)
    rhythms = {rhythm_of(prefs, q) for q in live}
    if any(r.instant for r in rhythms):
        quiet = quiet_of(prefs)
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
