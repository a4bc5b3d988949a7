"""The scheduler never runs two poll cycles at once; a slow cycle delays the next one."""

from __future__ import annotations

import asyncio

from bot.delivery.dispatcher import Dispatcher
from bot.models import PollReport
from bot.runtime import Runtime


class SlowPoller:
    """Stands in for the network-bound poll cycle: each takes `duration` seconds."""

    def __init__(self, duration: float) -> None:
        self.duration = duration
        self.running = 0
        self.max_running = 0
        self.started: list[float] = []

    async def poll_once(self) -> PollReport:
        self.started.append(asyncio.get_running_loop().time())
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            await asyncio.sleep(self.duration)
        finally:
            self.running -= 1
        return PollReport()


async def test_cycles_never_overlap_and_slow_cycles_push_the_next_back(repos, clock, notifier) -> None:
    poller = SlowPoller(duration=0.3)
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock)
    runtime = Runtime(poller, dispatcher, poll_seconds=0.1)  # type: ignore[arg-type]
    await runtime.start()
    await asyncio.sleep(1.1)
    await runtime.stop()
    assert poller.max_running == 1
    gaps = [b - a for a, b in zip(poller.started, poller.started[1:], strict=False)]
    assert 2 <= len(poller.started) <= 4 and all(g >= 0.29 for g in gaps)


async def test_stop_is_prompt_even_mid_cycle(repos, clock, notifier) -> None:
    poller = SlowPoller(duration=30)
    runtime = Runtime(poller, Dispatcher(repos.outbox, repos.chats, [notifier], clock), poll_seconds=1)  # type: ignore[arg-type]
    await runtime.start()
    await asyncio.sleep(0.1)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await runtime.stop()
    assert loop.time() - began < 3 and poller.running == 0
