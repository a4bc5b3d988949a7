"""Runs the per-source fetch loop and the delivery loop beside it (and whatever else needs the
event loop, such as WebSub's lease watcher), and stops them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.delivery.dispatcher import Dispatcher, DrainReport
from bot.models import PollReport
from bot.scheduler import SourceLoop

log = logging.getLogger(__name__)

IDLE_WAKE_SECONDS = 5.0  # the delivery loop re-checks the outbox at least this often


class Observer(Protocol):
    """Told what each round of polled sources and each delivery round did (bot.web.metrics.Metrics)."""

    def observe_poll(self, report: PollReport) -> None: ...

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None: ...


class Service(Protocol):
    """Something the runtime starts after the loops and stops before them (WebSub's leases)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Runtime:
    def __init__(
        self,
        sources: SourceLoop,
        dispatcher: Dispatcher,
        wake: asyncio.Event | None = None,  # set by whoever queues alerts (the poller's on_alerts)
        observer: Observer | None = None,
        services: Sequence[Service] = (),
        push: Any = None,  # the WebSub subscriber, whose routes the web server serves (or None)
    ) -> None:
        self.sources = sources
        self.dispatcher = dispatcher
        self.observer = observer
        self.push = push
        self._wake = wake or asyncio.Event()
        self._services = list(services)
        self._started: list[Service] = []
        self._delivery: asyncio.Task[None] | None = None
        self._stopping = False
        sources.on_report = lambda report: self._observe(lambda o: o.observe_poll(report))

    async def start(self) -> None:
        self.sources.start()
        self._delivery = asyncio.create_task(self._delivery_loop(), name="delivery")
        for service in self._services:
            await service.start()
            self._started.append(service)

    def liveness(self) -> dict[str, bool]:
        """Whether the source loop and the delivery loop are alive (for /healthz)."""
        delivery_alive = self._delivery is not None and not self._delivery.done()
        return {"poller": self.sources.alive(), "delivery": delivery_alive}

    def _observe(self, call: Callable[[Observer], object]) -> None:
        if self.observer is not None:
            try:
                call(self.observer)
            except Exception:  # counting must never stop polling or delivery
                log.exception("recording metrics failed")

    def wake_delivery(self) -> None:
        self._wake.set()

    async def _delivery_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before draining: a wake-up during the drain is not lost
            try:
                drained: DrainReport = await self.dispatcher.drain()
            except Exception:
                log.exception("delivery round failed")
            else:
                self._observe(lambda o, d=drained: o.observe_drain(d.sent, d.retried, d.dropped))
            if self._stopping:
                break
            due = self.dispatcher.next_due_in()
            timeout = IDLE_WAKE_SECONDS if due is None else min(max(due, 0.05), IDLE_WAKE_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def stop(self, grace: float = 6.0) -> None:
        """Stop fetching, let the send in flight finish; everything else waits in the outbox on disk."""
        self._stopping = True
        self.dispatcher.stop()
        self._wake.set()
        for service in reversed(self._started):
            try:
                await service.stop()
            except Exception:
                log.exception("stopping %s failed", type(service).__name__)
        # a fetch or settle that is cut short has written nothing half-way: it is polled again
        await self.sources.stop()
        close = getattr(self.sources.poller, "close", None)  # the parse processes, if any
        if close is not None:
            close()
        if self._delivery is not None:
            try:
                await asyncio.wait_for(self._delivery, grace)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("delivery did not stop in %.0fs; pending alerts stay in the outbox", grace)
