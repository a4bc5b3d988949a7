"""Feed parsing beside the event loop: a thread, or worker processes on a multi-core machine.

feedparser and the text cleaning are pure Python: in threads they share one core through the
GIL, so on a 2-core server a 1,000-source round is bound by one core's parsing. Worker
processes parse in parallel (measured in benchmarks/bench_polling.py). The pool starts on first
use, with the `spawn` method (forking a process that runs threads and sockets is unsafe), and a
worker that dies is replaced: the feed it was parsing is parsed again in a thread. A worker
whose bot died without closing the pool (kill -9, the OOM killer) exits by itself instead of
lingering with its ~100 MB: nothing would ever send it work again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from bot.ingest.parse import ParsedFeed, parse_feed

log = logging.getLogger(__name__)
PARENT_CHECK_SECONDS = 2.0


def _exit_with_parent(parent: int) -> None:
    """Runs in each worker: a daemon thread that ends the worker once its parent is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class ParsePool:
    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def parse(
        self, body: bytes, *, source: str, url: str, headers: Mapping[str, str], now: datetime
    ) -> ParsedFeed:
        call = functools.partial(parse_feed, body, source=source, url=url, headers=dict(headers), now=now)
        if self.workers <= 0:
            return await asyncio.to_thread(call)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), call)
        except BrokenProcessPool:
            log.warning("a feed-parsing process died; parsing %s in a thread and restarting the pool", source)
            self.close()
            return await asyncio.to_thread(call)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
