"""Per-host politeness with a virtual clock: concurrency per host and the gap between starts."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.ingest.politeness import HostPoliteness, host_of


class VirtualTime:
    """Sleepers wait for `run` to move the clock to their wake-up time, earliest first."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    async def run(self, *aws: object) -> None:
        task = asyncio.ensure_future(asyncio.gather(*aws))  # type: ignore[arg-type]
        while not task.done():
            for _ in range(10):
                await asyncio.sleep(0)
            if self._sleepers:
                self._sleepers.sort(key=lambda pair: pair[0])
                wake, future = self._sleepers.pop(0)
                self.now = max(self.now, wake)
                future.set_result(None)
        await task


def test_host_of() -> None:
    assert host_of("https://Feeds.Example.org:8443/a?b") == "feeds.example.org"
    assert host_of("not a url") == ""
    assert host_of("http://[::1") == ""


async def test_at_most_n_requests_in_flight_per_host_and_other_hosts_unaffected() -> None:
    polite = HostPoliteness(concurrency=2)
    inside: dict[str, int] = {}
    peak: dict[str, int] = {}
    release = asyncio.Event()

    async def fetch(url: str) -> None:
        async with polite.slot(url):
            host = host_of(url)
            inside[host] = inside.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), inside[host])
            await release.wait()
            inside[host] -= 1

    tasks = [asyncio.create_task(fetch(f"http://a.test/{n}")) for n in range(5)]
    tasks.append(asyncio.create_task(fetch("http://b.test/feed")))
    for _ in range(5):
        await asyncio.sleep(0)
    assert inside == {"a.test": 2, "b.test": 1}
    assert polite.in_flight("http://a.test/x") == 2
    release.set()
    await asyncio.gather(*tasks)
    assert peak == {"a.test": 2, "b.test": 1}
    assert polite.hosts == 0  # nothing is kept for idle hosts


async def test_starts_to_one_host_are_spaced_by_the_interval() -> None:
    time = VirtualTime()
    polite = HostPoliteness(concurrency=10, interval=5.0, clock=time.clock, sleep=time.sleep)
    starts: list[tuple[str, float]] = []

    async def fetch(url: str) -> None:
        async with polite.slot(url):
            starts.append((url, time.now))

    await time.run(*(fetch(f"http://a.test/{n}") for n in range(4)), fetch("http://b.test/"))
    a_starts = sorted(t for u, t in starts if "a.test" in u)
    assert [round(b - a, 6) for a, b in itertools.pairwise(a_starts)] == [5.0, 5.0, 5.0]
    assert len(starts) == 5
    assert dict(starts)["http://b.test/"] == 0.0  # another host does not wait for a.test's gap


async def test_a_failing_request_releases_its_slot() -> None:
    polite = HostPoliteness(concurrency=1)
    with pytest.raises(RuntimeError):
        async with polite.slot("http://a.test/"):
            raise RuntimeError("boom")
    async with asyncio.timeout(1):
        async with polite.slot("http://a.test/"):
            pass


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HostPoliteness(concurrency=0)
