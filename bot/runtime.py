"""Runs the per-source fetch loop and the delivery loop beside it (and whatever else needs the
event loop, such as WebSub's lease watcher and the digest job), and stops them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.digests import DigestMaker
from bot.delivery.dispatcher import Dispatcher, DrainReport
from bot.models import PollReport
from bot.scheduler import SourceLoop

log = logging.getLogger(__name__)

DIGEST_JOB = "digests"
DIGEST_TICK_SECONDS = 60.0  # the digest job runs at least this often, whatever is stored
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


class DigestJob:
    """Digests on APScheduler over the stored due times: one date job at the earliest due time (at
    least once a minute), re-armed after each run and whenever the poller holds a story; never one
    job per chat. Started, it first sends what fell due while the bot was down (marked late)."""

    def __init__(self, digests: DigestMaker, held: asyncio.Event | None = None) -> None:
        self.digests = digests
        self._held = held or asyncio.Event()  # set when the poller holds stories for a digest
        self._scheduler: AsyncIOScheduler | None = None
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.start()
        await self.digest_job()
        self._watch = asyncio.create_task(self._watch_held(), name="held")

    async def digest_job(self) -> None:
        """Runs on the event loop (a coroutine job), like every other use of the repositories."""
        try:
            self.digests.run_due()
        except Exception:
            log.exception("digest round failed")
        finally:
            self._arm()

    def _arm(self) -> None:
        if self._scheduler is None or not self._scheduler.running:
            return
        wait = DIGEST_TICK_SECONDS
        due = self.digests.next_due()
        if due is not None:
            wait = min(wait, max(0.0, (due - self.digests.clock.now()).total_seconds()))
        self._scheduler.add_job(
            self.digest_job,
            "date",
            id=DIGEST_JOB,
            replace_existing=True,
            run_date=datetime.now().astimezone() + timedelta(seconds=wait),
            misfire_grace_time=None,
        )

    async def _watch_held(self) -> None:
        while True:
            await self._held.wait()
            self._held.clear()
            self._arm()  # a new schedule may be due before the armed run

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
