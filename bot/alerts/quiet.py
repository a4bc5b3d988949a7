"""Quiet hours: a daily window on the chat's clock (it may cross midnight) in which instant alerts
are held, to go out as one digest when it ends. Pure, like `bot.alerts.rhythm`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.alerts.rhythm import Cadence, Rhythm, parse_time
from bot.alerts.zones import wall_clock
from bot.errors import RhythmError
from bot.texts import N_, Text

QUIET_EXAMPLES = Text(N_("/quiet 23:00-07:00 (may cross midnight) · /quiet off"))
_QUIET = re.compile(r"^(\S+?)\s*[-–—]\s*(\S+)$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time

    @property
    def key(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        now = wall_clock(moment, zone).time()
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # crosses midnight

    def ends_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the window holding `moment` ends (the next `end` on the chat's clock), UTC."""
        return Rhythm(Cadence.DAILY, self.end).next_due(moment, zone)


def parse_quiet(text: str) -> QuietHours | None:
    """`HH:MM-HH:MM` (may cross midnight), or `off` (None)."""
    text = text.strip()
    if text.casefold() == "off":
        return None
    found = _QUIET.match(text)
    if not found:
        raise RhythmError(
            N_("Give the quiet hours as start-end. Examples: {examples}"), examples=QUIET_EXAMPLES
        )
    start, end = (parse_time(part, "/quiet 23:00-07:00") for part in found.groups())
    if start == end:
        raise RhythmError(
            N_("Quiet hours need an end different from their start. Examples: {examples}"),
            examples=QUIET_EXAMPLES,
        )
    return QuietHours(start, end)
