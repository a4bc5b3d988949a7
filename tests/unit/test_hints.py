"""Reading a feed's and a server's own scheduling hints."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest.hints import FeedHints, cache_seconds, cache_window, read_feed_hints, retry_after_seconds
from bot.ingest.planner import Planner
from bot.ingest.schedule import Fetched, ScheduleSettings, schedule, ttl_floor
from bot.models import SourceState

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


# <ttl> is a soft floor (bot.ingest.schedule.ttl_floor): only the server's caching headers and
# Retry-After are hard ones.
S = ScheduleSettings(poll_seconds=300, min_seconds=60, max_seconds=3600)
TTL = FeedHints(ttl_seconds=600)


def fed(*minutes_ago: float, hints: FeedHints = TTL) -> SourceState:
    arrivals = tuple(sorted(NOW - timedelta(minutes=m) for m in minutes_ago))
    return SourceState("https://example.org/feed", arrivals=arrivals, watched_since=arrivals[0], hints=hints)


BUSY = fed(*range(3, 40, 3))  # a story every 3 minutes, well inside its 10-minute <ttl>
SLOW = fed(5, 35, 36, 76, 101)  # gaps of 25, 40, 1 and 30 minutes: slower than its <ttl>


def test_ttl_is_honoured_for_a_feed_slower_than_it() -> None:
    assert ttl_floor(SLOW, NOW, S) == 600
    plan = schedule(SLOW, Fetched(ok=True), NOW, S, allotted=120)
    assert (plan.interval, plan.reason) == (600, "ttl")
    even = fed(10, 20, 30, 40)  # gaps exactly the ttl: it holds
    assert ttl_floor(even, NOW, S) == 600


def test_ttl_is_honoured_while_the_rhythm_is_unknown() -> None:
    assert ttl_floor(fed(1, 2, 3), NOW, S) == 600  # two gaps say too little
    new = SourceState("https://example.org/feed", hints=TTL)
    assert schedule(new, Fetched(ok=True), NOW, S).interval == 600
    weeks_ago = fed(*(8 * 1440 + m for m in range(0, 30, 3)))  # busy once, outside the window
    assert ttl_floor(weeks_ago, NOW, S) == 600


def test_ttl_is_not_a_floor_for_a_feed_that_publishes_faster() -> None:
    assert ttl_floor(BUSY, NOW, S) is None
    plan = schedule(BUSY, Fetched(ok=True, http_status=304), NOW, S, allotted=120)
    assert (plan.interval, plan.reason) == (120, "budget")
    assert ttl_floor(fed(*range(3, 40, 3), hints=FeedHints()), NOW, S) is None
    found_by_ttl_polls = fed(10, 20, 20, 30, 40, 40, 50)  # first-seen times, bunched by the polls
    assert ttl_floor(found_by_ttl_polls, NOW, S) is None
    wire = fed(2, 5, 9, 60, 63, 66, 130, 134)  # bursts an hour apart: slower than 10 min on average
    assert ttl_floor(wire, NOW, S) is None  # but its stories come minutes apart in each burst


def test_cache_control_max_age_stays_a_floor_for_a_busy_feed() -> None:
    cached = Fetched(ok=True, headers={"cache-control": "max-age=900"})
    assert schedule(BUSY, cached, NOW, S, allotted=120).interval == 900
    expires = {"expires": "Tue, 01 Dec 2026 12:15:00 GMT", "date": "Tue, 01 Dec 2026 12:00:00 GMT"}
    plan = schedule(BUSY, Fetched(ok=True, headers=expires), NOW, S, allotted=120)
    assert (plan.interval, plan.reason) == (900, "cache")


def test_retry_after_wins_over_any_ttl() -> None:
    asked = Fetched(ok=False, http_status=429, headers={"retry-after": "7200"})
    for source in (BUSY, SLOW):
        plan = schedule(source, asked, NOW, S, allotted=120)
        assert (plan.interval, plan.reason) == (7200, "retry-after")


def test_the_planner_floors_only_the_ttl_that_holds() -> None:
    states = {
        s.url: s for s in (replace(BUSY, url="https://busy.test/"), replace(SLOW, url="https://slow.test/"))
    }
    shares = Planner(S, lambda: states.values(), requests_per_minute=10.0).allocation(NOW)
    assert shares["https://busy.test/"] < 600 <= shares["https://slow.test/"]
