"""The clock is a port so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def format_utc(moment: datetime | None) -> str | None:
    """How every chat shows a time: "24 Nov 2026 08:15 UTC" (None stays None)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
