"""What a feed and its server say about how often to come back: pure readers, no I/O.

From the HTTP response: Cache-Control max-age / Expires (how long the answer stays the same)
and Retry-After (how long to stay away after 429/503). From the feed: RSS `<ttl>` (minutes it
may be cached), `<skipHours>`/`<skipDays>` (UTC hours and days not to read it) and the
Syndication module's `sy:updatePeriod`/`sy:updateFrequency` (how often it is updated).
Every reader returns None (or nothing) for what is absent or malformed; nothing raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bot.models import FeedHints

_DAYS = {
    name: n
    for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_PERIODS = {
    "hourly": 3600.0,
    "daily": 86400.0,
    "weekly": 604800.0,
    "monthly": 2592000.0,
    "yearly": 31536000.0,
}
_ITEMS = re.compile(rb"<(item|entry)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TTL = re.compile(rb"<ttl\s*>\s*(\d{1,9})\s*</ttl\s*>", re.IGNORECASE)
_SKIP_HOURS = re.compile(rb"<skipHours\s*>(.*?)</skipHours\s*>", re.IGNORECASE | re.DOTALL)
_SKIP_DAYS = re.compile(rb"<skipDays\s*>(.*?)</skipDays\s*>", re.IGNORECASE | re.DOTALL)
_HOUR = re.compile(rb"<hour\s*>\s*(\d{1,2})\s*</hour\s*>", re.IGNORECASE)
_DAY = re.compile(rb"<day\s*>\s*([A-Za-z]+)\s*</day\s*>", re.IGNORECASE)
_SY_PERIOD = re.compile(rb"<(?:[\w.-]+:)?updatePeriod\s*>\s*([A-Za-z]+)\s*</", re.IGNORECASE)
_SY_FREQUENCY = re.compile(rb"<(?:[\w.-]+:)?updateFrequency\s*>\s*(\d{1,6})\s*</", re.IGNORECASE)
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?([0-9]{1,10})\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)\b", re.IGNORECASE)
_HEAD_BYTES = 1_000_000  # channel elements come before, between or after items: scan the first MB


def read_feed_hints(body: bytes) -> FeedHints:
    """Channel-level hints of an RSS/Atom document (entries' own elements are ignored)."""
    channel = _ITEMS.sub(b"", body[:_HEAD_BYTES])
    ttl = _TTL.search(channel)
    hours: set[int] = set()
    for block in _SKIP_HOURS.findall(channel):
        hours |= {int(h) % 24 for h in _HOUR.findall(block) if int(h) <= 24}  # RSS allows 0-23 (some use 24)
    days: set[int] = set()
    for block in _SKIP_DAYS.findall(channel):
        days |= {_DAYS[d.decode().lower()] for d in _DAY.findall(block) if d.decode().lower() in _DAYS}
    if len(hours) >= 24:  # "never read me" is a broken feed, not a schedule
        hours = set()
    if len(days) >= 7:
        days = set()
    return FeedHints(
        ttl_seconds=int(ttl.group(1)) * 60.0 if ttl and int(ttl.group(1)) > 0 else None,
        skip_hours=frozenset(hours),
        skip_days=frozenset(days),
        update_seconds=_update_seconds(channel),
    )


def _update_seconds(channel: bytes) -> float | None:
    period = _SY_PERIOD.search(channel)
    frequency = _SY_FREQUENCY.search(channel)
    if period is None and frequency is None:
        return None
    seconds = _PERIODS.get(period.group(1).decode().lower()) if period else _PERIODS["daily"]
    if seconds is None:
        return None
    times = int(frequency.group(1)) if frequency else 1  # the module's default is 1
    return seconds / times if times > 0 else None


def cache_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """How long the response may be reused: Cache-Control max-age, else Expires minus Date (or now).

    `no-cache`/`no-store` mean no promise at all; a past or malformed Expires is none either.
    """
    control = _header(headers, "cache-control")
    if control:
        if _NO_CACHE.search(control):
            return None
        window = cache_window(headers)
        if window is not None:
            value = window[0] - (window[1] or 0.0)
            return value if value > 0 else None
    expires = _http_date(_header(headers, "expires"))
    if expires is None:
        return None
    origin = _http_date(_header(headers, "date")) or now
    seconds = (expires - origin).total_seconds()
    return seconds if seconds > 0 else None


def cache_window(headers: Mapping[str, str]) -> tuple[float, float | None] | None:
    """(max-age, Age): how long a cache keeps an answer and how long it has held this one (None
    when it does not say). A CDN's copy changes only every max-age seconds."""
    control = _header(headers, "cache-control")
    if not control or _NO_CACHE.search(control):
        return None
    found = _MAX_AGE.search(control)
    if not found or float(found.group(1)) <= 0:
        return None
    raw = _header(headers, "age").strip()
    held = float(raw) if raw.isascii() and raw.isdigit() else None
    return float(found.group(1)), held


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    raw = _header(headers, "retry-after").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit():
        return float(raw)
    when = _http_date(raw)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), "")
    return value or ""


def _http_date(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
