"""Every update gets its answer: replies that wait out flood control, edited commands, captions,
media, plain words and stray buttons. Through a real PTB Application and the real core; only
Telegram's HTTP is fake, and it answers 429 with retry_after the way Telegram does."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.models import Alert
from bot.ports import DeliveryStatus
from bot.service import NewsService
from handlers.telegram.app import TelegramAdapter
from handlers.telegram.views import HINT
from tests.support.fake_bot_api import message_payload
from tests.telegram.conftest import TOKEN, USER, Chat, ref
from tests.telegram.fake_request import RecordingRequest, error

_ids = itertools.count(50_000)


def flood(times: int = 1) -> list[Any]:
    return [error(429, "Too Many Requests: retry after 1", retry_after=1)] * times


@pytest.fixture
async def limited(service: NewsService, request_: RecordingRequest) -> AsyncIterator[Chat]:
    """The production set-up: the adapter's own rate limiter, as `newsbot run` builds it."""
    adapter = TelegramAdapter(TOKEN, service, request=request_, get_updates_request=RecordingRequest())
    async with adapter.application:
        await adapter.application.start()
        yield Chat(adapter, request_)
        await adapter.application.stop()


def _update(kind: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": next(_ids), kind: message}


async def test_every_command_reply_arrives_through_flood_control(
    limited: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    request_.fail("sendMessage", *flood(2))  # Telegram says "slow down" to the first replies
    replies = [await limited.send(f"/subscribe topic{n}") for n in range(6)]
    assert [r[0].split("\n")[0] for r in replies] == [
        f"Subscribed to <code>topic{n}</code>. I will send new matching stories here." for n in range(6)
    ]
    assert len(service.subscriptions(ref())) == 6
    assert sum(not c.ok for c in request_.calls if c.method == "sendMessage") == 2  # refused, then sent


async def test_every_part_of_a_long_reply_arrives_in_order(
    limited: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    for n in range(120):
        service.subscribe(ref(), f"word{n:03d}")
    before = len(request_.sent())
    request_.fail("sendMessage", *flood(1))
    await limited.send_raw("/unsubscribe")
    menus = request_.sent()[before:]
    assert len(menus) == 3  # 50 buttons a message
    labels = [
        button["text"] for menu in menus for row in menu["reply_markup"]["inline_keyboard"] for button in row
    ]
    assert labels == [f"✖ word{n:03d}" for n in range(120)]


async def test_an_alert_refused_by_flood_control_goes_back_to_the_outbox(
    limited: Chat, request_: RecordingRequest
) -> None:
    request_.fail("sendMessage", *flood(1))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    alert = Alert(ref(), "k", "Title", "https://e.example/1", "Wire", now, ("socar",), ("A bullet.",), now)
    result = await limited.adapter.notifier.send(alert)
    assert result.status is DeliveryStatus.RETRY and result.retry_after == 1
    assert len([c for c in request_.calls if c.method == "sendMessage"]) == 1  # PTB did not sleep on it


async def test_an_edited_command_runs_once_per_edit(chat: Chat, service: NewsService) -> None:
    message = message_payload(700, USER, USER, "/subscribe Gazprom")
    await chat.process(_update("message", message))
    edited = {**message_payload(700, USER, USER, "/subscribe Rosneft"), "edit_date": message["date"] + 5}
    replies = await chat.process(_update("edited_message", edited))
    assert [r["text"].split("\n")[0] for r in replies] == [
        "Subscribed to <code>Rosneft</code>. I will send new matching stories here."
    ]
    assert service.subscriptions(ref()) == ["Gazprom", "Rosneft"]


async def test_an_edited_plain_message_gets_the_hint(chat: Chat) -> None:
    edited = {**message_payload(701, USER, USER, "hello there"), "edit_date": 1}
    assert [r["text"] for r in await chat.process(_update("edited_message", edited))] == [HINT]


async def test_a_photo_whose_caption_is_a_command_runs_it(chat: Chat, service: NewsService) -> None:
    photo = message_payload(702, USER, USER, "x")
    del photo["text"]
    photo["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    photo["caption"] = "/subscribe Caspian"
    photo["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": 10}]
    replies = await chat.process(_update("message", photo))
    assert [r["text"].split("\n")[0] for r in replies] == [
        "Subscribed to <code>Caspian</code>. I will send new matching stories here."
    ]
    assert service.subscriptions(ref()) == ["Caspian"]


@pytest.mark.parametrize(
    "media",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1, "is_animated": False,
                     "is_video": False, "type": "regular"}},
        {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 2}},
    ],
)  # fmt: skip
async def test_stickers_and_voice_notes_in_private_get_the_hint(chat: Chat, media: dict[str, Any]) -> None:
    message = message_payload(703, USER, USER, "x")
    del message["text"]
    assert [r["text"] for r in await chat.process(_update("message", {**message, **media}))] == [HINT]
    in_group = message_payload(704, -500, USER, "x", "group")
    del in_group["text"]
    assert await chat.process(_update("message", {**in_group, **media})) == []  # groups: stay quiet


async def test_a_plain_word_in_private_gets_a_subscribe_button(chat: Chat, service: NewsService) -> None:
    [suggestion] = await chat.send_raw("SOCAR")
    [[button]] = suggestion["reply_markup"]["inline_keyboard"]
    assert button["text"] == "Subscribe to SOCAR"
    await chat.tap(suggestion, button["callback_data"])
    assert service.subscriptions(ref()) == ["SOCAR"]
    [answer] = chat.request.sent("answerCallbackQuery")
    assert answer["text"] == "Subscribed."
    [edit] = chat.request.sent("editMessageText")
    assert edit["text"].startswith("Subscribed to <code>SOCAR</code>")


async def test_a_sentence_or_small_talk_gets_the_hint_not_a_button(chat: Chat) -> None:
    assert await chat.send("thanks!") == [HINT]
    assert await chat.send("what is the latest news about the pipeline in Baku") == [HINT]


async def test_every_callback_query_is_answered(chat: Chat) -> None:
    await chat.tap({"message_id": 9}, "something-old:42")
    [answer] = chat.request.sent("answerCallbackQuery")
    assert "no longer works" in answer["text"]


async def test_a_word_already_subscribed_gets_no_button(chat: Chat, service: NewsService) -> None:
    service.subscribe(ref(), "SOCAR")
    [reply] = await chat.send_raw("socar")
    assert reply["text"].startswith("You already get alerts for <code>SOCAR</code>")  # as typed
    assert "reply_markup" not in reply
