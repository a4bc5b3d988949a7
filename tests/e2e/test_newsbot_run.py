"""The whole flow, as a user meets it: real process, real HTTP, real disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN, BotProcess, rss, run_once, write_sources
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
USER = 4242
OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")
NEW = (
    "SOCAR & Naftogaz begin gas supplies to Ukraine",
    "http://news.test/socar-gas?utm_source=x",
    "Azerbaijan’s SOCAR began supplying natural gas to Ukraine. The route runs through Southern Europe. "
    "Officials said the volumes would grow.",
)


def to_user(text: str):
    return lambda p: str(p.get("chat_id")) == str(USER) and text in unmarked(str(p.get("text", "")))


def test_subscribe_publish_alert_restart_no_duplicate(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    feeds.route("/feed.xml", body=rss(OLD), etag='"v1"')
    sources = write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")})
    bot = BotProcess(tmp_path, api.url, sources).start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        assert feeds.wait_for_requests(1, timeout=15)
        api.push_message(USER, USER, "/subscribe SOCAR")
        api.wait_for_sent(to_user("SOCAR"), timeout=15)
        api.push_message(USER, USER, '/subscribe "<b>Caspian</b> Sea')
        reply = api.wait_for_sent(lambda p: "quote" in str(p.get("text", "")).lower(), timeout=15)
        assert "<b>Caspian" not in reply["text"]  # the query's markup is echoed escaped

        feeds.route("/feed.xml", body=rss(NEW, OLD), etag='"v2"')
        alert = api.wait_for_sent(to_user("begin gas supplies"), timeout=20)
        text = alert["text"]
        assert "<b>" in text and "SOCAR</u> &amp; Naftogaz" in text and "news.test/socar-gas" in text
        assert "socar" in text.lower() and "•" in text
        assert any(r.headers.get("if-none-match") == '"v1"' for r in feeds.requests)  # conditional GET

        assert bot.stop() == 0
        assert TOKEN not in bot.log()
        assert "poll:" in bot.log() and "alerts queued" in bot.log()

        bot.start()  # a restart must not send the same story again
        api.wait_for_call("setMyCommands", timeout=30)
        polls = feeds.hits("/feed.xml")
        assert feeds.wait_for_requests(len(feeds.requests) + 2, timeout=15)
        assert feeds.hits("/feed.xml") > polls
        api.push_message(USER, USER, "/list")
        listing = api.wait_for_sent(to_user("Your subscriptions (1)"), timeout=15)
        assert "SOCAR" in listing["text"]  # the subscription survived the restart
        assert sum("begin gas supplies" in t for t in api.texts()) == 1
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()


def test_a_burst_of_ten_commands_all_get_their_replies(tmp_path: Path, api: FakeBotApi) -> None:
    api.flood_limit, api.flood_window, api.flood_retry_after = 3, 1.0, 1  # Telegram: ~1 message/s a chat
    sources = write_sources(tmp_path / "sources.toml", {"X": "http://127.0.0.1:9/feed.xml"})
    bot = BotProcess(tmp_path, api.url, sources).start()
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        commands = [f"/subscribe topic{n}" for n in range(6)] + ["/list", "/pause", "/resume", "/help"]
        expected = [f"Subscribed to <code>topic{n}</code>" for n in range(6)]
        expected += ["Your subscriptions (6)", "Alerts paused", "Alerts are on again", "I watch news feeds"]
        for command in commands:
            api.push_message(USER, USER, command)
        assert api.wait_until(lambda a: len(a.sent_to(USER)) >= len(commands), timeout=60), api.texts()
        replies = [str(p["text"]) for p in api.sent_to(USER)]
        assert [r.startswith(e) for r, e in zip(replies, expected, strict=True)] == [True] * len(commands)
        assert api.flooded > 0  # the burst did meet flood control, and every reply still arrived
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.kill()


def test_missing_token_names_the_variable(tmp_path: Path) -> None:
    out = run_once(["run"], {"TELEGRAM_BOT_TOKEN": "", "DISCORD_BOT_TOKEN": ""}, tmp_path)
    assert out.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in out.stderr and "Traceback" not in out.stderr


def test_refused_token_is_one_clear_line(tmp_path: Path, api: FakeBotApi) -> None:
    api.reject_token = True
    sources = write_sources(tmp_path / "s.toml", {"X": "http://127.0.0.1:9/feed"})
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "NEWSBOT_SOURCES": str(sources),
        "NEWSBOT_DB": str(tmp_path / "db.json"),
    }
    out = run_once(["run"], env, tmp_path)
    assert out.returncode != 0
    assert "refused" in out.stderr and "Traceback" not in out.stderr and TOKEN not in out.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "not found"), ("[[sources]\nname=", "line"), ('[[sources]]\nname = "x"\n', "url")],
)
def test_bad_sources_file_names_the_file(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "my-sources.toml"
    if content is not None:
        path.write_text(content)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_SOURCES": str(path), "NEWSBOT_DB": str(tmp_path / "db.json")}
    out = run_once(["run"], env, tmp_path)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "my-sources.toml" in out.stderr and expected in out.stderr.lower()


def test_demo_prints_alerts_without_token_or_network(tmp_path: Path) -> None:
    out = run_once(["demo", "SOCAR", "Armenia -peace"], {"TELEGRAM_BOT_TOKEN": ""}, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Russia’s Attack on Azerbaijan" in out.stdout
    assert "Hidden sabotage in the Caspian Sea" in out.stdout  # the publisher's own bullets
    assert "You may also like" not in out.stdout and "Leave a Comment" not in out.stdout
    assert "border talks" not in out.stdout  # excluded by -peace
