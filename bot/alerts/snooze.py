"""Snoozes: a subscription's (or every subscription's) matches dropped until a time that comes by
itself, at most 90 days on; the parsing of /snooze and its durations. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import RhythmError
from bot.texts import N_, Text

MAX_SNOOZE = timedelta(days=90)
SNOOZE_EXAMPLES = Text(
    N_("/snooze SOCAR 2h · /snooze all 30m · /snooze SOCAR 7d (at most 90 days) · /snooze all off")
)
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?$")


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `7d`, `1h30m`; at least a minute, at most 90 days."""
    found = _DURATION.match(text.strip().casefold())
    if not text.strip() or not found:
        raise RhythmError(
            N_("{text} is not a duration. Examples: {examples}"), text=repr(text), examples=SNOOZE_EXAMPLES
        )
    days, hours, minutes = (int(g or 0) for g in found.groups())
    span = timedelta(days=days, hours=hours, minutes=minutes)
    if span < timedelta(minutes=1):
        raise RhythmError(
            N_("A snooze lasts at least a minute. Examples: {examples}"), examples=SNOOZE_EXAMPLES
        )
    if span > MAX_SNOOZE:
        raise RhythmError(
            N_("A snooze lasts at most 90 days (90d); /pause stops alerts for as long as you like.")
        )
    return span


@dataclass(frozen=True, slots=True)
class SnoozeRequest:
    query: str | None  # as typed; None: every subscription of the chat ("all")
    duration: timedelta | None  # None: end the snooze ("off")


def parse_snooze(text: str) -> SnoozeRequest:
    """`/snooze <query>|all <duration>|off`."""
    words = text.split()
    if len(words) < 2:
        raise RhythmError(
            N_("Say what to snooze and for how long. Examples: {examples}"), examples=SNOOZE_EXAMPLES
        )
    head = text.strip()[: text.strip().rfind(words[-1])].strip()
    duration = None if words[-1].casefold() == "off" else parse_duration(words[-1])
    return SnoozeRequest(None if head.casefold() == "all" else head, duration)
