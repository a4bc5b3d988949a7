"""Property tests: whatever a user types after a command, and whatever a feed carries, what the bot
sends is valid Telegram HTML within 4096 UTF-16 units, and nothing raises."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.alerts.factory import AlertFactory
from bot.ingest.parse import parse_feed
from bot.matching.audience import SubscriptionBook
from bot.matching.query import parse_query
from bot.models import Article, ChatRef, Source
from bot.ports import Repos
from bot.service import NewsService
from handlers.telegram.app import TelegramAdapter
from handlers.telegram.render import MAX_MESSAGE, render_alert, render_alert_plain, utf16_len
from handlers.telegram.views import SOMETHING_WRONG
from storage import open_store
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import message_payload
from tests.telegram.fake_request import RecordingRequest
from tests.telegram.html_checker import check_telegram_html

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FRAGMENTS = [
    '"',
    "<b>",
    "</i>",
    "&",
    "&amp;",
    "<",
    ">",
    " OR ",
    "-",
    "*",
    "'",
    "\u202e",
    "😀",
    "\n",
    "<a href=x>",
    "SOCAR",
    "Caspian",
    " ",
    "\x00",
    "@newsbot_test",
    "/subscribe",
]
user_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join),
    st.text(min_size=3000, max_size=5000),
)


class Harness:
    """A real PTB Application over the real service and store, driven on its own event loop."""

    def __init__(self, root: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.store = open_store(root / "db.json")
        repos = Repos.of(self.store)
        self.store.articles.remember(
            [
                _article(i, t)
                for i, t in enumerate(
                    [
                        "SOCAR <b>bold</b> & Caspian deal",
                        "Caspian 😀 gas \u202e reversed",
                        "SOCAR " + "long " * 900,
                    ]
                )
            ]
        )
        service = NewsService(
            repos, SubscriptionBook(), FakeClock(NOW), config_sources=[Source("Wire", "https://w.example/f")]
        )
        self.request = RecordingRequest()
        self.adapter = TelegramAdapter(
            "123:TOKEN",
            service,
            request=self.request,
            get_updates_request=RecordingRequest(),
            rate_limit=False,
        )
        self.ids = itertools.count(1)
        self.loop.run_until_complete(self.adapter.application.initialize())
        self.loop.run_until_complete(self.adapter.application.start())

    def send(self, text: str, chat_id: int = 10) -> list[dict[str, Any]]:
        app = self.adapter.application
        before = len(self.request.sent())
        message = message_payload(next(self.ids), chat_id, chat_id, text)
        update = Update.de_json({"update_id": next(self.ids), "message": message}, app.bot)
        self.loop.run_until_complete(app.process_update(update))
        return self.request.sent()[before:]

    def close(self) -> None:
        self.loop.run_until_complete(self.adapter.application.stop())
        self.loop.run_until_complete(self.adapter.application.shutdown())
        self.store.close()
        self.loop.close()


def _article(n: int, title: str) -> Article:
    return Article(
        key=f"k{n}",
        source="Wire <&>",
        title=title,
        url=f"https://w.example/{n}?a=1&b=<2>",
        published=NOW - timedelta(hours=1),
        text=f"{title}. SOCAR and Caspian news. More.",
        fetched_at=NOW,
    )


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    h = Harness(tmp_path_factory.mktemp("props"))
    yield h
    h.close()


def _check_replies(replies: list[dict[str, Any]]) -> None:
    assert replies, "every command gets an answer"
    for reply in replies:
        text = str(reply["text"])
        assert utf16_len(text) <= MAX_MESSAGE
        assert text != SOMETHING_WRONG, "a handler raised"
        if reply.get("parse_mode") == "HTML":
            check_telegram_html(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["subscribe", "unsubscribe", "latest"]), text=user_text, chat=st.integers(10, 13)
)
@example(command="latest", text="caspian", chat=10)  # cached stories match: alerts are rendered
@example(command="latest", text="SOCAR long", chat=10)
def test_any_command_argument_gets_a_valid_html_reply(
    harness: Harness, command: str, text: str, chat: int
) -> None:
    _check_replies(harness.send(f"/{command} {text}", chat_id=chat))


feed_text = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.sampled_from([*FRAGMENTS, "<p>", "<br>", "<li>", "<script>x</script>", "&nbsp;", ". ", "• "])
        | st.text(max_size=10),
        max_size=80,
    ).map("".join),
)


@settings(max_examples=60, deadline=None)
@given(title=feed_text, body=feed_text, raw=st.booleans())
def test_any_feed_text_renders_as_valid_alert_html(title: str, body: str, raw: bool) -> None:
    esc = (lambda s: s) if raw else xml_escape  # raw: markup and stray '&' break the XML itself
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>W</title><item>'
        f"<title>SOCAR {esc(title)}</title><link>https://w.example/{esc(title[:20])}</link>"
        f"<description>{esc(body)} SOCAR closing sentence.</description></item></channel></rss>"
    )
    parsed = parse_feed(
        xml.encode("utf-8", "surrogatepass"), source="Wire", url="https://w.example/f", now=NOW
    )
    factory = AlertFactory()
    for article in parsed.articles:
        alert = factory.build(ChatRef("telegram", "1"), article, [parse_query("SOCAR")], NOW)
        markup = render_alert(alert)
        check_telegram_html(markup)
        assert utf16_len(markup) <= MAX_MESSAGE
        assert utf16_len(render_alert_plain(alert)) <= MAX_MESSAGE
        assert len(alert.bullets) <= 4
