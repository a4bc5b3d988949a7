"""Runs the poller on APScheduler and the delivery loop beside it, and stops both cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.dispatcher import Dispatcher, DrainReport
from bot.models import PollReport
from bot.pipeline import Poller

log = logging.getLogger(__name__)

POLL_JOB = "poll"
IDLE_WAKE_SECONDS = 5.0  # the delivery loop re-checks the outbox at least this often
RESCHEDULE_SECONDS = 60.0  # when scheduling the next poll fails, try again this much later


class Observer(Protocol):
    """Told what each poll cycle and delivery round did (bot.web.metrics.Metrics is one)."""

    def observe_poll(self, report: PollReport) -> None: ...

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None: ...


class Runtime:
    def __init__(
        self,
        poller: Poller,
        dispatcher: Dispatcher,
        poll_seconds: float,
        wake: asyncio.Event | None = None,  # set by whoever queues alerts (the poller's on_alerts)
        observer: Observer | None = None,
    ) -> None:
        self.observer = observer
        self._schedule_broken = False
        self.poller = poller
        self.dispatcher = dispatcher
        self.poll_seconds = poll_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._wake = wake or asyncio.Event()
        self._delivery: asyncio.Task[None] | None = None
        self._polling: asyncio.Task[object] | None = None
        self._stopping = False
        self._cycle_started = 0.0

    async def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_listener(
            self._cycle_ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        self._scheduler.start()
        self._schedule_poll(delay=0.0)
        self._delivery = asyncio.create_task(self._delivery_loop(), name="delivery")

    def _schedule_poll(self, delay: float) -> None:
        assert self._scheduler is not None
        # One date job, re-added once the previous run has ended (the scheduler's own event, so
        # it no longer counts as running): cycles never overlap, and a slow cycle pushes the next
        # one back instead of stacking runs up or being skipped.
        self._scheduler.add_job(
            self.poll_job,
            "date",
            id=POLL_JOB,
            replace_existing=True,
            run_date=datetime.now().astimezone() + timedelta(seconds=delay),
            misfire_grace_time=None,
        )

    def _cycle_ended(self, event: JobEvent) -> None:
        if event.job_id != POLL_JOB or self._stopping:
            return
        delay = max(0.0, self.poll_seconds - (time.monotonic() - self._cycle_started))
        for attempt in (delay, RESCHEDULE_SECONDS):
            try:
                self._schedule_poll(attempt)
                self._schedule_broken = False
                return
            except Exception:  # e.g. OverflowError: without a next run, polling would stop silently
                log.exception("scheduling the next poll in %gs failed", attempt)
        self._schedule_broken = True
        log.error("polling has STOPPED: no next poll could be scheduled; /healthz reports it")

    def liveness(self) -> dict[str, bool]:
        """Whether the poll schedule and the delivery loop are alive (for /healthz)."""
        scheduler = self._scheduler
        poll_alive = (
            scheduler is not None
            and scheduler.running
            and not self._schedule_broken
            and (self._polling is not None or scheduler.get_job(POLL_JOB) is not None)
        )
        delivery_alive = self._delivery is not None and not self._delivery.done()
        return {"poller": bool(poll_alive), "delivery": delivery_alive}

    async def poll_job(self) -> None:
        self._cycle_started = time.monotonic()
        self._polling = asyncio.current_task()
        try:
            report = await self.poller.poll_once()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # our own stop() cut the cycle short: re-raising would make APScheduler log it as a
            # failed job, with a traceback, on every stop that lands mid-poll
            log.info("poll cycle interrupted by stop; its stories are polled again on the next start")
            return
        except Exception:
            log.exception("poll cycle failed")
        else:
            self._observe(lambda o: o.observe_poll(report))
        finally:
            self._polling = None
        self._wake.set()

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
        """Stop polling, let the send in flight finish; everything else waits in the outbox on disk."""
        self._stopping = True
        self.dispatcher.stop()
        self._wake.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        if self._polling is not None:
            # a cycle that is cut short has written nothing half-way: its stories are polled again
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._polling, 2.0)
        close = getattr(self.poller, "close", None)  # the parse processes, if any
        if close is not None:
            close()
        if self._delivery is not None:
            try:
                await asyncio.wait_for(self._delivery, grace)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("delivery did not stop in %.0fs; pending alerts stay in the outbox", grace)
