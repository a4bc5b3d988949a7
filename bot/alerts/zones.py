"""Time zones as /timezone takes them: IANA names in any case, a city alone ("Baku"), close
guesses for a typo; the zone of a stored name; and a moment as the chat's clock reads it. Pure."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.errors import RhythmError
from bot.texts import N_

DEFAULT_ZONE = "UTC"
ZONE_EXAMPLES = "/timezone Asia/Baku · /timezone Europe/Berlin · /timezone America/New_York"


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` as the chat's clock reads it (naive local time)."""
    return moment.astimezone(zone).replace(tzinfo=None)


@cache
def _zone_names() -> dict[str, str]:
    from zoneinfo import available_timezones

    names = {name.casefold(): name for name in available_timezones()}
    names.setdefault("utc", "UTC")
    return names


@cache
def _cities() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for name in _zone_names().values():
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            cities.setdefault(name.rsplit("/", 1)[1].casefold(), []).append(name)
    return cities


def parse_zone(text: str) -> str:
    """The canonical IANA name for `text` ("asia/baku", "Baku", "new york" -> "America/New_York")."""
    wanted = "_".join(text.split()).casefold()
    if wanted in _zone_names():
        return _zone_names()[wanted]
    found = _cities().get(wanted, [])
    if len(found) == 1:
        return found[0]
    import difflib

    close = difflib.get_close_matches(wanted, list(_zone_names()), n=3, cutoff=0.6)
    shown = repr(text.strip())
    if close:
        raise RhythmError(
            N_("{text} is not a time zone I know. Did you mean {names}? Use an IANA name: {examples}"),
            text=shown,
            names=", ".join(_zone_names()[c] for c in close),
            examples=ZONE_EXAMPLES,
        )
    raise RhythmError(
        N_("{text} is not a time zone I know. Use an IANA name: {examples}"),
        text=shown,
        examples=ZONE_EXAMPLES,
    )


def zone_of(name: str | None) -> ZoneInfo:
    """The zone for a stored name (anything unknown or empty reads as UTC)."""
    try:
        return ZoneInfo(_zone_names().get((name or DEFAULT_ZONE).casefold(), DEFAULT_ZONE))
    except (ValueError, KeyError):  # pragma: no cover - names come from available_timezones()
        return ZoneInfo(DEFAULT_ZONE)
