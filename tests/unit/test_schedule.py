"""The scheduling rule as a pure function: (state, fetch result, now, settings) -> next due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.schedule import (
    Fetched,
    ScheduleSettings,
    due_at,
    is_due,
    observe,
    quiet_seconds,
    schedule,
    skip_forward,
    story_rate,
)
from bot.models import FeedHints, SourceState

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday
S = ScheduleSettings(poll_seconds=300, min_seconds=60, max_seconds=3600)
OK = Fetched(ok=True, http_status=200)


def state(**fields: object) -> SourceState:
    return SourceState("https://example.org/feed", **fields)  # type: ignore[arg-type]


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def test_a_new_source_starts_at_the_poll_interval() -> None:
    plan = schedule(state(), OK, NOW, S)
    assert plan.interval == 300
    assert plan.reason == "start"
    assert plan.due == NOW + timedelta(seconds=300)
    assert plan.state.watched_since == NOW
    assert (plan.state.next_due, plan.state.interval, plan.state.reason) == (plan.due, 300, "start")
    assert due_at(plan.state) == plan.due


def test_back_off_wins_over_an_earlier_next_due() -> None:
    later = NOW + timedelta(hours=1)
    assert due_at(state(next_due=NOW, retry_at=later)) == later
    assert due_at(state()) is None
    assert is_due(state(next_due=later), NOW)  # the fixed cycle looks at back-off only


def test_the_first_fetch_learns_the_rhythm_from_the_entries_dates() -> None:
    every_two_minutes = tuple(ago(2 * n) for n in range(1, 11))
    plan = schedule(state(), Fetched(ok=True, new=every_two_minutes), NOW, S)
    assert plan.reason == "rhythm"
    assert plan.interval == pytest.approx(120, rel=0.1)


def test_busy_feeds_are_held_at_the_minimum_and_quiet_ones_at_the_maximum() -> None:
    burst = tuple(ago(n / 10) for n in range(1, 20))
    assert schedule(state(), Fetched(ok=True, new=burst), NOW, S).interval == 60
    weekly = state(arrivals=(NOW - timedelta(days=6), NOW - timedelta(days=13)), watched_since=ago(600))
    assert schedule(weekly, OK, NOW, S).interval == 3600


def test_a_feed_watched_for_hours_without_stories_is_quiet_not_unknown() -> None:
    rhythm = state(watched_since=NOW - timedelta(hours=7))
    assert story_rate(rhythm, NOW, S) == 0
    plan = schedule(rhythm, OK, NOW, S)
    assert plan.interval == 3600 and plan.reason == "rhythm"
    assert story_rate(state(watched_since=ago(30)), NOW, S) is None


def test_arrivals_are_capped_and_old_ones_forgotten() -> None:
    old = NOW - timedelta(days=8)
    rhythm = observe(state(), Fetched(ok=True, new=(old, *(ago(n) for n in range(40)))), NOW, S)
    assert len(rhythm.arrivals) == S.history
    assert old not in rhythm.arrivals
    assert list(rhythm.arrivals) == sorted(rhythm.arrivals)


def test_future_publication_times_count_as_now() -> None:
    rhythm = observe(state(), Fetched(ok=True, new=(NOW + timedelta(days=2),)), NOW, S)
    assert rhythm.arrivals == (NOW,)


def test_the_allotted_share_of_the_budget_is_used_once_the_rhythm_is_known() -> None:
    known = state(arrivals=(ago(50), ago(20)), watched_since=ago(60))
    plan = schedule(known, OK, NOW, S, allotted=90)
    assert (plan.interval, plan.reason) == (90, "budget")
    assert schedule(known, OK, NOW, S, allotted=5).interval == 60  # clamped to the minimum
    assert schedule(state(), OK, NOW, S, allotted=90).reason == "start"  # rhythm unknown


def test_sy_update_period_stands_in_for_an_unknown_rhythm() -> None:
    hints = FeedHints(update_seconds=1800)
    plan = schedule(state(), Fetched(ok=True, hints=hints), NOW, S)
    assert plan.interval == 1800 and plan.reason == "rhythm"


@pytest.mark.parametrize(
    ("headers", "hints", "interval", "reason"),
    [
        ({"cache-control": "public, max-age=900"}, None, 900, "cache"),
        ({"cache-control": "max-age=90000"}, None, 3600, "cache"),  # never beyond the maximum
        ({"cache-control": "max-age=900", "age": "600"}, None, 301, "start"),  # just after it expires
        ({"cache-control": "no-cache, max-age=900"}, None, 300, "start"),
        (
            {"expires": "Tue, 01 Dec 2026 12:20:00 GMT", "date": "Tue, 01 Dec 2026 12:00:00 GMT"},
            None,
            1200,
            "cache",
        ),
        ({}, FeedHints(ttl_seconds=1200), 1200, "ttl"),
        ({"cache-control": "max-age=600"}, FeedHints(ttl_seconds=1200), 1200, "ttl"),
        ({"cache-control": "max-age=60"}, None, 300, "start"),  # a shorter promise changes nothing
    ],
)
def test_caching_headers_and_ttl_are_floors(
    headers: dict[str, str], hints: FeedHints | None, interval: float, reason: str
) -> None:
    plan = schedule(state(), Fetched(ok=True, headers=headers, hints=hints), NOW, S)
    assert (plan.interval, plan.reason) == (interval, reason)


def test_a_304_keeps_the_last_documents_hints() -> None:
    rhythm = observe(state(), Fetched(ok=True, hints=FeedHints(ttl_seconds=1200)), NOW, S)
    plan = schedule(rhythm, Fetched(ok=True, http_status=304), NOW, S)
    assert plan.reason == "ttl" and plan.interval == 1200


def test_skip_hours_and_days_move_the_due_time_out() -> None:
    hints = FeedHints(skip_hours=frozenset({12, 13}))
    plan = schedule(state(), Fetched(ok=True, hints=hints), NOW, S)
    assert plan.due == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert plan.reason == "skip"
    tuesday_off = FeedHints(skip_days=frozenset({1}))
    assert skip_forward(NOW, tuesday_off) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert skip_forward(NOW, FeedHints(skip_hours=frozenset({3}))) == NOW


def test_one_failure_keeps_the_interval_then_back_off_doubles_up_to_the_cap() -> None:
    failed = Fetched(ok=False, http_status=500)
    rhythm = state(interval=300)
    intervals = []
    for _ in range(12):
        rhythm = replace(rhythm, failures=rhythm.failures + 1)  # the poll counts failures
        plan = schedule(rhythm, failed, NOW, S)
        intervals.append(plan.interval)
        assert (plan.state.retry_at is not None) == (rhythm.failures > 1)
        rhythm = plan.state
    assert intervals[:4] == [300, 600, 1200, 2400]
    assert max(intervals) == S.max_backoff_seconds  # beyond the maximum poll interval: back-off wins
    assert rhythm.interval == 300  # the base stays what it was
    back = schedule(replace(rhythm, failures=0), OK, NOW, S)
    assert back.interval == 300 and back.state.retry_at is None


def test_spread_shortens_back_off_by_at_most_a_tenth() -> None:
    rhythm = state(interval=300, failures=3)
    plain = schedule(rhythm, Fetched(ok=False), NOW, S).interval
    spread = schedule(rhythm, Fetched(ok=False), NOW, S, spread=0.99).interval
    assert plain * 0.9 <= spread < plain


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_whatever_the_settings(status: int) -> None:
    tiny = ScheduleSettings(poll_seconds=1, min_seconds=1, max_seconds=2)
    failed = Fetched(ok=False, http_status=status, headers={"retry-after": "7200"})
    plan = schedule(state(failures=1), failed, NOW, tiny)
    assert (plan.interval, plan.reason) == (7200, "retry-after")
    assert plan.state.retry_at == plan.due  # honoured by the fixed cycle too
    dated = Fetched(ok=False, http_status=status, headers={"retry-after": "Tue, 01 Dec 2026 13:00:00 GMT"})
    assert schedule(state(), dated, NOW, tiny).interval == 3600


def test_retry_after_elsewhere_or_absurd_is_not_obeyed_blindly() -> None:
    assert (
        schedule(
            state(), Fetched(ok=False, http_status=500, headers={"retry-after": "7200"}), NOW, S
        ).interval
        == 300
    )
    huge = Fetched(ok=False, http_status=429, headers={"retry-after": str(365 * 86400)})
    assert schedule(state(), huge, NOW, S).interval == S.max_retry_after_seconds


def test_a_pushed_source_is_polled_at_the_maximum_as_a_safety_net() -> None:
    busy = state(arrivals=tuple(ago(n) for n in range(10)), watched_since=ago(60))
    plan = schedule(busy, OK, NOW, S, pushed=True, allotted=60)
    assert (plan.interval, plan.reason) == (3600, "push")


def test_a_poll_interval_below_the_minimum_pulls_the_minimum_down() -> None:
    fast = ScheduleSettings(poll_seconds=1, min_seconds=60, max_seconds=3600)
    assert fast.floor == 1
    assert schedule(state(), OK, NOW, fast).interval == 1
    burst = tuple(ago(n / 100) for n in range(1, 10))
    assert schedule(state(), Fetched(ok=True, new=burst), NOW, fast).interval == 1


@given(
    st.lists(st.floats(0, 30 * 86400, allow_nan=False), max_size=30),
    st.integers(0, 30),
    st.sampled_from([None, 200, 304, 429, 500, 503]),
    st.dictionaries(st.sampled_from(["retry-after", "cache-control", "expires"]), st.text(max_size=30)),
)
def test_any_input_gives_a_due_time_in_the_future(
    ages: list[float], failures: int, status: int | None, headers: dict[str, str]
) -> None:
    new = tuple(NOW - timedelta(seconds=a) for a in ages)
    fetched = Fetched(ok=status in (200, 304), http_status=status, headers=headers, new=new)
    plan = schedule(state(failures=failures), fetched, NOW, S)
    assert plan.due > NOW
    assert plan.interval >= S.floor


def hourly(**fields: object) -> SourceState:
    """A feed that has published every 50-70 minutes, the last story 5 minutes ago."""
    gaps = (3000, 4200, 3600, 3300, 3900, 3600)
    times, moment = [], ago(5)
    for gap in gaps:
        times.append(moment)
        moment -= timedelta(seconds=gap)
    return state(arrivals=tuple(reversed(times)), watched_since=moment, **fields)


def test_a_regular_feed_is_left_alone_after_a_story_for_most_of_its_shortest_gap() -> None:
    feed = hourly(interval=120.0, reason="budget")
    assert quiet_seconds(feed, late=120) == 0.8 * 3000 - 120
    plan = schedule(feed, OK, NOW, S, allotted=120)
    assert plan.reason == "quiet"
    assert plan.due == feed.arrivals[-1] + timedelta(seconds=0.8 * 3000 - 120)
    after = schedule(plan.state, OK, plan.due, S, allotted=120)  # quiet is over: the budget again
    assert (after.interval, after.reason) == (120, "budget")


def test_bursty_and_little_known_feeds_have_no_quiet_stretch() -> None:
    bursty = state(arrivals=tuple(ago(m) for m in (90, 89, 60, 58, 30, 29, 1)), watched_since=ago(120))
    assert quiet_seconds(bursty, late=60) == 0
    few = state(arrivals=(ago(300), ago(200), ago(100)), watched_since=ago(400))
    assert quiet_seconds(few, late=60) == 0
    found_late = hourly(interval=3600.0, reason="budget")  # gaps this long may be the interval's
    assert quiet_seconds(found_late, late=3600) == 0
    assert schedule(hourly(), OK, NOW, S, pushed=True).reason == "push"


def test_a_cache_that_says_its_age_is_read_just_after_its_copy_expires() -> None:
    cdn = {"cache-control": "max-age=300", "age": "120"}  # this copy expires in 180 s
    assert schedule(state(), Fetched(ok=True, headers=cdn), NOW, S).interval == 181
    busy = state(arrivals=(ago(50), ago(20)), watched_since=ago(60))
    plan = schedule(busy, Fetched(ok=True, headers=cdn), NOW, S, allotted=700)
    assert plan.interval == 180 + 300 + 1  # the last expiry before the allotted 700 s
    ttl = Fetched(ok=True, headers=cdn, hints=FeedHints(ttl_seconds=600))
    assert schedule(busy, ttl, NOW, S, allotted=60).interval == 180 + 2 * 300 + 1  # <ttl> holds: 1 gap
    unknown = {"cache-control": "max-age=300"}  # no Age: when it expires is not known
    assert schedule(busy, Fetched(ok=True, headers=unknown), NOW, S, allotted=700).interval == 700


def test_the_first_document_shows_how_long_a_feed_has_been_quiet() -> None:
    dead = schedule(state(), Fetched(ok=True, new=(NOW - timedelta(days=40),)), NOW, S)
    assert dead.state.watched_since == NOW - S.window
    assert story_rate(dead.state, NOW, S) == 0
    assert dead.interval == 3600
    weekly = Fetched(ok=True, new=(NOW - timedelta(days=3), NOW - timedelta(days=10)))
    assert schedule(state(), weekly, NOW, S).interval == 3600


def test_a_full_record_of_arrivals_gives_the_recent_rate() -> None:
    last_hour = tuple(ago(3 * n) for n in range(S.history, 0, -1))  # one every 3 minutes
    busy = state(arrivals=last_hour, watched_since=NOW - timedelta(days=5))
    assert story_rate(busy, NOW, S) == pytest.approx(1 / 180, rel=0.1)
