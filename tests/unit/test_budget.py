"""The budget allocator (bot.ingest.budget) and the planner that feeds it (bot.ingest.planner)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.budget import allocate
from bot.ingest.planner import Planner
from bot.ingest.schedule import ScheduleSettings
from bot.models import SourceState

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
S = ScheduleSettings(poll_seconds=300, min_seconds=60, max_seconds=3600)


def test_allocate_spends_the_budget_by_the_square_root_of_the_rate() -> None:
    rates = {"wire": 100 / 3600, "hourly": 1 / 3600, "dead": 0.0}
    out = allocate(rates, requests_per_minute=0.5, settings=S)
    assert out["dead"] == 3600
    assert 60 < out["wire"] < out["hourly"] < 3600
    assert out["hourly"] / out["wire"] == pytest.approx(10, rel=0.01)  # sqrt(100)
    assert sum(60 / t for t in out.values()) == pytest.approx(0.5, rel=1e-6)
    rich = allocate(rates, requests_per_minute=1.5, settings=S)  # the wire is held at the minimum
    assert rich["wire"] == 60 and rich["hourly"] < out["hourly"]
    assert sum(60 / t for t in rich.values()) == pytest.approx(1.5, rel=1e-6)


def test_allocate_reserves_unknown_and_pushed_sources_first() -> None:
    out = allocate({"new": None, "pushed": 1.0, "busy": 1e-4}, 0.5, S, pushed=frozenset({"pushed"}))
    assert out["new"] == 300 and out["pushed"] == 3600
    assert sum(60 / t for t in out.values()) == pytest.approx(0.5, rel=1e-6)


def test_allocate_respects_floors_and_never_exceeds_the_maximum() -> None:
    out = allocate({"cached": 1.0, "other": 1.0}, 100.0, S, floors={"cached": 900})
    assert out == {"cached": 900, "other": 60}
    starved = allocate({f"s{n}": 1.0 for n in range(10)}, 0.01, S)
    assert set(starved.values()) == {3600}  # the maximum is a promise, whatever the budget


@given(
    st.dictionaries(
        st.integers(0, 50), st.one_of(st.none(), st.floats(0, 1, allow_nan=False)), min_size=1, max_size=30
    ),
    st.floats(0.1, 500, allow_nan=False),
)
def test_allocate_stays_in_bounds_and_within_budget_when_it_can(
    rates: dict[int, float | None], rpm: float
) -> None:
    out = allocate(rates, rpm, S)
    assert set(out) == set(rates)
    assert all(S.floor - 1e-9 <= t <= S.ceiling + 1e-9 for t in out.values())
    unknown = sum(60 / S.poll_seconds for r in rates.values() if r is None)
    least = unknown + sum(60 / S.ceiling for r in rates.values() if r is not None)
    if rpm >= least:
        assert sum(60 / t for t in out.values()) <= rpm * (1 + 1e-6)


def test_a_source_polled_half_the_time_gets_a_shorter_interval_at_the_same_cost() -> None:
    rates = {"regular": 1 / 3600, "random": 1 / 3600}
    out = allocate(rates, 0.5, S, live={"regular": 0.5})
    assert out["random"] / out["regular"] == pytest.approx(2**0.5, rel=0.01)
    spent = 60 * (0.5 / out["regular"] + 1 / out["random"])
    assert spent == pytest.approx(0.5, rel=1e-6)


def test_what_a_floored_source_cannot_take_goes_to_the_others() -> None:
    rates = {"cdn": 1 / 600, "plain": 1 / 600}
    free = allocate(rates, 1.0, S)
    floored = allocate(rates, 1.0, S, floors={"cdn": 600})
    assert floored["cdn"] == 600 and floored["plain"] < free["plain"]
    assert sum(60 / t for t in floored.values()) == pytest.approx(1.0, rel=1e-6)


def busy_states(count: int) -> dict[str, SourceState]:
    arrivals = tuple(NOW - timedelta(minutes=10 * n) for n in range(12, 0, -1))
    return {
        f"https://s{n}.test/feed": SourceState(
            f"https://s{n}.test/feed", arrivals=arrivals, watched_since=arrivals[0]
        )
        for n in range(count)
    }


def test_the_planner_gives_the_allocator_the_max_age_a_server_sent() -> None:
    states = busy_states(2)
    planner = Planner(S, lambda: states.values(), requests_per_minute=1.0, spread=lambda: 0.0)
    cdn, plain = states
    planner.plan(states[cdn], NOW, ok=True, http_status=200, headers={"cache-control": "max-age=900"})
    shares = planner.allocation(NOW)
    assert shares[cdn] == 900 and shares[plain] < 120


def test_the_planner_keeps_to_the_budget_it_measures() -> None:
    states = busy_states(4)
    planner = Planner(S, lambda: states.values(), requests_per_minute=2.0, spread=lambda: 0.0)
    moment = NOW
    for _ in range(120):  # fetches at twice the budget for an hour
        for url in list(states)[:2]:
            planner.plan(states[url], moment, ok=True)
        moment += timedelta(seconds=30)
    planner.allocation(moment)
    assert planner.pace < 1.0
    slowed = planner.allocation(moment)
    assert sum(60 / t for t in slowed.values()) < 2.0
    planner.pace = 0.1  # never starved below half
    planner.allocation(moment)
    assert planner.pace == 0.5
