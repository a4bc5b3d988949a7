"""Feed-parsing worker processes never outlive the bot that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A bot stand-in: parses one feed in a worker, says the worker's pid, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from bot.ingest.parse_pool import ParsePool

    FEED = b"<rss version='2.0'><channel><title>t</title><item><title>SOCAR</title>" \\
        b"<link>http://news.test/a</link></item></channel></rss>"

    async def main():
        pool = ParsePool(1)
        parsed = await pool.parse(FEED, source="s", url="http://news.test/f", headers={},
                                  now=datetime.now(UTC))
        assert parsed.articles, parsed
        print(*pool._executor()._processes, flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


def test_a_worker_exits_when_its_bot_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 30  # a wait for the exit, not a measure of its speed
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "a parse worker outlived its bot"
    finally:
        if parent.poll() is None:
            parent.kill()
