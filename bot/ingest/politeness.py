"""Per-host politeness: at most N requests in flight per host, and a minimum gap between starts.

However many feeds live on one host, it sees at most `concurrency` of our requests at once, and
two of them never start closer than `interval` seconds apart. Start times are reserved in order
of arrival, so waiting requests go in turn. The clock and the sleep are injectable (tests and the
simulated day move time instead of waiting).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The politeness key of a URL: its lower-case host name ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass
class _Host:
    gate: asyncio.Semaphore
    next_start: float = float("-inf")
    users: int = 0  # holders and waiters; the entry is dropped when it falls to 0
    active: int = 0  # holders
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class HostPoliteness:
    def __init__(
        self,
        concurrency: int = 2,
        interval: float = 0.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.interval = max(0.0, interval)
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots for the body of the `async with`."""
        key = host_of(url)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(asyncio.Semaphore(self.concurrency))
        host.users += 1
        try:
            async with host.gate:
                if self.interval > 0:
                    async with host.lock:  # reserve start times in turn
                        now = self._clock()
                        start = max(now, host.next_start)
                        host.next_start = start + self.interval
                    if start > now:
                        await self._sleep(start - now)
                host.active += 1
                try:
                    yield
                finally:
                    host.active -= 1
        finally:
            host.users -= 1
            if host.users == 0 and host.next_start <= self._clock():
                self._hosts.pop(key, None)

    def in_flight(self, url: str) -> int:
        host = self._hosts.get(host_of(url))
        return 0 if host is None else host.active

    @property
    def hosts(self) -> int:
        """Hosts with a request in flight, waiting, or a start gap still running."""
        return len(self._hosts)
