"""Fetches every source as it comes due, each on its own schedule, with bounded concurrency.

At start every source is fetched once (back-off and Retry-After still honoured); afterwards each
one's stored next-due time (bot.ingest.schedule) decides. A fetch runs in its own task, under the
global concurrency limit and the per-host politeness gate; when it ends, its outcome goes to one
settle task, which handles whatever has finished by then in one go. So a hanging or slow source
never delays another's stories: they are settled as soon as their own fetch is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.ingest.politeness import HostPoliteness
from bot.ingest.poll import Outcome, SourceOutcome
from bot.ingest.schedule import due_at
from bot.models import PollReport, Source
from bot.pipeline import Poller

log = logging.getLogger(__name__)
MAX_SLEEP = 5.0  # re-read the source list at least this often


class SourceLoop:
    def __init__(
        self,
        poller: Poller,
        *,
        concurrency: int = 8,
        politeness: HostPoliteness | None = None,
        on_removed: Callable[[Source], Awaitable[object]] | None = None,
        on_settled: Callable[[Sequence[SourceOutcome]], object] | None = None,
    ) -> None:
        self.poller = poller
        self.clock = poller.clock
        self._gate = asyncio.Semaphore(concurrency)
        self._polite = politeness or HostPoliteness()
        self._on_removed = on_removed
        self._on_settled = on_settled
        self._wake = asyncio.Event()
        self._ready: list[SourceOutcome] = []
        self._ready_event = asyncio.Event()
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._busy: set[str] = set()  # fetching, or fetched and not yet settled
        self._fetched_since_start: set[str] = set()
        self._known: dict[str, Source] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.on_report: Callable[[PollReport], object] | None = None  # each settled batch's figures

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._due_loop(), name="sources"),
            asyncio.create_task(self._settle_loop(), name="settle"),
        ]

    def alive(self) -> bool:
        """Both loops are running (for /healthz)."""
        return bool(self._tasks) and not any(t.done() for t in self._tasks)

    def wake(self) -> None:
        """Look at the sources again now (one was added, or a lease lapsed)."""
        self._wake.set()

    def submit(self, outcome: SourceOutcome) -> None:
        """An outcome from elsewhere (content a WebSub hub pushed) to settle like a fetch's."""
        self._ready.append(outcome)
        self._ready_event.set()

    def fetch_soon(self, url: str) -> None:
        """Fetch this source at the next look, whatever its schedule (e.g. its push lease lapsed)."""
        self._fetched_since_start.discard(url)
        self.wake()

    async def stop(self) -> None:
        self._stopping = True
        tasks = [*self._tasks, *self._inflight.values()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 2.0)

    async def _due_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                delay = await self._launch_due(self.clock.now())
            except Exception:
                log.exception("choosing due sources failed")
                delay = MAX_SLEEP
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.05, min(delay, MAX_SLEEP)))

    async def _launch_due(self, now: datetime) -> float:
        """Start the due sources' fetches; seconds until the next one is due."""
        sources = {s.url: s for s in self.poller.sources()}
        for url in self._known.keys() - sources.keys():
            removed = self._known[url]
            self._fetched_since_start.discard(url)
            if self._on_removed is not None:
                try:
                    await self._on_removed(removed)
                except Exception:
                    log.exception("cleaning up after removed source %s failed", removed.name)
        self._known = sources
        soonest = MAX_SLEEP
        for url, source in sources.items():
            if url in self._busy:
                continue
            state = self.poller.repos.sources.state(url)
            due = due_at(state)
            if url not in self._fetched_since_start and (state.retry_at is None or state.retry_at <= now):
                due = None  # every source once at start, as fast as the limits allow
            if due is None or due <= now:
                self._fetched_since_start.add(url)
                self._busy.add(url)
                self._inflight[url] = asyncio.create_task(self._fetch(source), name=f"fetch {source.name}")
            else:
                soonest = min(soonest, (due - now).total_seconds())
        return soonest

    async def _fetch(self, source: Source) -> None:
        try:
            async with self._gate, self._polite.slot(source.url):
                state = self.poller.repos.sources.state(source.url)  # as it is when the fetch starts
                outcome = await self.poller.ingest.poll(source, state)
            # article pages are fetched here, not in the one settle task: a slow page holds back
            # only this source's stories (and no feed's fetch slot)
            outcome = await self._prepared(outcome)
            self._ready.append(outcome)
            self._ready_event.set()
        except asyncio.CancelledError:
            self._busy.discard(source.url)
            raise
        except Exception:
            log.exception("polling %s failed", source.name)
            self._busy.discard(source.url)
        finally:
            self._inflight.pop(source.url, None)

    async def _prepared(self, outcome: SourceOutcome) -> SourceOutcome:
        try:
            return await self.poller.prepare(outcome)
        except Exception:  # settle fetches the pages itself then
            log.exception("fetching article pages for %s failed", outcome.source.name)
            return outcome

    async def _settle_loop(self) -> None:
        while not self._stopping:
            await self._ready_event.wait()
            self._ready_event.clear()
            batch, self._ready = self._ready, []
            if not batch:
                continue
            order = {url: n for n, url in enumerate(self._known)}  # sources-file order, as the cycle
            batch.sort(key=lambda o: order.get(o.source.url, len(order)))
            try:
                fresh, queued = await self.poller.settle(batch)
                failed = [o for o in batch if o.status is Outcome.FAILED]
                report = PollReport(
                    polled=len(batch),
                    not_modified=sum(o.status is Outcome.NOT_MODIFIED for o in batch),
                    failed=len(failed),
                    new_stories=fresh,
                    alerts_queued=queued,
                    errors=tuple(f"{o.source.name}: {o.state.last_error}" for o in failed),
                )
                log.info(
                    "poll: %d sources polled, %d not modified, %d failed, %d new stories, %d alerts queued",
                    report.polled,
                    report.not_modified,
                    report.failed,
                    fresh,
                    queued,
                )
                if self.on_report is not None:
                    self.on_report(report)
            except Exception:
                log.exception("settling %d polled sources failed", len(batch))
            finally:
                self._busy.difference_update(o.source.url for o in batch)
            if self._on_settled is not None:
                try:
                    self._on_settled(batch)
                except Exception:
                    log.exception("after-settle hook failed")
            self._wake.set()  # their next-due times changed
