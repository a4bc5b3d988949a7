"""kill -9 while digests go out: no chat loses its digest, and a crash costs each chat at most one
repeat (the send in flight). The digests here are bursts folded for 60 chats at once, due a few
seconds after the story arrives, so the test needs no wall-clock minute."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.models import ChatRef
from storage import open_store
from tests.e2e.harness import BotProcess, exit_code, rss, send_signal, write_sources
from tests.faults.conftest import record, record_max, restarted, subscribe_all
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")
STORIES = [
    (f"SOCAR terminal news {n}", f"http://news.test/t{n}", f"SOCAR opened terminal {n}. Exports start.")
    for n in range(3)
]
NEEDLE = "2 more stories matching SOCAR"


def _pending(tmp_path: Path) -> dict[str, int]:
    """Digests a stopped bot still has to send (outbox) or to make (held stories)."""
    store = open_store(tmp_path / "db" / "newsbot.json")
    try:
        counts: dict[str, int] = {}
        for alert in store.outbox.pending():
            if alert.digest is not None:
                counts[alert.chat.id] = counts.get(alert.chat.id, 0) + 1
        for schedule in store.held.schedules():
            if store.held.held(ChatRef(schedule.chat.platform, schedule.chat.id), schedule.bucket):
                counts[schedule.chat.id] = counts.get(schedule.chat.id, 0) + 1
        return counts
    finally:
        store.close()


def test_kill_9_mid_digest_loses_none_and_repeats_at_most_once_per_crash(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    users = range(8001, 8061)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    feeds.route("/feed.xml", body=rss(OLD), etag='"v1"')
    bot = launch(
        write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")}),
        NEWSBOT_BURST="1",
        NEWSBOT_BURST_WINDOW="4",
    )
    api.wait_for_call("setMyCommands", timeout=30)
    assert feeds.wait_for_requests(2, timeout=20)
    subscribe_all(api, users, "SOCAR")
    api.send_delay = 0.3

    def delivered() -> int:
        return sum(NEEDLE in t for t in api.texts())

    feeds.route("/feed.xml", body=rss(*STORIES, OLD), etag='"v2"')
    kills = 0
    for _ in range(3):
        reached = delivered()
        if reached >= len(users) - 2:
            break
        target = reached + rng.randint(1, max(1, (len(users) - reached) // 3))
        assert api.wait_until(lambda a, target=target: delivered() >= target, 60), f"seed {seed}: stalled"
        time.sleep(rng.uniform(0.0, 0.25))
        bot.kill()
        kills += 1
        restarted(bot, api)
    assert api.wait_until(lambda a: all(a.sent_to(u, NEEDLE) for u in users), 60), f"seed {seed}"
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    time.sleep(api.send_delay + 0.1)

    pending = _pending(tmp_path)
    copies = {u: len(api.sent_to(u, NEEDLE)) + pending.get(str(u), 0) for u in users}
    lost = sum(c == 0 for c in copies.values())
    worst = max(copies.values()) - 1
    record("kills survived (digests)", kills)
    record("digests lost", lost)
    record_max("extra copies of a digest in one chat", worst)
    assert kills >= 1, f"seed {seed}: the digests went out before they could be interrupted"
    assert lost == 0, f"seed {seed}: {lost} chats never got their digest"
    assert worst <= kills, f"seed {seed}: a chat got its digest {worst + 1} times after {kills} crashes"
    for u in users:  # a folded story never also came instantly
        texts = [unmarked(p["text"]) for p in api.sent_to(u, "SOCAR terminal news")]
        instant = {t.split("</b>")[0] for t in texts if t.startswith("<b>SOCAR terminal news")}
        folded = {f"<b>{s[0]}" for s in STORIES if any(NEEDLE in t and f">{s[0]}<" in t for t in texts)}
        assert len(instant) == 1 and len(folded) == 2 and not instant & folded, f"seed {seed}: {u}"
    assert "Traceback" not in bot.log()
