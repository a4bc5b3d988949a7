"""Alert rhythm as users meet it, on the real `newsbot run` process and the wall clock: a daily
digest set a minute ahead, quiet hours holding then releasing, a snooze dropping, a burst folded."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import ChatRef
from storage import open_store
from tests.e2e.harness import BotProcess, rss, write_sources
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
DIGEST, QUIET, SNOOZE, BURST = 7101, 7102, 7103, 7104
OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")


def story(n: int) -> tuple[str, str, str]:
    return (f"SOCAR update number {n}", f"http://news.test/socar/{n}", f"SOCAR said thing {n}. More follows.")


def to(chat: int, needle: str):
    return lambda p: str(p.get("chat_id")) == str(chat) and needle in unmarked(str(p.get("text", "")))


def next_minute() -> datetime:
    """A wall-clock minute at least 20 seconds away (UTC, the chats' default zone)."""
    now = datetime.now(UTC)
    target = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return target if (target - now).total_seconds() >= 20 else target + timedelta(minutes=1)


def test_digest_quiet_hours_snooze_and_burst_folding(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    feeds.route("/feed.xml", body=rss(OLD), etag='"v1"')
    sources = write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")})
    bot = BotProcess(tmp_path, api.url, sources, NEWSBOT_BURST="2", NEWSBOT_BURST_WINDOW="8").start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        assert feeds.wait_for_requests(2, timeout=20)  # the first cycle, which primes the source, is over
        for chat in (DIGEST, QUIET, SNOOZE, BURST):
            api.push_message(chat, chat, "/subscribe SOCAR")
            api.wait_for_sent(to(chat, "Subscribed to"), timeout=15)
        due = next_minute()
        api.push_message(DIGEST, DIGEST, f"/digest SOCAR daily {due:%H:%M}")
        reply = api.wait_for_sent(to(DIGEST, "daily at"), timeout=15)
        assert f"Next one: {due:%d %b %Y %H:%M} UTC" in reply["text"]
        start = datetime.now(UTC) - timedelta(minutes=1)
        api.push_message(QUIET, QUIET, f"/quiet {start:%H:%M}-{due:%H:%M}")
        api.wait_for_sent(to(QUIET, "Quiet hours"), timeout=15)
        api.push_message(SNOOZE, SNOOZE, "/snooze SOCAR 2h")
        api.wait_for_sent(to(SNOOZE, "snoozed until"), timeout=15)

        feeds.route("/feed.xml", body=rss(story(1), story(2), story(3), story(4), OLD), etag='"v2"')
        # the burst: two alerts at once, then the other two folded into one message at the window end
        assert api.wait_until(lambda a: len(a.sent_to(BURST, "SOCAR update number")) >= 2, 30)
        folded = api.wait_for_sent(to(BURST, "2 more stories matching SOCAR since"), timeout=30)
        assert sum(f"update number {n}<" in folded["text"] for n in range(1, 5)) == 2
        instant = [p["text"] for p in api.sent_to(BURST, "SOCAR update number") if p is not folded]
        assert len(instant) == 2
        for n in range(1, 5):  # every story exactly once, instantly or folded
            assert sum(f"update number {n}<" in p["text"] for p in api.sent_to(BURST)) == 1

        # nothing instant for the digest, quiet and snoozed chats
        assert not api.sent_to(DIGEST, "SOCAR update") and not api.sent_to(QUIET, "SOCAR update")
        digest = api.wait_for_sent(to(DIGEST, "Daily digest · 4 stories since"), timeout=150)
        assert all(f"SOCAR update number {n}" in digest["text"] for n in range(1, 5))
        released = api.wait_for_sent(to(QUIET, "While you were quiet · 4 stories since"), timeout=30)
        assert released["text"].count("SOCAR update number") == 4
        assert datetime.now(UTC) >= due
        time.sleep(1.5)  # a little longer: nothing else may arrive
        assert not api.sent_to(SNOOZE, "SOCAR update")  # dropped, not saved for later
        assert len(api.sent_to(DIGEST, "SOCAR update")) == 1 and len(api.sent_to(QUIET, "SOCAR update")) == 1

        api.push_message(SNOOZE, SNOOZE, "/list")
        listing = api.wait_for_sent(to(SNOOZE, "Your subscriptions (1)"), timeout=15)
        assert "snoozed until" in listing["text"]
        assert bot.stop() == 0
        assert "Traceback" not in bot.log()
        store = open_store(tmp_path / "db" / "newsbot.json")
        try:
            for chat in (DIGEST, QUIET, SNOOZE, BURST):  # nothing left held
                assert store.held.held(ChatRef("telegram", str(chat))) == []
        finally:
            store.close()
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()
