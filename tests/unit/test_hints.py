"""Reading a feed's and a server's own scheduling hints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ingest.hints import FeedHints, cache_seconds, cache_window, read_feed_hints, retry_after_seconds

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>T</title><ttl>15</ttl>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>
<item><title>An item with its own <ttl>999</ttl></title></item>
<skipHours><hour>0</hour><hour>1</hour><hour>24</hour><hour>99</hour></skipHours>
<skipDays><day>Saturday</day><day>sunday</day><day>Caturday</day></skipDays>
</channel></rss>"""


def test_rss_channel_hints() -> None:
    hints = read_feed_hints(RSS)
    assert hints == FeedHints(
        ttl_seconds=900, skip_hours=frozenset({0, 1}), skip_days=frozenset({5, 6}), update_seconds=900
    )


def test_nothing_declared_is_no_hint() -> None:
    assert read_feed_hints(b"<rss><channel><title>x</title></channel></rss>") == FeedHints()
    assert read_feed_hints(b"\xff\xfe garbage") == FeedHints()


@pytest.mark.parametrize(
    ("xml", "seconds"),
    [
        (b"<sy:updatePeriod>daily</sy:updatePeriod>", 86400),
        (b"<sy:updateFrequency>2</sy:updateFrequency>", 43200),  # the period defaults to daily
        (b"<syn:updatePeriod>weekly</syn:updatePeriod>", 604800),
        (b"<sy:updatePeriod>sometimes</sy:updatePeriod>", None),
        (b"<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>", None),
    ],
)
def test_syndication_module(xml: bytes, seconds: float | None) -> None:
    assert read_feed_hints(b"<rss><channel>" + xml + b"</channel></rss>").update_seconds == seconds


def test_skipping_every_hour_or_day_is_ignored() -> None:
    hours = b"".join(b"<hour>%d</hour>" % h for h in range(24))
    days = b"".join(
        b"<day>%s</day>" % d for d in b"Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
    )
    hints = read_feed_hints(
        b"<rss><channel><skipHours>" + hours + b"</skipHours><skipDays>" + days + b"</skipDays>"
    )
    assert hints.skip_hours == frozenset() and hints.skip_days == frozenset()


def test_zero_ttl_is_no_hint() -> None:
    assert read_feed_hints(b"<rss><channel><ttl>0</ttl></channel></rss>").ttl_seconds is None


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "max-age=300"}, 300),
        ({"Cache-Control": 'public, s-maxage=10, max-age="120"'}, 120),
        ({"cache-control": "max-age=300", "age": "100"}, 200),
        ({"cache-control": "max-age=300", "age": "400"}, None),
        ({"cache-control": "no-store"}, None),
        ({"cache-control": "private"}, None),
        ({"expires": "Tue, 01 Dec 2026 12:10:00 GMT"}, 600),
        ({"expires": "Tue, 01 Dec 2026 12:10:00 GMT", "date": "Tue, 01 Dec 2026 12:05:00 GMT"}, 300),
        ({"expires": "0"}, None),
        ({"expires": "Mon, 30 Nov 2026 12:00:00 GMT"}, None),
        ({}, None),
    ],
)
def test_cache_seconds(headers: dict[str, str], seconds: float | None) -> None:
    assert cache_seconds(headers, NOW) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120),
        ("Tue, 01 Dec 2026 12:30:00 GMT", 1800),
        ("Mon, 30 Nov 2026 12:00:00 GMT", 0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after(value: str, seconds: float | None) -> None:
    assert retry_after_seconds({"retry-after": value}, NOW) == seconds


@pytest.mark.parametrize(
    ("headers", "window"),
    [
        ({"cache-control": "public, max-age=300", "age": "42"}, (300, 42)),
        ({"cache-control": "max-age=300"}, (300, None)),
        ({"cache-control": "max-age=300", "age": "soon"}, (300, None)),
        ({"cache-control": "no-cache, max-age=300", "age": "5"}, None),
        ({"cache-control": "max-age=0"}, None),
        ({"expires": "Tue, 01 Dec 2026 12:10:00 GMT"}, None),
    ],
)
def test_cache_window(headers: dict[str, str], window: tuple[float, float | None] | None) -> None:
    assert cache_window(headers) == window
