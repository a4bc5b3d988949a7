"""One story, one alert, as a user meets it: the real `newsbot run` against the loopback Bot API.
A second outlet's report of an alerted event edits the first alert ("Also reported by"), no ping."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, write_sources
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
USER = 601
OLD = ("Old news", "http://news.test/old", "Nothing to see.")
FIRST = (
    "5 dead, 8 injured in Fort Lauderdale airport shooting",
    "http://wire-a.test/1",
    "A gunman opened fire Friday at Fort Lauderdale-Hollywood airport, killing five people and injuring "
    "eight. The suspect, Esteban Santiago, was in custody.",
)
SECOND = (
    "Fort Lauderdale airport shooting suspect named as Esteban Santiago",
    "http://wire-b.test/2",
    "The gunman who killed five people and injured eight at Fort Lauderdale airport on Friday is "
    "Esteban Santiago, 26, now in custody.",
)


def feed(*items: tuple[str, str, str]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description><pubDate>{now}</pubDate></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'.encode()


def test_a_second_report_edits_the_first_alert(tmp_path: Path, api: FakeBotApi, feeds: FeedServer) -> None:
    feeds.route("/a.xml", body=feed(OLD))
    feeds.route("/b.xml", body=feed(OLD))
    sources = write_sources(
        tmp_path / "sources.toml", {"Wire A": feeds.url("/a.xml"), "Wire B": feeds.url("/b.xml")}
    )
    bot = BotProcess(tmp_path, api.url, sources).start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        assert feeds.wait_for_requests(2, timeout=15)
        api.push_message(USER, USER, "/subscribe airport")
        api.wait_for_sent(lambda p: p.get("chat_id") == USER and "Subscribed" in str(p.get("text")), 15)

        feeds.route("/a.xml", body=feed(FIRST, OLD))
        first = api.wait_for_sent(
            lambda p: p.get("chat_id") == USER and "Fort Lauderdale" in str(p.get("text")), 20
        )
        feeds.route("/b.xml", body=feed(SECOND, OLD))
        edit = api.wait_for_call(
            "editMessageText", lambda p: "Also reported by" in str(p.get("text")), timeout=20
        )
        assert edit["message_id"] == first["message_id"] and edit["chat_id"] == USER
        assert 'Also reported by: <a href="http://wire-b.test/2">Wire B</a>' in edit["text"]
        assert "5 dead, 8 injured" in edit["text"]  # the first alert, re-rendered
        assert not api.sent_to(USER, "suspect named")  # no second ping

        api.push_message(USER, USER, "/threads off")
        api.wait_for_sent(lambda p: "every report as its own alert" in str(p.get("text")), 15)
        assert bot.stop() == 0
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()
