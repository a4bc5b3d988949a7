"""Runs the poller on APScheduler and the delivery loop beside it, and stops both cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.dispatcher import Dispatcher
from bot.pipeline import Poller

log = logging.getLogger(__name__)

POLL_JOB = "poll"
IDLE_WAKE_SECONDS = 5.0  # the delivery loop re-checks the outbox at least this often


class Runtime:
    def __init__(
        self,
        poller: Poller,
        dispatcher: Dispatcher,
        poll_seconds: float,
        wake: asyncio.Event | None = None,  # set by whoever queues alerts (the poller's on_alerts)
    ) -> None:
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
        if event.job_id == POLL_JOB and not self._stopping:
            self._schedule_poll(max(0.0, self.poll_seconds - (time.monotonic() - self._cycle_started)))

    async def poll_job(self) -> None:
        self._cycle_started = time.monotonic()
        self._polling = asyncio.current_task()
        try:
            await self.poller.poll_once()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # our own stop() cut the cycle short: re-raising would make APScheduler log it as a
            # failed job, with a traceback, on every stop that lands mid-poll
            log.info("poll cycle interrupted by stop; its stories are polled again on the next start")
            return
        except Exception:
            log.exception("poll cycle failed")
        finally:
            self._polling = None
        self._wake.set()

    def wake_delivery(self) -> None:
        self._wake.set()

    async def _delivery_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before draining: a wake-up during the drain is not lost
            try:
                await self.dispatcher.drain()
            except Exception:
                log.exception("delivery round failed")
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
        if self._delivery is not None:
            try:
                await asyncio.wait_for(self._delivery, grace)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("delivery did not stop in %.0fs; pending alerts stay in the outbox", grace)
