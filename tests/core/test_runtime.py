"""The per-source loop: every source once at start, then each on its own due time; a hanging
source never holds back another's alerts; no source is fetched twice at once; stop is prompt."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from bot.delivery.dispatcher import Dispatcher
from bot.ingest.fetch import FeedFetcher
from bot.ingest.politeness import HostPoliteness
from bot.models import ChatRef, Source
from bot.pipeline import Poller, PollSettings
from bot.runtime import Runtime
from bot.scheduler import SourceLoop
from tests.core.test_pipeline import STORY, RemoteFeeds, rss

ALICE = ChatRef("telegram", "1")


def make_poller(repos, book, clock, handler, sources, **settings) -> Poller:
    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    options = {"fetch_pages": False, "poll_seconds": 60, **settings}
    return Poller(repos, book, fetcher, clock, lambda: sources, PollSettings(**options))


async def wait_until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_hanging_source_never_delays_a_healthy_ones_alert(repos, book, clock, service) -> None:
    remote = RemoteFeeds()
    released = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "hang.example":
            await released.wait()
            return httpx.Response(503)
        return remote.handler(request)

    sources = [Source("Hang", "https://hang.example/feed"), Source("Fast", "https://a.example/feed")]
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(("Old", "https://a.example/old", "Old story."), clock=clock)
    loop = SourceLoop(make_poller(repos, book, clock, handler, sources))
    loop.start()
    try:
        await wait_until(lambda: repos.sources.state("https://a.example/feed").primed)
        remote.bodies["/feed"] = rss(STORY, clock=clock)
        clock.advance(61)  # the healthy source is due again; the hanging one is still in flight
        loop.wake()
        await wait_until(lambda: len(repos.outbox.pending()) == 1)
        assert not released.is_set()
        assert repos.sources.state("https://hang.example/feed").last_success is None
    finally:
        released.set()
        await loop.stop()


async def test_each_source_is_fetched_once_at_start_then_when_due(repos, book, clock) -> None:
    remote = RemoteFeeds()
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    sources = [Source("A", "https://a.example/feed"), Source("B", "https://b.example/feed")]
    poller = make_poller(repos, book, clock, remote.handler, sources)
    loop = SourceLoop(poller)
    loop.start()
    try:
        await wait_until(lambda: len(remote.requests) == 2)
        await wait_until(lambda: all(repos.sources.state(s.url).next_due for s in sources))
        await asyncio.sleep(0.2)
        assert len(remote.requests) == 2  # nothing is due yet (the clock has not moved)
        state = repos.sources.state("https://a.example/feed")
        assert state.interval == 60 and state.reason == "start"
        clock.advance(61)
        loop.wake()
        await wait_until(lambda: len(remote.requests) == 4)
    finally:
        await loop.stop()


async def test_a_restart_fetches_every_source_once_but_honours_back_off(repos, book, clock) -> None:
    from dataclasses import replace

    remote = RemoteFeeds()
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    sources = [Source("A", "https://a.example/feed"), Source("B", "https://b.example/feed")]
    a, b = (repos.sources.state(s.url) for s in sources)
    later = clock.now() + timedelta(hours=1)
    repos.sources.save_states(
        [replace(a, next_due=later), replace(b, next_due=later, retry_at=later, failures=3)]
    )
    loop = SourceLoop(make_poller(repos, book, clock, remote.handler, sources))
    loop.start()
    try:
        await wait_until(lambda: len(remote.requests) == 1)
        await asyncio.sleep(0.2)
        assert [r.url.host for r in remote.requests] == ["a.example"]
    finally:
        await loop.stop()


async def test_one_host_gets_at_most_its_concurrency(repos, book, clock) -> None:
    remote = RemoteFeeds()
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    inside = peak = 0
    gate = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await gate.wait()
        inside -= 1
        return remote.handler(request)

    sources = [Source(f"S{n}", f"https://same.example/feed?{n}") for n in range(6)]
    loop = SourceLoop(make_poller(repos, book, clock, handler, sources), politeness=HostPoliteness(2))
    loop.start()
    try:
        await wait_until(lambda: inside == 2)
        await asyncio.sleep(0.1)
        assert peak == 2
        gate.set()
        await wait_until(lambda: len(remote.requests) == 6)
        assert peak == 2
    finally:
        await loop.stop()


async def test_removed_sources_are_reported_and_stop_is_prompt(repos, book, clock, notifier) -> None:
    hang = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await hang.wait()
        return httpx.Response(500)

    sources = [Source("A", "https://a.example/feed"), Source("B", "https://b.example/feed")]
    removed: list[str] = []

    async def on_removed(source: Source) -> None:
        removed.append(source.name)

    loop = SourceLoop(make_poller(repos, book, clock, handler, sources), on_removed=on_removed)
    runtime = Runtime(loop, Dispatcher(repos.outbox, repos.chats, [notifier], clock))
    await runtime.start()
    await asyncio.sleep(0.1)
    sources.pop()
    loop.wake()
    await wait_until(lambda: removed == ["B"])
    began = asyncio.get_running_loop().time()
    await runtime.stop()
    assert asyncio.get_running_loop().time() - began < 3


async def test_a_digest_missed_while_down_goes_out_when_the_digest_job_starts(repos, clock) -> None:
    from datetime import timedelta

    from bot.delivery.digests import DigestMaker
    from bot.models import Alert, ChatRef, DigestSchedule, HeldStory
    from bot.runtime import DIGEST_JOB, DigestJob

    chat = ChatRef("telegram", "5")
    now = clock.now()
    story = Alert(chat, "k", "SOCAR story", "https://e.org/k", "Wire", now, ("socar",), (), now)
    repos.held.hold(
        [HeldStory(story, "daily 08:00")],
        [DigestSchedule(chat, "daily 08:00", now - timedelta(days=1, hours=4), now - timedelta(days=2))],
    )
    held = asyncio.Event()
    job = DigestJob(DigestMaker(repos, clock), held)
    await job.start()
    [entry] = repos.outbox.pending()
    assert entry.digest is not None and entry.digest.late
    assert entry.title.startswith("Daily digest (late: due 25 Nov 2026 08:00 UTC)")
    assert job._scheduler is not None and job._scheduler.get_job(DIGEST_JOB) is not None  # one job, armed
    held.set()  # the poller held a story: re-armed, still one job
    await asyncio.sleep(0.05)
    assert [j.id for j in job._scheduler.get_jobs()] == [DIGEST_JOB]
    await job.stop()
