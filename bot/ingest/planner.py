"""Plans each source's next fetch: the schedule rule, given the source's share of the budget.

The allocation over all sources is recomputed at most once a `refresh` (and whenever a source
it does not know turns up); between recomputations a source's share stays what it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.ingest.schedule import Fetched, ScheduleSettings, allocate, schedule, server_floor, story_rate
from bot.models import FeedHints, SourceState


class Planner:
    def __init__(
        self,
        settings: ScheduleSettings,
        states: Callable[[], Iterable[SourceState]],
        *,
        requests_per_minute: float | None = None,  # None: one request per source per poll_seconds
        pushed: Callable[[str], bool] = lambda url: False,
        refresh: timedelta = timedelta(seconds=60),
        spread: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self._states = states
        self.requests_per_minute = requests_per_minute
        self.pushed = pushed
        self._refresh = refresh
        self._spread = spread
        self._shares: dict[str, float] = {}
        self._computed: datetime | None = None

    def budget(self, sources: int) -> float:
        if self.requests_per_minute is not None:
            return self.requests_per_minute
        return sources * 60.0 / self.settings.poll_seconds

    def share(self, url: str, now: datetime) -> float | None:
        stale = self._computed is None or now - self._computed >= self._refresh
        if stale or url not in self._shares:
            self._shares = self.allocation(now)
            self._computed = now
        return self._shares.get(url)

    def allocation(self, now: datetime) -> dict[str, float]:
        states = {s.url: s for s in self._states()}
        rates = {url: story_rate(s, now, self.settings) for url, s in states.items()}
        floors: dict[str, float] = {}
        for url, state in states.items():
            floor = server_floor(state.hints, {}, now)[0]
            if floor is not None:
                floors[url] = floor
        pushed = frozenset(url for url in states if self.pushed(url))
        return allocate(rates, self.budget(len(states)), self.settings, floors, pushed)

    def plan(
        self,
        state: SourceState,
        now: datetime,
        *,
        ok: bool,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
        hints: FeedHints | None = None,
        new: Sequence[datetime] = (),
    ) -> SourceState:
        fetched = Fetched(ok=ok, http_status=http_status, headers=headers or {}, new=new, hints=hints)
        plan = schedule(
            state,
            fetched,
            now,
            self.settings,
            allotted=self.share(state.url, now),
            pushed=self.pushed(state.url),
            spread=self._spread(),
        )
        return plan.state
