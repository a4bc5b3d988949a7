"""Liveness and observers for /healthz and /metrics; an error choosing due sources never stops
polling (the per-source loop has no schedule that could overflow: it sleeps at most 5 s)."""

from __future__ import annotations

import asyncio
import logging

import httpx

from bot.delivery.dispatcher import Dispatcher
from bot.ingest.fetch import FeedFetcher
from bot.models import PollReport, Source
from bot.pipeline import Poller, PollSettings
from bot.runtime import Runtime
from bot.scheduler import SourceLoop
from tests.core.test_pipeline import STORY, RemoteFeeds, rss


class Recorder:
    def __init__(self) -> None:
        self.polls: list[PollReport] = []
        self.drains: list[tuple[int, int, int]] = []

    def observe_poll(self, report: PollReport) -> None:
        self.polls.append(report)

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None:
        self.drains.append((sent, retried, dropped))


async def until(condition, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_observers_see_each_settled_round_and_liveness_follows_the_loops(
    repos, book, clock, notifier, caplog
) -> None:
    remote = RemoteFeeds()
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    sources = [Source("A", "https://a.example/feed")]
    broken = [True]

    def listing() -> list[Source]:
        if broken[0]:
            broken[0] = False
            raise RuntimeError("sources file unreadable for a moment")
        return sources

    fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
    poller = Poller(repos, book, fetcher, clock, listing, PollSettings(fetch_pages=False))
    recorder = Recorder()
    runtime = Runtime(
        SourceLoop(poller), Dispatcher(repos.outbox, repos.chats, [notifier], clock), observer=recorder
    )
    caplog.set_level(logging.ERROR, logger="bot.scheduler")
    await runtime.start()
    try:
        await until(lambda: bool(recorder.polls) and bool(recorder.drains), timeout=10)
        assert "choosing due sources failed" in caplog.text  # logged, and the loop went on
        assert recorder.polls[0].polled == 1 and recorder.polls[0].new_stories == 1
        assert runtime.liveness() == {"poller": True, "delivery": True}
    finally:
        await runtime.stop()
    assert runtime.liveness() == {"poller": False, "delivery": False}  # stopped: /healthz says so
