"""Alerts into forum topics and with pictures: the notifier over PTB's request layer, and the
dispatcher moving a deleted topic's subscriptions to General."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot

from bot.bootstrap import build_core
from bot.models import Alert, ChatRef
from bot.ports import DeliveryStatus
from bot.service import NewsService
from handlers.telegram.notifier import TOPIC_GONE_NOTE as NOTE
from handlers.telegram.notifier import TelegramNotifier
from tests.support.clock import FakeClock
from tests.telegram.fake_request import RecordingRequest, error

TOPIC_GONE_NOTE = f"<i>{NOTE}</i>"
TOPIC = ChatRef("telegram", "-100777", "77")
GENERAL = ChatRef("telegram", "-100777")


def make_alert(chat: ChatRef = TOPIC, image: str = "") -> Alert:
    return Alert(
        chat=chat,
        article_key="k1",
        title="SOCAR deal",
        url="https://example.com/a",
        source="Reuters",
        published=datetime(2026, 11, 25, 11, 0, tzinfo=UTC),
        matched=("socar",),
        bullets=("One.",),
        created=datetime(2026, 11, 25, 11, 1, tzinfo=UTC),
        image=image,
    )


@pytest.fixture
def request_() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def notifier(request_: RecordingRequest) -> AsyncIterator[TelegramNotifier]:
    bot = Bot("123:ABC", request=request_, get_updates_request=RecordingRequest())
    async with bot:
        yield TelegramNotifier(bot)


def test_a_topic_is_its_own_destination_with_a_stable_key() -> None:
    assert TOPIC.key == "telegram:-100777/77" and ChatRef.from_key(TOPIC.key) == TOPIC
    assert ChatRef.from_key("telegram:-100777") == GENERAL and TOPIC.whole == GENERAL != TOPIC
    assert ChatRef.from_key("webhook:energy-desk") == ChatRef("webhook", "energy-desk")


async def test_an_alert_for_a_topic_goes_into_it(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    assert (await notifier.send(make_alert())).status is DeliveryStatus.SENT
    [sent] = request_.sent()
    assert sent["chat_id"] == -100777 and sent["message_thread_id"] == 77
    assert (await notifier.send(make_alert(GENERAL))).status is DeliveryStatus.SENT
    assert "message_thread_id" not in request_.sent()[-1]


async def test_an_image_is_the_large_preview_above_the_text(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    await notifier.send(make_alert(GENERAL, image="https://img.example/a.jpg"))
    [sent] = request_.sent()
    assert sent["link_preview_options"] == {
        "is_disabled": False,
        "url": "https://img.example/a.jpg",
        "prefer_large_media": True,
        "show_above_text": True,
    }
    await notifier.send(make_alert(GENERAL))
    assert request_.sent()[-1]["link_preview_options"] == {"is_disabled": True}


async def test_a_deleted_topic_sends_to_general_once_with_a_note(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    request_.fail("sendMessage", error(400, "Bad Request: message thread not found"))
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.SENT and result.new_chat == GENERAL
    [sent] = request_.sent()
    assert "message_thread_id" not in sent and sent["text"].startswith(TOPIC_GONE_NOTE)


async def test_the_dispatcher_moves_the_topic_subscriptions_to_general(
    store: Any, clock: FakeClock, notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    core = build_core(store, clock)
    service: NewsService = core.service
    service.subscribe(TOPIC, "SOCAR")
    service.subscribe(GENERAL, "Gazprom")
    store.outbox.enqueue(
        [
            replace(make_alert(), created=clock.now()),
            replace(make_alert(), article_key="k2", created=clock.now()),
        ]
    )
    request_.fail("sendMessage", error(400, "Bad Request: message thread not found"))
    dispatcher = core.dispatcher([notifier])
    await dispatcher.drain()
    await dispatcher.drain()
    texts = [p["text"] for p in request_.sent()]
    assert (
        len(texts) == 2 and texts[0].startswith(TOPIC_GONE_NOTE) and not texts[1].startswith(TOPIC_GONE_NOTE)
    )
    assert all("message_thread_id" not in p for p in request_.sent())
    assert (
        sorted(service.subscriptions(GENERAL)) == ["Gazprom", "SOCAR"] and service.subscriptions(TOPIC) == []
    )
    assert service.book.query("socar") is not None
    assert store.outbox.pending() == []
