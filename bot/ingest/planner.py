"""Plans each source's next fetch: the schedule rule, given the source's share of the budget.

The allocation over all sources is recomputed at most once a `refresh` (and whenever a source
it does not know turns up); between recomputations a source's share stays what it was. The
allocator is told each source's floor (its <ttl> while that holds, and the max-age its server last sent, kept
here in memory: a restart learns it again at the first fetch) so that the budget a floored
source cannot use goes to the others, and the share of time each is polled at all. The
allocation is a model; the budget is a promise: the fetches of the last hour are counted, and
when they run over (or under) the budget the allocator is given that much less (or more).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.ingest.budget import allocate
from bot.ingest.hints import cache_window
from bot.ingest.schedule import (
    Fetched,
    ScheduleSettings,
    quiet_seconds,
    schedule,
    server_floor,
    story_rate,
)
from bot.models import FeedHints, SourceState

_PACE_WINDOW = timedelta(hours=1)
_PACE_SETTLE = timedelta(minutes=5)
_PACE_AIM = 0.97  # a ceiling, not a target: aim a little below, so that swings stay under it
_PACE_GAIN = 0.02  # how much of the measured over- or under-spend one allocation corrects
_PACE_LIMITS = (0.5, 1.2)  # up: what the model wrongly left unspent; never far over


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
        self._cached: dict[str, float] = {}  # source URL -> the max-age its server last sent
        self._computed: datetime | None = None
        self._fetches: deque[datetime] = deque()  # when each fetch of the last `_PACE_WINDOW` was planned
        self._since: datetime | None = None
        self.pace = 1.0  # the budget given to the allocator, as a share of the real one

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
        live: dict[str, float] = {}
        for url, state in states.items():
            floor = max(server_floor(state, {}, now, self.settings)[0] or 0.0, self._cached.get(url, 0.0))
            if floor > 0:
                floors[url] = floor
            rate = rates[url]
            if rate:
                late = self._shares.get(url, self.settings.poll_seconds) + self._cached.get(url, 0.0)
                live[url] = 1.0 - quiet_seconds(state, late) * rate
        pushed = frozenset(url for url in states if self.pushed(url))
        budget = self.budget(len(states))
        self._keep_pace(budget, now)
        return allocate(rates, budget * self.pace, self.settings, floors, pushed, live)

    def _keep_pace(self, budget: float, now: datetime) -> None:
        while self._fetches and self._fetches[0] < now - _PACE_WINDOW:
            self._fetches.popleft()
        if self._since is None or now - self._since < _PACE_SETTLE or budget <= 0:
            return  # too few fetches yet to tell
        minutes = min(now - self._since, _PACE_WINDOW).total_seconds() / 60.0
        made = len(self._fetches) / minutes
        ratio = _PACE_AIM * budget / max(made, 1e-9)
        low, high = _PACE_LIMITS
        self.pace = min(max(self.pace * ratio**_PACE_GAIN, low), high)

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
        self._fetches.append(now)
        self._since = self._since or now
        window = cache_window(fetched.headers) if ok else None
        if window is not None:
            self._cached[state.url] = window[0]
        elif ok:
            self._cached.pop(state.url, None)
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
