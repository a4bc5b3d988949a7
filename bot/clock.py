"""The clock is a port so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def format_utc(moment: datetime | None) -> str | None:
    """How every chat shows a time: "24 Nov 2026 08:15 UTC" (None stays None)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def format_local(moment: datetime | None, zone: str | None) -> str | None:
    """A time as the chat's clock shows it: "24 Nov 2026 12:15 +04", "24 Nov 2026 09:15 CET"; the
    UTC form for "" or "UTC" or a zone this system does not know."""
    if moment is None:
        return None
    if not zone or zone == "UTC":
        return format_utc(moment)
    try:
        tz = ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        return format_utc(moment)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    return f"{local:%d %b %Y %H:%M} {local.tzname() or 'UTC'}"
