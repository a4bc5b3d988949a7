"""A Russian user, as Telegram reports them (language_code "ru"), through the real `newsbot run`:
Russian replies, and an alert in Russian for an inflected Russian keyword."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, rss, write_sources
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
USER = 5151
OLD = ("Биржевые итоги недели", "http://news.test/ru/old", "Торги на бирже завершились ростом индексов.")
NEW = (
    "Акции Газпрома выросли после заявления совета директоров",
    "http://news.test/ru/gazprom",
    "Акции Газпрома подорожали на пять процентов. Совет директоров рекомендовал дивиденды. "
    "Аналитики ждут продолжения роста.",
)


def visible(text: str) -> str:
    """What a reader sees of the words: without the marks on matched words."""
    return unmarked(text).replace("<b>", "").replace("</b>", "")


def to_user(text: str):
    return lambda p: str(p.get("chat_id")) == str(USER) and text in visible(str(p.get("text", "")))


def test_a_russian_user_gets_russian_replies_and_an_alert_for_an_inflected_word(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    feeds.route("/ru.xml", body=rss(OLD), etag='"v1"')
    sources = write_sources(tmp_path / "sources.toml", {"Лента": feeds.url("/ru.xml")})
    bot = BotProcess(tmp_path, api.url, sources).start()
    try:
        assert api.wait_until(lambda a: sum(m == "setMyCommands" for m, _ in a.calls) >= 6, timeout=30)
        menus = {str(p.get("language_code", "")): p for m, p in api.calls if m == "setMyCommands"}
        assert menus["ru"]["commands"][0] == {
            "command": "subscribe",  # the name stays English, the description is Russian
            "description": "получать уведомления о новостях по запросу",
        }
        assert feeds.wait_for_requests(1, timeout=15)

        api.push_message(USER, USER, "/subscribe Газпром", language_code="ru")
        reply = api.wait_for_sent(to_user("Подписка на <code>Газпром</code> оформлена."), timeout=15)
        assert "Я буду присылать сюда новые подходящие новости." in reply["text"]
        api.push_message(USER, USER, "/sources", language_code="ru")
        api.wait_for_sent(to_user("Источники (1):"), timeout=15)

        feeds.route("/ru.xml", body=rss(NEW, OLD), etag='"v2"')
        alert = api.wait_for_sent(to_user("Акции Газпрома выросли после заявления"), timeout=30)
        text = str(alert["text"])
        assert "Совпало: <i>Газпром</i>" in text  # the chrome in Russian...
        assert ">Читать далее</a>" in text
        assert "Акции Газпрома подорожали на пять процентов" in visible(text)  # ...the story as published
        assert "<u>Газпрома</u>" in text and "<b>Газпрома</b>" in text  # the inflected form marked
        assert "Matched" not in text and "Read more" not in text
    finally:
        if bot.proc and bot.proc.poll() is None:
            bot.stop()
