"""Channels, forum topics and group permissions, as a user meets them: the real `newsbot run`
process against the loopback Bot API and a loopback feed server."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.ingest.opml import parse_feed_list
from tests.e2e.harness import BotProcess, write_sources
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
CHANNEL = -1001111
FORUM = -1002222
TOPIC = 77
ADMIN, MEMBER = 501, 502
IMAGE = "https://img.example/socar.jpg"


def feed(*items: tuple[str, str, str]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description>"
        f"<pubDate>{now}</pubDate>"
        + (f'<media:content url="{IMAGE}" medium="image" width="1200"/>' if "SOCAR" in title else "")
        + "</item>"
        for title, link, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>Loopback Wire</title>{body}</channel></rss>"
    ).encode()


OLD = ("Old news", "http://news.test/old", "Nothing to see.")
SOCAR = ("SOCAR signs a Caspian deal", "http://news.test/socar", "SOCAR signed a deal on the Caspian shelf.")
GAZPROM = ("Gazprom cuts exports", "http://news.test/gazprom", "Gazprom said exports would fall this winter.")


def test_a_channel_subscription_and_a_topic_alert(tmp_path: Path, api: FakeBotApi, feeds: FeedServer) -> None:
    feeds.route("/feed.xml", body=feed(OLD))
    sources = write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")})
    bot = BotProcess(tmp_path, api.url, sources).start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        assert feeds.wait_for_requests(1, timeout=15)

        api.push_channel_post(CHANNEL, "/subscribe SOCAR")
        api.wait_for_sent(lambda p: p.get("chat_id") == CHANNEL and "Subscribed" in str(p.get("text")), 15)

        api.push_topic_message(FORUM, ADMIN, TOPIC, "/subscribe Gazprom")
        ok = api.wait_for_sent(lambda p: p.get("chat_id") == FORUM and "Subscribed" in str(p.get("text")), 15)
        assert ok["message_thread_id"] == TOPIC
        api.members[(FORUM, MEMBER)] = "member"
        api.push_topic_message(FORUM, MEMBER, TOPIC, "/pause")
        refused = api.wait_for_sent(lambda p: "Only this group's admins" in str(p.get("text")), 15)
        assert refused["message_thread_id"] == TOPIC
        api.wait_for_call("getChatMember", lambda p: p.get("user_id") == MEMBER)

        feeds.route("/feed.xml", body=feed(SOCAR, GAZPROM, OLD))
        in_channel = api.wait_for_sent(
            lambda p: p.get("chat_id") == CHANNEL and "signs a Caspian deal" in str(p.get("text")), 20
        )
        assert in_channel["link_preview_options"] == {
            "is_disabled": False,
            "url": IMAGE,
            "prefer_large_media": True,
            "show_above_text": True,
        }
        in_topic = api.wait_for_sent(
            lambda p: p.get("chat_id") == FORUM and "cuts exports" in str(p.get("text")), 20
        )
        assert in_topic["message_thread_id"] == TOPIC
        assert not api.sent_to(FORUM, "signs a Caspian deal") and not api.sent_to(CHANNEL, "cuts exports")
        api.push_message(ADMIN, ADMIN, "/export")  # an uploaded OPML document
        api.wait_until(lambda a: bool(a.documents), 15)
        [upload] = [v for k, v in api.documents[-1].items() if k.startswith("file:")]
        exported = parse_feed_list(upload["content"])
        assert [f.url for f in exported.feeds] == [feeds.url("/feed.xml")]
        assert bot.stop() == 0
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()
