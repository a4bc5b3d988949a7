"""Telegram's failure answers, through the real process: each chat meets one fault on its first
alert; later stories show what the bot learned (blocked, gone, migrated) and that it recovered."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, exit_code, rss, send_signal, write_sources
from tests.faults.conftest import record, subscribe_all, to_chat
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e

FLOOD, FLAKY, SLOW, BLOCKER, MARKUP, GONE, CONTROL = 8001, 8002, 8003, 8004, 8005, 8006, 8007
GROUP, SUPERGROUP = -8008, -1008008
RETRY_AFTER = 3
READ_TIMEOUT = 5.0  # PTB's HTTPXRequest default


def story(n: int) -> tuple[str, str, str]:
    return (
        f"SOCAR story number {n} on Caspian gas",
        f"http://news.test/socar-{n}",
        f"SOCAR said on day {n} that gas flows rose. Officials spoke. Talks continue.",
    )


def calls_to(api: FakeBotApi, chat: int) -> list[tuple[float, dict]]:
    return [
        (t, p) for t, m, p in list(api.timeline) if m == "sendMessage" and str(p.get("chat_id")) == str(chat)
    ]


def test_each_telegram_fault_gets_its_right_treatment(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    feeds.route("/feed.xml", body=rss(story(0)), etag='"v0"')
    bot = launch(write_sources(tmp_path / "sources.toml", {"Loopback Wire": feeds.url("/feed.xml")}))
    api.wait_for_call("setMyCommands", timeout=30)
    assert feeds.wait_for_requests(2, timeout=20)
    private = [FLOOD, FLAKY, SLOW, BLOCKER, MARKUP, GONE, CONTROL]
    subscribe_all(api, private, "SOCAR")
    api.push_message(GROUP, 1, "/subscribe SOCAR", chat_type="group")
    api.wait_for_sent(to_chat(GROUP, "ubscribed to"), timeout=15)

    api.fail_next(
        "sendMessage",
        429,
        f"Too Many Requests: retry after {RETRY_AFTER}",
        retry_after=RETRY_AFTER,
        chat_id=FLOOD,
    )
    api.fail_next("sendMessage", 500, "Internal Server Error", chat_id=FLAKY)
    api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=FLAKY)
    api.fail_next("sendMessage", 504, "Gateway Timeout", chat_id=SLOW, hang=READ_TIMEOUT + 1.5)
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BLOCKER)
    api.fail_next(
        "sendMessage",
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 12',
        chat_id=MARKUP,
    )
    api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=GONE)
    api.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=SUPERGROUP,
        chat_id=GROUP,
    )
    record("telegram faults injected: 429", 1)
    record("telegram faults injected: 5xx", 2)
    record("telegram faults injected: timeout", 1)
    record("telegram faults injected: 403 blocked", 1)
    record("telegram faults injected: 400 markup", 1)
    record("telegram faults injected: 400 chat not found", 1)
    record("telegram faults injected: migration", 1)

    one = "story number 1"
    feeds.route("/feed.xml", body=rss(story(1), story(0)), etag='"v1"')
    for chat in (CONTROL, FLAKY, MARKUP, FLOOD, SUPERGROUP, SLOW):
        api.wait_for_sent(to_chat(chat, one), timeout=30)

    [failed_at, retried_at] = [t for t, p in calls_to(api, FLOOD) if one in str(p.get("text"))]
    assert retried_at - failed_at >= RETRY_AFTER, "the 429's retry_after was not honoured"
    assert len(api.sent_to(SLOW, one)) == 1 and len(calls_to(api, SLOW)) >= 2  # timed out, then sent once
    assert len(api.sent_to(FLAKY, one)) == 1 and len(calls_to(api, FLAKY)) >= 3
    [plain] = api.sent_to(MARKUP, one)
    assert "parse_mode" not in plain and "<b>" not in plain["text"]  # the plain-text fallback
    assert "ERROR" in bot.log() and "rejected our markup" in bot.log()
    assert not api.sent_to(GROUP, one) and len(api.sent_to(SUPERGROUP, one)) == 1
    assert not api.sent_to(BLOCKER, one) and not api.sent_to(GONE, one)

    two = "story number 2"
    feeds.route("/feed.xml", body=rss(story(2), story(1), story(0)), etag='"v2"')
    for chat in (CONTROL, SUPERGROUP, FLOOD, MARKUP):
        api.wait_for_sent(to_chat(chat, two), timeout=20)
    assert len(calls_to(api, BLOCKER)) == 2 and len(calls_to(api, GONE)) == 2  # ack + the refused alert
    alerts = [p for _, p in calls_to(api, GROUP) if not str(p.get("text")).startswith("Subscribed")]
    assert [p for p in alerts if "story" in str(p.get("text"))] == [  # the ack's preview is no alert
        calls_to(api, GROUP)[-1][1]
    ]
    assert "<b>" in api.sent_to(MARKUP, two)[0]["text"]  # one rejection does not make a chat plain forever

    api.push_message(BLOCKER, BLOCKER, "/start")  # the user unblocked the bot and talks to it again
    api.wait_for_sent(to_chat(BLOCKER, "/subscribe"), timeout=15)
    three = "story number 3"
    feeds.route("/feed.xml", body=rss(story(3), story(2), story(1)), etag='"v3"')
    api.wait_for_sent(to_chat(BLOCKER, three), timeout=20)
    api.wait_for_sent(to_chat(CONTROL, three), timeout=20)
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    assert len(calls_to(api, GONE)) == 2 and not api.sent_to(GROUP, three)
    for chat in (CONTROL, FLAKY, SLOW, FLOOD, MARKUP, SUPERGROUP):
        for n in (1, 2, 3):
            assert len(api.sent_to(chat, f"story number {n}")) == 1, (chat, n)
    record("alerts lost", 0)
    assert "Traceback" not in bot.log()
