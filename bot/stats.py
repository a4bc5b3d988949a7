"""What an admin sees with /stats: the community's size, the sources' health, delivery volume.

`SentLog` remembers when alerts were delivered (in memory: after a restart the window starts
at the restart, and /stats says so); it is one of the runtime's observers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import PermissionDenied
from bot.models import PollReport, SourceState
from bot.ports import Clock, Repos
from bot.sources_service import Actor
from bot.texts import N_

WINDOW = timedelta(hours=24)


class SentLog:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.started = clock.now()
        self._sends: deque[tuple[datetime, int]] = deque()

    def observe_poll(self, report: PollReport) -> None:
        pass

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None:
        if sent:
            self._sends.append((self.clock.now(), sent))
        self._forget()

    def sent_in_window(self) -> int:
        self._forget()
        return sum(n for _, n in self._sends)

    def _forget(self) -> None:
        cutoff = self.clock.now() - WINDOW
        while self._sends and self._sends[0][0] < cutoff:
            self._sends.popleft()


class Observers:
    """Several runtime observers as one (metrics, the sent log)."""

    def __init__(self, *observers: object) -> None:
        self.observers = observers

    def observe_poll(self, report: PollReport) -> None:
        for o in self.observers:
            o.observe_poll(report)  # type: ignore[attr-defined]

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None:
        for o in self.observers:
            o.observe_drain(sent, retried, dropped)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class BotStats:
    chats: int  # chats that can receive alerts
    inactive_chats: int  # blocked the bot, left, deleted
    paused_chats: int
    subscriptions: int
    sources: int
    healthy: int  # last poll succeeded
    failing: tuple[str, ...]  # names of sources whose last poll failed
    not_polled: int  # never polled yet
    sent_24h: int
    window_start: datetime  # the sent count covers from here
    restarted_lately: bool  # the bot started less than 24 h ago: the window starts at the start
    outbox: int  # alerts waiting


def source_health(states: Sequence[tuple[str, int, datetime | None]]) -> tuple[int, tuple[str, ...], int]:
    """(healthy, failing names, never polled) from (name, consecutive failures, last success)."""
    healthy = sum(1 for _, failures, success in states if failures == 0 and success is not None)
    failing = tuple(name for name, failures, _ in states if failures > 0)
    never = sum(1 for _, failures, success in states if failures == 0 and success is None)
    return healthy, failing, never


class AdminStats:
    """NewsService's /stats; NewsService sets these attributes (see SourceCatalog)."""

    repos: Repos
    sent_log: SentLog

    def stats(self, actor: Actor) -> BotStats:
        if not self.is_admin(actor):  # type: ignore[attr-defined]
            raise PermissionDenied(N_("Only the bot's admins can see /stats."))
        now = self.sent_log.clock.now()
        chats = self.repos.chats.all()
        subs = self.repos.subscriptions.all()
        subscribed = {s.chat for s in subs}
        sources = self.all_sources()  # type: ignore[attr-defined]
        states = [(s.name, *_health(self.repos.sources.state(s.url))) for s in sources]
        healthy, failing, never = source_health(states)
        return BotStats(
            chats=len({c.chat for c in chats if c.active} | (subscribed - {c.chat for c in chats})),
            inactive_chats=sum(1 for c in chats if not c.active),
            paused_chats=sum(1 for c in chats if c.active and c.paused),
            subscriptions=len(subs),
            sources=len(sources),
            healthy=healthy,
            failing=failing,
            not_polled=never,
            sent_24h=self.sent_log.sent_in_window(),
            window_start=max(self.sent_log.started, now - WINDOW),
            restarted_lately=self.sent_log.started > now - WINDOW,
            outbox=len(self.repos.outbox.pending()),
        )


def _health(state: SourceState) -> tuple[int, datetime | None]:
    return state.failures, state.last_success
