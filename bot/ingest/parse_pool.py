"""Feed parsing beside the event loop: a thread, or worker processes on a multi-core machine.

feedparser and the text cleaning are pure Python: in threads they share one core through the
GIL, so on a 2-core server a 1,000-source round is bound by one core's parsing. Worker
processes parse in parallel (measured in benchmarks/bench_polling.py).

The workers are plain child processes (a fresh interpreter, as the `spawn` method starts them:
forking a process that runs threads and sockets is unsafe) that read pickled calls on their
stdin and answer on a pipe, one call at a time. Not multiprocessing's pool: its queues use
named semaphores, and those start a resource-tracker process (13 MB resident) beside the
workers, for nothing a pipe does not already do. A worker starts on first use; one that dies
is replaced, and the feed it was parsing is parsed again in a thread. A worker whose bot died
without closing the pool (kill -9, the OOM killer) sees its stdin end and exits, instead of
lingering: nothing would ever send it work again.

A caller may also hand `parse` an `annotate` function: the same call, in the worker, runs it on
the feed's stories (those not in `skip`), and its notes come back with the feed (`NotedFeed`).
This is how work per new story (bot.stories.features) leaves the main process; ingest does not
know what the notes are.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import IO, Any

from bot.ingest.parse import ParsedFeed, parse_feed
from bot.models import Article

log = logging.getLogger(__name__)
_LENGTH = struct.Struct("!Q")
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


class WorkerDied(Exception):
    """The worker process ended (killed, out of memory) before it answered."""


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _send(stream: IO[bytes], value: object) -> None:
    payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    return pickle.loads(_read_exactly(stream, size))


def serve() -> None:
    """A worker's loop: each call read from stdin, its result (or exception) written back.

    Answers go to a private copy of the stdout pipe, and stdout itself is pointed at stderr, so
    nothing a library prints can corrupt them. Stdin's end (the bot is gone) ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the bot decides
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    calls = sys.stdin.buffer
    while True:
        try:
            call = _receive(calls)
        except EOFError:
            return
        try:
            outcome: tuple[bool, object] = (True, call())
        except Exception as exc:  # the caller gets it raised, as from a call in a thread
            outcome = (False, exc)
        try:
            _send(answers, outcome)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(answers, (False, RuntimeError(f"unpicklable parse result: {exc!r}")))
        except BrokenPipeError:
            return


class _Worker:
    def __init__(self) -> None:
        code = f"import sys; sys.path[:] = {sys.path!r}; from bot.ingest.parse_pool import serve; serve()"
        self.process = subprocess.Popen(
            [sys.executable, "-B", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def call(self, fn: Callable[[], NotedFeed]) -> NotedFeed:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _send(self.process.stdin, fn)
            ok, value = _receive(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise WorkerDied(str(exc) or type(exc).__name__) from None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()  # the worker's loop ends
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class ParsePool:
    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
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
        async with self._slot():  # a thread waits on a worker's answer only while one is free
            try:
                return await asyncio.to_thread(self._call, call)
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
            self._slots = (loop, asyncio.Semaphore(self.workers))
        return self._slots[1]

    def _call(self, fn: Callable[[], NotedFeed]) -> NotedFeed:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = _Worker()
                self._all.append(worker)
        try:
            result = worker.call(fn)
        except WorkerDied:
            with self._lock:
                if worker in self._all:
                    self._all.remove(worker)
            worker.close()  # reaped; the next call starts a new one
            raise
        except BaseException:
            self._release(worker)
            raise
        self._release(worker)
        return result

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._idle.append(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all, self._idle = self._all, [], []
        for worker in workers:
            worker.close()
