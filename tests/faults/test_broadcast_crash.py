"""A broadcast interrupted by kill -9 or by a stop signal: nobody misses the story, and a crash
costs each chat at most one repeat (the send in flight when the process died)."""

from __future__ import annotations

import random
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, exit_code, rss, send_signal
from tests.faults.conftest import (
    OLD,
    crash_until_delivered,
    record,
    record_max,
    restarted,
    start_primed,
)
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
STORY = (
    "SOCAR opens a new Caspian terminal",
    "http://news.test/terminal",
    "SOCAR opened a terminal on the Caspian coast. Exports start next month. Officials were pleased.",
)
NEEDLE = "new Caspian terminal"


def test_kill_9_mid_broadcast_loses_nothing_and_repeats_at_most_once_per_crash(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    users = range(5001, 5061)
    seed = random.randrange(1 << 30)
    bot = start_primed(launch, api, feeds, tmp_path, users)
    api.send_delay = 0.3  # a broadcast of 60 chats takes a few seconds: room to kill it half-way

    feeds.route("/feed.xml", body=rss(STORY, OLD), etag='"v2"')
    kills, copies = crash_until_delivered(bot, api, tmp_path, users, NEEDLE, seed)
    lost = sum(c == 0 for c in copies.values())
    worst = max(copies.values()) - 1
    record("kills survived (broadcast)", kills)
    record("alerts lost", lost)
    record_max("extra copies of the story in one chat", worst)
    record_max("extra copies in one chat per crash (x100)", 100 * worst // max(kills, 1))
    record("duplicate alerts (broadcast, all chats)", sum(c - 1 for c in copies.values()))
    assert kills >= 2, f"seed {seed}: the broadcast finished before it could be interrupted"
    assert lost == 0, f"seed {seed}: {lost} chats never got the story"
    assert worst <= kills, f"seed {seed}: a chat got the story {worst + 1} times after {kills} crashes"
    assert "Traceback" not in bot.log()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_signal_mid_broadcast_exits_cleanly_and_the_rest_follows_after_restart(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess], sig: int
) -> None:
    users = range(6001, 6041)
    bot = start_primed(launch, api, feeds, tmp_path, users)
    api.send_delay = 0.3
    feeds.route("/feed.xml", body=rss(STORY, OLD), etag='"v2"')
    assert api.wait_until(lambda a: any(NEEDLE in t for t in a.texts()), 20)
    send_signal(bot, sig)
    assert exit_code(bot, 10) == 0
    before = {u: len(api.sent_to(u, NEEDLE)) for u in users}
    assert 0 < sum(before.values()) < len(users), "the signal did not land mid-broadcast"
    record(f"graceful stops ({signal.Signals(sig).name})")

    restarted(bot, api)
    assert api.wait_until(lambda a: all(a.sent_to(u, NEEDLE) for u in users), 30)
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    copies = {u: len(api.sent_to(u, NEEDLE)) for u in users}
    record("alerts lost", sum(c == 0 for c in copies.values()))
    assert all(c == 1 for c in copies.values()), f"a stop that waits for its sends repeats none: {copies}"
    assert "Traceback" not in bot.log()
