"""Feed parsing beside the event loop: a thread, or worker processes on a multi-core machine.

feedparser and the text cleaning are pure Python: in threads they share one core through the
GIL, so on a 2-core server a 1,000-source round is bound by one core's parsing. Worker
processes parse in parallel (measured in benchmarks/bench_polling.py).

The workers are plain child processes (a fresh interpreter, as the `spawn` method starts them:
forking a process that runs threads and sockets is unsafe) that read pickled calls on their
stdin and answer on a pipe (bot.ingest.parse_worker). Not multiprocessing's pool: its queues use
named semaphores, and those start a resource-tracker process (13 MB resident) beside the
workers, for nothing a pipe does not already do. Each worker holds up to QUEUED calls, so it
never waits for the event loop between feeds; a call goes to the worker holding the fewest. A
worker starts on first use; one that dies is replaced, and the feeds it held are parsed again
in a thread. A worker whose bot died without closing the pool (kill -9, the OOM killer) sees
its stdin end and exits, instead of lingering: nothing would ever send it work again.

A caller may also hand `parse` an `annotate` function: the same call, in the worker, runs it on
the feed's stories (those not in `skip`), and its notes come back with the feed (`NotedFeed`).
This is how work per new story (bot.stories.features) leaves the main process; ingest does not
know what the notes are.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

from bot.ingest.parse import ParsedFeed, parse_feed
from bot.ingest.parse_worker import WorkerDied, WorkerProcess
from bot.models import Article

log = logging.getLogger(__name__)
QUEUED = 16  # calls a worker holds: ~0.3 s of feeds, more than settling a batch keeps the loop busy
Annotate = Callable[[Sequence[Article]], Mapping[str, object]]  # stories -> notes by story key


@dataclass(frozen=True)
class NotedFeed(ParsedFeed):
    notes: Mapping[str, object] = field(default_factory=dict)  # a dict: it crosses the pipe


def parse_noted(
    body: bytes,
    *,
    source: str,
    url: str,
    headers: Mapping[str, str],
    now: datetime,
    annotate: Annotate | None = None,
    skip: frozenset[str] = frozenset(),
) -> NotedFeed:
    """`parse_feed`, then `annotate` on the stories whose key is not in `skip`."""
    parsed = parse_feed(body, source=source, url=url, headers=headers, now=now)
    notes: Mapping[str, object] = {}
    todo = [a for a in parsed.articles if a.key not in skip] if annotate is not None else []
    if annotate is not None and todo:
        try:
            notes = dict(annotate(todo))
        except Exception:  # notes only save the caller work: the feed is still good without them
            log.exception("annotating the stories of %s raised", source)
    return NotedFeed(**{f.name: getattr(parsed, f.name) for f in fields(parsed)}, notes=notes)


class ParsePool:
    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._all: list[WorkerProcess] = []
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    async def parse(
        self,
        body: bytes,
        *,
        source: str,
        url: str,
        headers: Mapping[str, str],
        now: datetime,
        annotate: Annotate | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> NotedFeed:
        """The parsed feed, with `annotate`'s notes on its stories not in `skip` (top-level and
        picklable: it runs where the feed is parsed)."""
        call = functools.partial(
            parse_noted,
            body,
            source=source,
            url=url,
            headers=dict(headers),
            now=now,
            annotate=annotate,
            skip=skip,
        )
        if self.workers <= 0:
            return await asyncio.to_thread(call)
        async with self._slot():  # calls beyond what the workers hold wait here, in the loop
            try:
                return await asyncio.wrap_future(self._worker().submit(call))  # type: ignore[no-any-return]
            except WorkerDied as exc:
                log.warning("a feed-parsing process died (%s); parsing %s in a thread", exc, source)
                return await asyncio.to_thread(call)

    def pids(self) -> list[int]:
        """The worker processes running now."""
        with self._lock:
            return [w.process.pid for w in self._all]

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:  # a semaphore belongs to one loop
            self._slots = (loop, asyncio.Semaphore(self.workers * QUEUED))
        return self._slots[1]

    def _worker(self) -> WorkerProcess:
        with self._lock:
            if len(self._all) < self.workers:
                worker = WorkerProcess(on_death=self._forget)
                self._all.append(worker)
                return worker
            return min(self._all, key=lambda w: w.load)

    def _forget(self, worker: WorkerProcess) -> None:
        """A worker died: the next call starts another."""
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        threading.Thread(target=worker.close, name="parse-reaper", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.close()
