"""How often a chat wants its alerts (instant, hourly, daily or weekly digests), when each digest
is next due, and the parsing of /digest. Pure: no I/O, no clock of its own; every time in and out
is UTC-aware, and local times are worked out in the chat's zone (an IANA name, `zoneinfo`), DST
rules included. Quiet hours are in `bot.alerts.quiet`, snoozes in `bot.alerts.snooze`, time zone
names in `bot.alerts.zones`, burst folding in `bot.alerts.burst`.

DST: a local time that does not exist that day (02:30 on spring-forward) is due at the first valid
minute after it (03:00); a local time that happens twice is due once, at its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.alerts.zones import wall_clock
from bot.errors import RhythmError
from bot.texts import N_, Text


class Cadence(StrEnum):
    INSTANT = "instant"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

DIGEST_EXAMPLES = Text(
    N_(
        "/digest SOCAR daily 08:00 · /digest SOCAR weekly mon 08:00 · /digest SOCAR hourly · "
        "/digest SOCAR instant · /digest daily 08:00 (every subscription without a rhythm of its own)"
    )
)
# the names /digest accepts are English words; what a chat reads is translated (handlers/i18n.py)
CADENCE_NAMES = {
    Cadence.INSTANT: N_("instant"),
    Cadence.HOURLY: N_("hourly"),
    Cadence.DAILY: N_("daily"),
    Cadence.WEEKLY: N_("weekly"),
}

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def resolve_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone`: the first occurrence of a repeated
    time, the first valid minute after a time that does not exist (a DST gap)."""
    naive = datetime.combine(day, at)
    early, late = (naive.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    lo, hi = min(early, late), max(early, late)
    if wall_clock(lo, zone) == naive:
        return lo  # exists; when it happens twice, `lo` is the first time
    # In a gap: `lo` reads before the wanted time, `hi` after it; find the minute the clock jumps.
    lo, hi = lo.replace(second=0, microsecond=0), hi.replace(second=0, microsecond=0)
    while hi - lo > timedelta(minutes=1):
        mid = lo + timedelta(minutes=(hi - lo) // timedelta(minutes=1) // 2)
        if wall_clock(mid, zone) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True, slots=True)
class Rhythm:
    cadence: Cadence
    at: time | None = None  # daily and weekly: local wall time
    weekday: int | None = None  # weekly: 0 = Monday

    @property
    def instant(self) -> bool:
        return self.cadence is Cadence.INSTANT

    @property
    def key(self) -> str:
        """The stored form, read back by `parse_rhythm`: "daily 08:00", "weekly mon 08:00"."""
        if self.cadence is Cadence.DAILY:
            return f"daily {self.at:%H:%M}"
        if self.cadence is Cadence.WEEKLY:
            return f"weekly {WEEKDAYS[self.weekday or 0]} {self.at:%H:%M}"
        return self.cadence.value

    def describe(self) -> Text:
        if self.cadence is Cadence.DAILY:
            return Text(N_("daily at {time}"), time=f"{self.at:%H:%M}")
        if self.cadence is Cadence.WEEKLY:
            day = Text(DAY_NAMES[self.weekday or 0])
            return Text(N_("weekly on {day} at {time}"), day=day, time=f"{self.at:%H:%M}")
        return Text(CADENCE_NAMES[self.cadence])

    def next_due(self, after: datetime, zone: ZoneInfo) -> datetime:
        """The first due time strictly after `after` (UTC). Instant alerts are never due."""
        if self.cadence is Cadence.INSTANT:
            raise ValueError("instant alerts have no due time")
        if self.cadence is Cadence.HOURLY:
            return _next_local_hour(after, zone)
        assert self.at is not None
        start = wall_clock(after, zone).date()
        for offset in range(9):  # a week and the odd skipped day (Samoa dropped 30 Dec 2011)
            day = start + timedelta(days=offset)
            if self.cadence is Cadence.WEEKLY and day.weekday() != self.weekday:
                continue
            due = resolve_local(day, self.at, zone)
            if due > after:
                return due
        raise AssertionError("no due time within nine days")  # pragma: no cover


INSTANT = Rhythm(Cadence.INSTANT)


def _next_local_hour(after: datetime, zone: ZoneInfo) -> datetime:
    """The next instant at which the chat's clock shows a full hour (every UTC offset in use is a
    multiple of 15 minutes, so the quarter hours are the candidates)."""
    quarter = timedelta(minutes=15)
    step = after.astimezone(UTC).replace(second=0, microsecond=0)
    step -= timedelta(minutes=step.minute % 15)
    for _ in range(16):
        step += quarter
        if step > after and step.astimezone(zone).minute == 0:
            return step
    return after + timedelta(hours=1)  # pragma: no cover - no zone has such an offset


def parse_time(text: str, example: str) -> time:
    found = _TIME.match(text.strip())
    if not found:
        raise RhythmError(
            N_("{text} is not a time of day: write it as HH:MM (24-hour), e.g. {example}"),
            text=repr(text),
            example=example,
        )
    return time(int(found.group(1)), int(found.group(2)))


def _weekday(text: str) -> int:
    word = text.casefold()
    for number, name in enumerate(WEEKDAYS):
        if word == name or (len(word) >= 3 and DAY_NAMES[number].casefold().startswith(word)):
            return number
    raise RhythmError(
        N_("{text} is not a day: use one of {days}, e.g. weekly mon 08:00"),
        text=repr(text),
        days=", ".join(WEEKDAYS),
    )


def parse_rhythm(text: str) -> Rhythm:
    """ "instant", "hourly", "daily 08:00", "weekly mon 08:00" (any case)."""
    words = text.split()
    kind = words[0].casefold() if words else ""
    rest = words[1:]
    if kind in (Cadence.INSTANT, Cadence.HOURLY):
        if rest:
            raise RhythmError(
                N_("{kind} takes no time. Examples: {examples}"), kind=kind, examples=DIGEST_EXAMPLES
            )
        return Rhythm(Cadence(kind))
    if kind == Cadence.DAILY:
        if len(rest) != 1:
            raise RhythmError(
                N_("daily needs one time of day, e.g. daily 08:00. Examples: {examples}"),
                examples=DIGEST_EXAMPLES,
            )
        return Rhythm(Cadence.DAILY, parse_time(rest[0], "/digest SOCAR daily 08:00"))
    if kind == Cadence.WEEKLY:
        if len(rest) != 2:
            raise RhythmError(
                N_("weekly needs a day and a time, e.g. weekly mon 08:00. Examples: {examples}"),
                examples=DIGEST_EXAMPLES,
            )
        return Rhythm(
            Cadence.WEEKLY, parse_time(rest[1], "/digest SOCAR weekly mon 08:00"), _weekday(rest[0])
        )
    raise RhythmError(
        N_("Say how often: instant, hourly, daily HH:MM or weekly DAY HH:MM. Examples: {examples}"),
        examples=DIGEST_EXAMPLES,
    )


@dataclass(frozen=True, slots=True)
class DigestRequest:
    query: str | None  # as typed; None: the chat's default rhythm
    rhythm: Rhythm


def _split_tail(text: str, keywords: Iterable[str], window: int) -> tuple[str, str] | None:
    """(head as typed, tail from the rightmost keyword among the last `window` words)."""
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    wanted = {k.casefold() for k in keywords}
    for start, word in reversed(spans[-window:]):
        if word.casefold() in wanted:
            return text[:start].strip(), text[start:].strip()
    return None


def parse_digest(text: str) -> DigestRequest:
    """`/digest [query] instant|hourly|daily HH:MM|weekly DAY HH:MM`."""
    split = _split_tail(text, (c.value for c in Cadence), 3)
    if split is None:
        raise RhythmError(N_("Say how often, at the end. Examples: {examples}"), examples=DIGEST_EXAMPLES)
    head, tail = split
    return DigestRequest(head or None, parse_rhythm(tail))
