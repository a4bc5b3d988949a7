"""When each source is next due: a source that keeps failing is polled less and less often."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.models import SourceState


def is_due(state: SourceState, now: datetime) -> bool:
    return state.retry_at is None or state.retry_at <= now


def after_failure(
    state: SourceState,
    error: str,
    now: datetime,
    *,
    poll_seconds: float,
    max_backoff: timedelta,
    jitter: Callable[[float, float], float] = random.uniform,
) -> SourceState:
    """The state after one more failed poll: exponential back-off from the second failure in a row."""
    failures = state.failures + 1
    base = poll_seconds * (2 ** min(failures - 1, 10))
    delay = min(base, max_backoff.total_seconds()) * jitter(0.8, 1.0)
    retry_at = now + timedelta(seconds=delay) if failures > 1 else None  # one blip is not a pattern
    return replace(state, failures=failures, retry_at=retry_at, last_error=error, last_error_at=now)


def after_success(
    state: SourceState, now: datetime, etag: str | None, last_modified: str | None
) -> SourceState:
    return replace(state, etag=etag, last_modified=last_modified, failures=0, retry_at=None, last_success=now)


def after_not_modified(state: SourceState, now: datetime) -> SourceState:
    return replace(state, failures=0, retry_at=None, last_success=now)
