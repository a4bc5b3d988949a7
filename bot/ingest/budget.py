"""How the global request budget is shared between sources: a pure allocator, no I/O.

A source polled every T seconds makes a story wait T/2 on average, so the total wait
sum(rate_i * T_i / 2) is least, for sum(cost_i / T_i) <= budget, with 1/T_i proportional to
sqrt(rate_i / live_i): the square-root rule, where `live_i` is the share of time the source is
polled at all (a regular feed is left alone in the quiet stretch after each story, see
bot.ingest.schedule.quiet_seconds), so its stories come at rate_i / live_i while it is polled and
each request of it costs live_i of the budget. Sources of unknown rhythm keep the start interval
and pushed ones the maximum (their requests are set aside first); the rest share what is left,
each within [its floor, max]. The budget a source cannot take because of its floor (a CDN's
max-age, a <ttl> that holds) goes to the others.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TypeVar

from bot.ingest.schedule import ScheduleSettings

K = TypeVar("K", bound=Hashable)
_LEAST_LIVE = 0.05  # however regular a feed looks, it costs at least this share of its requests


def allocate(
    rates: Mapping[K, float | None],
    requests_per_minute: float,
    settings: ScheduleSettings,
    floors: Mapping[K, float] | None = None,
    pushed: frozenset[K] = frozenset(),
    live: Mapping[K, float] | None = None,
) -> dict[K, float]:
    """Intervals (seconds) that spend the request budget where stories are."""
    floors = floors or {}
    live = live or {}
    out: dict[K, float] = {}
    known: dict[K, float] = {}
    for key, rate in rates.items():
        if key in pushed:
            out[key] = settings.ceiling
        elif rate is None:
            out[key] = settings.clamp(max(settings.poll_seconds, floors.get(key, 0.0)))
        else:
            known[key] = max(rate, 0.0)
    left = max(requests_per_minute, 0.0) / 60.0 - sum(1.0 / t for t in out.values())
    if not known:
        return out
    share = {k: min(max(live.get(k, 1.0), _LEAST_LIVE), 1.0) for k in known}
    weight = {k: math.sqrt(r / share[k]) for k, r in known.items()}
    most = {k: 1.0 / min(max(settings.floor, floors.get(k, 0.0)), settings.ceiling) for k in known}
    least = 1.0 / settings.ceiling

    def per_second(k: K, c: float) -> float:
        return min(max(c * weight[k], least), most[k])

    def spend(c: float) -> float:
        return sum(share[k] * per_second(k, c) for k in known)

    if left <= spend(0.0):  # not even the maximum interval fits: the maximum is a promise
        return {**out, **dict.fromkeys(known, settings.ceiling)}
    lo, hi = 0.0, 1.0
    while spend(hi) < left and hi < 1e12:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        lo, hi = (mid, hi) if spend(mid) < left else (lo, mid)
    return {**out, **{k: 1.0 / per_second(k, lo) for k in known}}
