"""Per-source scheduling and WebSub push, end to end: the real `newsbot run` process against a
loopback fake Bot API, a loopback feed server and a loopback WebSub hub."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, rss, write_sources
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.fake_hub import FakeHub
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
USER = 4343
OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")
PUSHED = ("SOCAR signs Caspian deal", "http://news.test/pushed", "SOCAR signed a Caspian deal today.")
FORGED = ("SOCAR forged story", "http://news.test/forged", "SOCAR never said this.")
HEALTHY = ("SOCAR healthy story", "http://news.test/healthy", "SOCAR news from a healthy source.")


def to_user(text: str):
    return lambda p: str(p.get("chat_id")) == str(USER) and text in unmarked(str(p.get("text", "")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def with_hub(feed: bytes, hub: str, topic: str) -> bytes:
    link = f'<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{topic}"/>'
    channel = b'<channel xmlns:atom="http://www.w3.org/2005/Atom">' + link.encode()
    return feed.replace(b"<channel>", channel, 1)


def test_websub_push_alerts_in_seconds_while_polling_is_slow(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    port = free_port()
    with FakeHub(lease_seconds=3600) as hub:
        topic = feeds.url("/feed.xml")
        feeds.route("/feed.xml", body=with_hub(rss(OLD), hub.url, topic), etag='"v1"')
        sources = write_sources(tmp_path / "sources.toml", {"Pushed Wire": topic})
        bot = BotProcess(
            tmp_path,
            api.url,
            sources,
            NEWSBOT_POLL_SECONDS="300",
            NEWSBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
            NEWSBOT_HTTP_PORT=str(port),
            NEWSBOT_ADMINS=str(USER),  # /sources shows intervals to admins
        ).start()
        try:
            api.wait_for_call("setMyCommands", timeout=30)
            sub = hub.wait_verified(topic, timeout=20)  # subscribed after the first fetch, intent verified
            assert sub.secret and sub.lease_seconds
            assert sub.callback.startswith(f"http://127.0.0.1:{port}/websub/")
            api.push_message(USER, USER, "/subscribe SOCAR")
            api.wait_for_sent(to_user("SOCAR"), timeout=15)
            polls = feeds.hits("/feed.xml")

            # a forged delivery is refused and never alerts
            assert hub.publish(topic, rss(FORGED, OLD), secret="not-the-secret") == 403
            # the real one alerts within seconds, though the feed is polled every 5 minutes
            assert hub.publish(topic, rss(PUSHED, OLD)) == 202
            api.wait_for_sent(to_user("Caspian deal"), timeout=10)
            assert feeds.hits("/feed.xml") == polls  # pushed, not polled
            assert not any("forged" in t for t in api.texts())

            seen = len(api.sent)
            api.push_message(USER, USER, "/sources")
            listed = lambda a: any("interval: push" in str(p.get("text")) for p in a.sent[seen:])  # noqa: E731
            assert api.wait_until(listed, 15)
            assert bot.stop() == 0
            log = bot.log()
            assert "bad or missing signature" in log
            assert "is pushed until" in log
        finally:
            if bot.proc and bot.proc.poll() is None:
                bot.kill()


def test_a_hanging_source_never_delays_a_healthy_ones_alert(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    feeds.route("/healthy.xml", body=rss(OLD), etag='"h1"')
    feeds.route("/hang.xml", hang=True)
    sources = write_sources(
        tmp_path / "sources.toml", {"Hangs": feeds.url("/hang.xml"), "Healthy": feeds.url("/healthy.xml")}
    )
    bot = BotProcess(tmp_path, api.url, sources, NEWSBOT_POLL_SECONDS="1").start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        api.push_message(USER, USER, "/subscribe SOCAR")
        api.wait_for_sent(to_user("SOCAR"), timeout=15)
        assert feeds.wait_for_requests(3, timeout=15)  # both fetched at start; the healthy one again
        feeds.route("/healthy.xml", body=rss(HEALTHY, OLD), etag='"h2"')
        published = time.monotonic()
        api.wait_for_sent(to_user("healthy story"), timeout=15)
        waited = time.monotonic() - published
        assert feeds.hits("/hang.xml") == 1  # still hanging: its 20 s timeout has not run out
        print(f"healthy alert {waited:.1f}s after publication while another source hangs")
        assert bot.stop() == 0
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()
