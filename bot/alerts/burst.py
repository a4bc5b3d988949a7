"""Burst folding: a chat gets at most NEWSBOT_BURST instant alerts in a burst window; further
matches in it are folded into one digest sent when the window ends. Pure: a function of the
chat's recent instant sends and now.

A window opens with an instant alert sent while no window is open (so, to a chat that had none
in the last ten minutes) and lasts `window`; windows follow each other, never overlap.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

BURST_WINDOW = timedelta(minutes=10)
DEFAULT_BURST = 5


def burst_window(
    sends: Iterable[datetime], now: datetime, window: timedelta = BURST_WINDOW
) -> tuple[datetime, int] | None:
    """The burst window open at `now`, as (when it opened, instant alerts sent in it), or None.

    A window opens with an instant alert sent while no window is open and lasts `window`;
    `sends` are the chat's instant alerts (see `recent_sends` for what to keep).
    """
    opened: datetime | None = None
    count = 0
    for sent in sorted(sends):
        if sent > now:
            break
        if opened is None or sent >= opened + window:
            opened, count = sent, 1
        else:
            count += 1
    if opened is None or now >= opened + window:
        return None
    return opened, count


def fold_until(
    sends: Iterable[datetime], now: datetime, limit: int, window: timedelta = BURST_WINDOW
) -> datetime | None:
    """None: a match at `now` may go out at once; else the end of the full burst window, when the
    matches folded into it are sent as one digest."""
    open_window = burst_window(sends, now, window)
    if open_window is None or open_window[1] < limit:
        return None
    return open_window[0] + window


def recent_sends(
    sends: Iterable[datetime], now: datetime, window: timedelta = BURST_WINDOW
) -> list[datetime]:
    """The sends that still matter at `now` (those of the open window); older ones never do again."""
    kept = sorted(sends)
    open_window = burst_window(kept, now, window)
    return [] if open_window is None else [s for s in kept if s >= open_window[0]]
