"""A scheduling error never stops polling silently; liveness and observers for /healthz and /metrics."""

from __future__ import annotations

import asyncio
import logging

from bot.delivery.dispatcher import Dispatcher
from bot.models import PollReport
from bot.runtime import POLL_JOB, RESCHEDULE_SECONDS, Runtime


class CountingPoller:
    def __init__(self) -> None:
        self.cycles = 0

    async def poll_once(self) -> PollReport:
        self.cycles += 1
        return PollReport(polled=3, new_stories=2)


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


async def test_an_interval_the_scheduler_cannot_take_falls_back_and_keeps_polling(
    repos, clock, notifier, caplog
) -> None:
    poller = CountingPoller()
    recorder = Recorder()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock)
    runtime = Runtime(poller, dispatcher, poll_seconds=1e12, observer=recorder)  # type: ignore[arg-type]
    caplog.set_level(logging.ERROR, logger="bot.runtime")
    await runtime.start()
    try:
        await until(lambda: poller.cycles == 1 and runtime._scheduler.get_job(POLL_JOB) is not None)
        job = runtime._scheduler.get_job(POLL_JOB)
        wait = (job.next_run_time - job.next_run_time.now(job.next_run_time.tzinfo)).total_seconds()
        assert 0 < wait <= RESCHEDULE_SECONDS + 1  # the fallback, not "never"
        assert "scheduling the next poll in 1e+12s failed" in caplog.text
        assert runtime.liveness() == {"poller": True, "delivery": True}
        await until(lambda: bool(recorder.drains))
        assert recorder.polls[0].new_stories == 2
    finally:
        await runtime.stop()


async def test_when_no_poll_can_be_scheduled_it_is_said_loudly_and_liveness_fails(
    repos, clock, notifier, caplog, monkeypatch
) -> None:
    poller = CountingPoller()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock)
    runtime = Runtime(poller, dispatcher, poll_seconds=0.05)  # type: ignore[arg-type]
    caplog.set_level(logging.ERROR, logger="bot.runtime")
    await runtime.start()
    try:
        real = runtime._schedule_poll

        def broken(delay: float) -> None:
            raise OverflowError("date value out of range")

        monkeypatch.setattr(runtime, "_schedule_poll", broken)
        await until(lambda: runtime.liveness()["poller"] is False)
        assert "polling has STOPPED" in caplog.text
        monkeypatch.setattr(runtime, "_schedule_poll", real)
    finally:
        await runtime.stop()
    assert runtime.liveness()["delivery"] is False  # stopped: /healthz would say so too
