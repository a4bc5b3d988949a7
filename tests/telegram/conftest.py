"""Handler tests drive a real PTB Application (built by TelegramAdapter) over the real core
and a TinyDB store in tmp_path; only Telegram's HTTP (a recording BaseRequest) and the clock are fake."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bot.models import ChatRef, Source
from bot.service import NewsService
from handlers.telegram.app import TelegramAdapter
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import callback_payload, message_payload
from tests.support.services import build_service
from tests.telegram.fake_request import RecordingRequest
from tests.telegram.html_checker import check_telegram_html

TOKEN = "123456:SECRET-TOKEN"
ADMIN = 1
USER = 10
REUTERS = Source("Reuters", "https://feeds.example.com/reuters.xml")


class Chat:
    """One Telegram chat talking to the bot: send a text, get the bot's replies to it."""

    _ids = itertools.count(1)

    def __init__(self, adapter: TelegramAdapter, request: RecordingRequest) -> None:
        self.adapter = adapter
        self.request = request

    @property
    def app(self) -> Any:
        return self.adapter.application

    async def process(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        before = len(self.request.sent())
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        return self.request.sent()[before:]

    async def send(
        self,
        text: str,
        chat_id: int = USER,
        user_id: int | None = None,
        chat_type: str | None = None,
        language_code: str | None = None,
    ) -> list[str]:
        """The texts the bot replied, each checked to be valid Telegram HTML."""
        message = message_payload(
            next(self._ids), chat_id, user_id or chat_id, text, chat_type, language_code
        )
        replies = await self.process({"update_id": next(self._ids), "message": message})
        for reply in replies:
            assert reply.get("parse_mode") == "HTML"
            check_telegram_html(str(reply["text"]))
        return [str(r["text"]) for r in replies]

    async def send_raw(
        self, text: str, chat_id: int = USER, user_id: int | None = None
    ) -> list[dict[str, Any]]:
        message = message_payload(next(self._ids), chat_id, user_id or chat_id, text)
        return await self.process({"update_id": next(self._ids), "message": message})

    async def tap(
        self, button_message: dict[str, Any], data: str, chat_id: int = USER
    ) -> list[dict[str, Any]]:
        query = callback_payload(
            str(next(self._ids)), chat_id, chat_id, data, int(button_message.get("message_id", 1)),
            button_message.get("reply_markup"),
        )  # fmt: skip
        return await self.process({"update_id": next(self._ids), "callback_query": query})


@pytest.fixture
def service(store: Any, clock: FakeClock) -> NewsService:
    return build_service(store, clock, config_sources=[REUTERS], admins=frozenset({str(ADMIN)}))


@pytest.fixture
def request_() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def chat(service: NewsService, request_: RecordingRequest) -> AsyncIterator[Chat]:
    adapter = TelegramAdapter(
        TOKEN, service, request=request_, get_updates_request=RecordingRequest(), rate_limit=False
    )
    async with adapter.application:
        await adapter.application.start()  # no polling: updates come from process_update
        yield Chat(adapter, request_)
        await adapter.application.stop()


def ref(chat_id: int = USER) -> ChatRef:
    return ChatRef("telegram", str(chat_id))
