"""Fixtures of the fault-injection suite: the loopback fakes, bot processes that never outlive a
test, and a ledger of the figures issue 6 asks for, printed at the end of the run."""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.models import Alert
from storage import open_store
from tests.e2e.harness import BotProcess, exit_code, rss, send_signal, write_sources
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")
FIGURES: Counter[str] = Counter()  # summed over the run
MAXIMA: dict[str, int] = {}


def record(name: str, value: int = 1) -> None:
    FIGURES[name] += value


def record_max(name: str, value: int) -> None:
    MAXIMA[name] = max(MAXIMA.get(name, 0), value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES and not MAXIMA:
        return
    terminalreporter.section("fault-injection figures")
    for name, value in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {value}")
    for name, value in sorted(MAXIMA.items()):
        terminalreporter.write_line(f"{name} (max): {value}")


@pytest.fixture
def launch(tmp_path: Path, api: FakeBotApi) -> Iterator[Callable[..., BotProcess]]:
    """Start `newsbot run` on a sources file; every process is killed at teardown if still alive."""
    started: list[BotProcess] = []

    def start(sources: Path, **env: str) -> BotProcess:
        bot = BotProcess(tmp_path, api.url, sources, **env).start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.kill()


def to_chat(chat_id: int, needle: str) -> Callable[[dict[str, Any]], bool]:
    return lambda p: str(p.get("chat_id")) == str(chat_id) and needle in unmarked(str(p.get("text", "")))


def subscribe_all(api: FakeBotApi, users: range | list[int], text: str, timeout: float = 30) -> None:
    """Each user sends `/subscribe text`; returns once every one has its acknowledgement."""
    for uid in users:
        api.push_message(uid, uid, f"/subscribe {text}")
    acked = api.wait_until(
        lambda a: all(any("ubscribed to" in str(p.get("text", "")) for p in a.sent_to(u)) for u in users),
        timeout,
    )
    assert acked, "not every /subscribe was acknowledged"


def restarted(bot: BotProcess, api: FakeBotApi) -> BotProcess:
    """Start the same bot again and wait until its Telegram side is up."""
    seen = sum(m == "setMyCommands" for m, _ in api.calls)
    bot.start()
    assert api.wait_until(lambda a: sum(m == "setMyCommands" for m, _ in a.calls) > seen, 30), bot.log()[
        -3000:
    ]
    return bot


def start_primed(
    launch: Callable[..., BotProcess],
    api: FakeBotApi,
    feeds: FeedServer,
    tmp_path: Path,
    users: range,
    **env: str,
) -> BotProcess:
    """A bot polling one loopback feed that holds only OLD (the first poll records it, alerting no
    one), with every user subscribed to SOCAR: the next story is news to all of them."""
    feeds.route("/feed.xml", body=rss(OLD), etag='"v1"')
    bot = launch(write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")}), **env)
    api.wait_for_call("setMyCommands", timeout=30)
    assert feeds.wait_for_requests(2, timeout=20)  # the first cycle, which primes the source, is over
    subscribe_all(api, users, "SOCAR")
    return bot


def kill_mid_send(
    bot: BotProcess,
    api: FakeBotApi,
    progress: Callable[[], int],
    total: int,
    seed: int,
    *,
    crashes: int = 3,
    timeout: float = 60,
) -> int:
    """kill -9 `bot` up to `crashes` times while `progress()` (messages out so far) climbs to
    `total`, each time at a random point of the next stretch, restarting it after each; returns
    how many kills there were. `seed` makes the kill points of a failed run repeatable."""
    rng = random.Random(seed)
    kills = 0
    for _ in range(crashes):
        reached = progress()
        if reached >= total - 2:
            break
        target = reached + rng.randint(1, max(1, (total - reached) // 3))
        assert api.wait_until(lambda a, target=target: progress() >= target, timeout), f"seed {seed}: stalled"
        time.sleep(rng.uniform(0.0, 0.25))  # land anywhere inside the next wave of sends
        bot.kill()
        kills += 1
        restarted(bot, api)
    return kills


def stop_cleanly(bot: BotProcess, api: FakeBotApi) -> None:
    """SIGTERM, exit 0, and the sends the fake was still answering when an earlier kill hit land."""
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    time.sleep(api.send_delay + 0.1)


def pending_per_chat(tmp_path: Path, which: Callable[[Alert], bool] = lambda a: True) -> dict[str, int]:
    """What a stopped bot would still send, per chat id: its outbox entries (those `which` keeps)
    and the digests it has yet to make from held stories."""
    store = open_store(tmp_path / "db" / "newsbot.json")
    try:
        counts: Counter[str] = Counter(a.chat.id for a in store.outbox.pending() if which(a))
        for schedule in store.held.schedules():
            if store.held.held(schedule.chat, schedule.bucket):
                counts[schedule.chat.id] += 1
        return dict(counts)
    finally:
        store.close()


def crash_until_delivered(
    bot: BotProcess,
    api: FakeBotApi,
    tmp_path: Path,
    users: range,
    needle: str,
    seed: int,
    which: Callable[[Alert], bool] = lambda a: True,
) -> tuple[int, dict[int, int]]:
    """kill -9 `bot` mid-send (`kill_mid_send`) until every user got a message with `needle`, then
    stop it cleanly; returns the kills and, per user, the copies received plus those still
    pending (`which` of the outbox): a restart would send those."""
    kills = kill_mid_send(bot, api, lambda: sum(needle in t for t in api.texts()), len(users), seed)
    assert api.wait_until(lambda a: all(a.sent_to(u, needle) for u in users), 60), f"seed {seed}"
    stop_cleanly(bot, api)
    pending = pending_per_chat(tmp_path, which)
    return kills, {u: len(api.sent_to(u, needle)) + pending.get(str(u), 0) for u in users}
