"""When each source is next due: a pure rule (state, fetch result, now, settings -> next due).

A source's interval comes from its publishing rhythm (recent arrival times of new stories) and
its share of the global request budget (bot.ingest.budget: busy feeds get more of it, quiet and
dead ones less), never shorter than what the server asks (Cache-Control / Expires) nor, unless the
feed's own record shows it publishes faster, than its RSS `<ttl>` (see `ttl_floor`), clamped to
[min, max], moved out of `<skipHours>`/`<skipDays>`. A regular feed (one
that has never published sooner than N minutes after its previous story) is left alone for most
of those N minutes, and a feed behind a cache that says its Age is fetched just after the cached
copy expires, when a new one can be there, rather than at a random moment in between. After a failure the
interval backs off exponentially (capped), and Retry-After on 429/503 is honoured; both apply
whatever the bounds. A source that is pushed to (WebSub) is still polled at the maximum interval.
Nothing here does I/O or reads a clock.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from types import MappingProxyType

from bot.ingest.hints import cache_seconds, cache_window, retry_after_seconds
from bot.models import FeedHints, SourceState

_RETRY_AFTER_STATUSES = frozenset({429, 503})
_QUIET_AFTER = timedelta(hours=6)  # watched this long with fewer than two stories: a quiet feed
_QUIET_GAPS = 5  # gaps between stories needed before a feed's silences are trusted
_QUIET_SHARE = 0.8  # of the shortest recent gap: the stretch after a story left unpolled
_AFTER_EXPIRY = 1.0  # seconds after a cached copy expires, so that the next one is there
_TTL_GAPS = 3  # gaps between recent stories needed before they may overrule a feed's <ttl>


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    poll_seconds: float = 300.0  # a new source's interval, until its rhythm is known
    min_seconds: float = 60.0
    max_seconds: float = 3600.0
    max_backoff_seconds: float = 6 * 3600.0
    max_retry_after_seconds: float = 7 * 86400.0  # a server asking for a month is mistaken
    history: int = 20  # arrival times kept per source
    window: timedelta = timedelta(days=7)  # arrivals older than this say nothing of today

    @property
    def floor(self) -> float:
        """The shortest interval: the minimum, or the start interval when that is below it."""
        return min(self.min_seconds, self.poll_seconds)

    @property
    def ceiling(self) -> float:
        return max(self.max_seconds, self.floor)

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.floor), self.ceiling)


@dataclass(frozen=True, slots=True)
class Fetched:
    """One fetch as the rule sees it."""

    ok: bool  # a feed or a 304; False for any error
    http_status: int | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    new: Sequence[datetime] = ()  # when each new story appeared (its publication time when sane)
    hints: FeedHints | None = None  # None: no document (304, error): the last ones stand


@dataclass(frozen=True, slots=True)
class Plan:
    due: datetime
    interval: float  # seconds from now to due
    reason: str  # start | rhythm | budget | quiet | cache | ttl | skip | push | backoff | retry-after
    state: SourceState  # the state to store


def observe(state: SourceState, fetched: Fetched, now: datetime, settings: ScheduleSettings) -> SourceState:
    """The state after a fetch: arrivals and hints updated (failures are the poll's to count)."""
    if not fetched.ok:
        return state
    horizon = now - settings.window
    sane = sorted(min(t, now) for t in fetched.new if t >= horizon)
    arrivals = tuple(sorted((*state.arrivals, *sane)))
    arrivals = tuple(t for t in arrivals if t >= horizon)[-settings.history :]
    watched = state.watched_since
    if watched is None:  # the first document shows the feed's past as far back as its oldest entry
        oldest = min((t for t in fetched.new if t <= now), default=now)
        watched = max(oldest, horizon)
    return replace(
        state,
        arrivals=arrivals,
        watched_since=watched,
        last_new_at=now if fetched.new else state.last_new_at,
        hints=fetched.hints if fetched.hints is not None else state.hints,
    )


def story_rate(state: SourceState, now: datetime, settings: ScheduleSettings) -> float | None:
    """New stories per second, from recent arrivals; None while the rhythm is unknown."""
    horizon = now - settings.window
    arrivals = [t for t in state.arrivals if t >= horizon]
    watched = state.watched_since
    if len(arrivals) >= 2:
        full = len(arrivals) >= settings.history  # older arrivals were dropped: the record starts here
        start = arrivals[0] if watched is None or full else min(arrivals[0], watched)
        span = max((now - max(start, horizon)).total_seconds(), 1.0)
        return len(arrivals) / span
    if state.hints.update_seconds:  # the feed says how often it changes
        return 1.0 / state.hints.update_seconds
    if watched is not None and now - watched >= _QUIET_AFTER:
        span = (now - max(watched, horizon)).total_seconds()
        return len(arrivals) / span
    return None


def schedule(
    state: SourceState,
    fetched: Fetched,
    now: datetime,
    settings: ScheduleSettings,
    *,
    allotted: float | None = None,
    pushed: bool = False,
    spread: float = 0.0,
) -> Plan:
    """When to fetch this source next. `allotted` is its interval from `allocate` (None: from its
    own rhythm alone); `pushed` while a WebSub lease is active; `spread` in [0, 1) shortens a
    back-off by up to 10 % so that failing sources do not come back in step."""
    state = observe(state, fetched, now, settings)
    if not fetched.ok:
        seconds, reason = _after_failure(state, fetched, now, settings, spread)
        return _plan(state, now, seconds, reason, keep_interval=True)
    rate = story_rate(state, now, settings)
    if pushed:
        seconds, reason = settings.ceiling, "push"
    elif allotted is not None and rate is not None:
        seconds, reason = settings.clamp(allotted), "budget"
    elif rate is not None:
        seconds, reason = settings.clamp(1.0 / rate if rate > 0 else math.inf), "rhythm"
    else:
        seconds, reason = settings.clamp(settings.poll_seconds), "start"
    if not pushed and rate is not None and state.arrivals:
        cached = cache_window(fetched.headers)
        before = state.interval if state.interval is not None and state.reason != "quiet" else 0.0
        late = max(seconds, before) + (cached[0] if cached else 0.0)
        silent = (state.arrivals[-1] - now).total_seconds() + quiet_seconds(state, late)
        if silent > seconds:
            seconds, reason = min(silent, settings.ceiling), "quiet"
    floor, why = server_floor(state, fetched.headers, now, settings)
    if floor is not None and floor > seconds and not pushed:
        seconds, reason = min(floor, settings.ceiling), why
    if not pushed:
        seconds = _after_expiry(seconds, fetched.headers, ttl_floor(state, now, settings) or 0.0)
    return _plan(state, now, seconds, reason, keep_interval=False)


def quiet_seconds(state: SourceState, late: float) -> float:
    """How long after a story this feed stays silent, by its record: most of its shortest recent
    gap between stories, less `late`, how late a story can be found (its interval, plus the
    max-age of a cache in front of it), as a gap seen between two finds can be that much longer
    than the real one. 0 for a bursty or random feed (some gaps are short), and until enough gaps
    are known."""
    times = state.arrivals[-(_QUIET_GAPS + 1) :]
    if len(times) <= _QUIET_GAPS:
        return 0.0
    shortest = min((b - a).total_seconds() for a, b in pairwise(times))
    return max(0.0, _QUIET_SHARE * shortest - late)


def _after_expiry(seconds: float, headers: Mapping[str, str], lowest: float) -> float:
    """A cached copy that says its Age changes only when it expires, every max-age seconds: come
    back just after the last expiry before `seconds` (never before the first, nor before `lowest`,
    the feed's <ttl> while it holds), not at a random moment after it."""
    window = cache_window(headers)
    if window is None or window[1] is None or not 0 <= window[1] < window[0]:
        return seconds
    period, held = window[0], window[1]
    fresh = period - held
    if seconds < fresh:
        return seconds
    aligned = fresh + math.floor((seconds - fresh) / period) * period + _AFTER_EXPIRY
    while aligned < lowest:
        aligned += period
    return aligned


def server_floor(
    state: SourceState, headers: Mapping[str, str], now: datetime, settings: ScheduleSettings
) -> tuple[float | None, str]:
    """The shortest interval the server (caching headers, always) or the feed (<ttl>, while it
    holds: `ttl_floor`) asks for."""
    cached = cache_seconds(headers, now)
    ttl = ttl_floor(state, now, settings)
    if cached is None and ttl is None:
        return None, ""
    if ttl is None or (cached is not None and cached >= ttl):
        return cached, "cache"
    return ttl, "ttl"


def ttl_floor(state: SourceState, now: datetime, settings: ScheduleSettings) -> float | None:
    """The feed's <ttl> while it holds: a soft floor. RSS 2.0 makes it how long a channel may be
    cached, advisory and often a CMS default, unlike Cache-Control / Expires, the server's own
    word on its answer and always floors. It holds while the feed's rhythm is unknown (fewer than
    `_TTL_GAPS` recent gaps between stories) and while it publishes slower than the ttl. When its
    recent gaps are shorter than the ttl, typically (the median: a wire feed's stories come
    minutes apart within bursts, however long the pauses between) or on average (the mean: after
    the first fetch arrivals are first-seen times, bunched by the polls themselves, so that at a
    10-minute floor a story every 8 minutes shows as gaps of 0 and 10 minutes, median 10), the
    feed itself shows that the ttl is not how often it changes, and it no longer holds the
    interval up. Reading such a feed more often costs it little: every fetch is a conditional GET
    (ETag / Last-Modified), answered 304 without a body while nothing has changed."""
    ttl = state.hints.ttl_seconds
    if ttl is None:
        return None
    times = [t for t in state.arrivals if t >= now - settings.window]
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    if len(gaps) < _TTL_GAPS or min(statistics.median(gaps), statistics.fmean(gaps)) >= ttl:
        return ttl
    return None


def _after_failure(
    state: SourceState, fetched: Fetched, now: datetime, settings: ScheduleSettings, spread: float
) -> tuple[float, str]:
    base = state.interval if state.interval is not None else settings.clamp(settings.poll_seconds)
    seconds, reason = base, "backoff"
    if state.failures > 1:  # one blip is not a pattern
        grown = base * 2.0 ** min(state.failures - 1, 20)
        seconds = min(grown, max(settings.max_backoff_seconds, base)) * (1.0 - 0.1 * min(max(spread, 0), 1))
    asked = None
    if fetched.http_status in _RETRY_AFTER_STATUSES:
        asked = retry_after_seconds(fetched.headers, now)
    if asked is not None and asked > seconds:
        seconds, reason = min(asked, settings.max_retry_after_seconds), "retry-after"
    return seconds, reason


def _plan(state: SourceState, now: datetime, seconds: float, reason: str, *, keep_interval: bool) -> Plan:
    due = now + timedelta(seconds=seconds)
    moved = skip_forward(due, state.hints)
    if moved != due:
        due, reason = moved, "skip"
    interval = state.interval if keep_interval else seconds
    backing_off = keep_interval and (state.failures > 1 or reason == "retry-after")
    new = replace(
        state, next_due=due, interval=interval, reason=reason, retry_at=due if backing_off else None
    )
    return Plan(due, (due - now).total_seconds(), reason, new)


def is_due(state: SourceState, now: datetime) -> bool:
    """Not backing off: the fixed cycle (`Poller.poll_once`, the demo) fetches every such source."""
    return state.retry_at is None or state.retry_at <= now


def due_at(state: SourceState) -> datetime | None:
    """When the per-source loop fetches it next (None: now); back-off always wins."""
    if state.retry_at is not None and (state.next_due is None or state.retry_at > state.next_due):
        return state.retry_at
    return state.next_due


def skip_forward(due: datetime, hints: FeedHints) -> datetime:
    """The first moment at or after `due` outside the feed's skipHours/skipDays (UTC)."""
    if not hints.skip_hours and not hints.skip_days:
        return due
    moment = due.astimezone(UTC)
    for _ in range(24 * 8):
        if moment.hour not in hints.skip_hours and moment.weekday() not in hints.skip_days:
            return moment if moment != due else due
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return due  # every hour of every day skipped: not a schedule we can keep
