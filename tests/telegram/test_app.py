"""TelegramAdapter over real HTTP against the loopback fake Bot API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.errors import ConfigError
from bot.models import Alert
from bot.ports import DeliveryStatus
from bot.service import NewsService
from handlers.telegram.app import TelegramAdapter
from handlers.telegram.keyboards import callback_data
from handlers.telegram.views import COMMANDS
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.conftest import TOKEN, USER, ref


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


async def wait_text(api: FakeBotApi, starts: str) -> dict[str, object]:
    return await asyncio.to_thread(api.wait_for_sent, lambda p: str(p["text"]).startswith(starts), 5.0)


async def test_start_registers_commands_and_answers_over_http(api: FakeBotApi, service: NewsService) -> None:
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url)
    await adapter.start()
    try:
        menus = {str(c.get("language_code", "")): c for m, c in api.calls if m == "setMyCommands"}
        assert sorted(menus) == ["", "az", "de", "ru", "tr", "uk"]  # the default menu, then one per language
        for menu in menus.values():  # command names stay English; descriptions are translated
            assert [c["command"] for c in menu["commands"]] == [name for name, *_ in COMMANDS]
        assert menus[""]["commands"][0]["description"] == "get alerts for news matching a query"
        assert menus["ru"]["commands"][0]["description"] == "получать уведомления о новостях по запросу"

        api.push_message(USER, USER, '/subscribe "Caspian Sea"')
        reply = await wait_text(api, "Subscribed to")
        assert reply["parse_mode"] == "HTML" and reply["chat_id"] == USER
        assert service.subscriptions(ref()) == ['"Caspian Sea"']

        api.push_message(USER, USER, "/unsubscribe")
        menu = await wait_text(api, "Tap a subscription")
        api.push_callback(USER, USER, callback_data('"Caspian Sea"'), message_id=int(menu["message_id"]))  # type: ignore[call-overload]
        edit = await asyncio.to_thread(api.wait_for_call, "editMessageText")
        assert str(edit["text"]).startswith("Unsubscribed from")
        assert service.subscriptions(ref()) == []

        service.subscribe(ref(-500), "SOCAR")
        api.push_migration(-500, -100500)
        api.push_message(-100500, USER, "/list@newsbot_test_bot")
        listing = await wait_text(api, "Your subscriptions (1)")
        assert "SOCAR" in str(listing["text"])
    finally:
        await adapter.stop()
        await adapter.stop()  # idempotent


async def test_survives_a_failed_command_menu_and_a_bad_gateway_poll(
    api: FakeBotApi, service: NewsService
) -> None:
    api.fail_next("setMyCommands", 500, "Internal Server Error")
    api.fail_next("getUpdates", 502, "Bad Gateway")
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url)
    await adapter.start()
    try:
        api.push_message(USER, USER, "/pause")
        await wait_text(api, "Alerts paused")
        assert service.chat_state(ref()).paused
    finally:
        await adapter.stop()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside PTB
async def test_notifier_delivers_and_classifies_over_http(api: FakeBotApi, service: NewsService) -> None:
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url)
    await adapter.start()
    alert = Alert(
        chat=ref(), article_key="k", title="SOCAR & BP", url="https://example.com/a", source="Reuters",
        published=datetime(2026, 11, 25, 14, 5, tzinfo=UTC), matched=("socar",), bullets=("One.",),
        created=datetime(2026, 11, 25, 14, 6, tzinfo=UTC),
    )  # fmt: skip
    try:
        assert (await adapter.notifier.send(alert)).status is DeliveryStatus.SENT
        assert api.sent[-1]["text"].startswith("<b><u>SOCAR</u> &amp; BP</b>")
        assert api.sent[-1]["link_preview_options"] == {"is_disabled": True}
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        result = await adapter.notifier.send(alert)
        assert (result.status, result.retry_after) == (DeliveryStatus.RETRY, 7.0)
        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        assert (await adapter.notifier.send(alert)).status is DeliveryStatus.BLOCKED
    finally:
        await adapter.stop()


async def test_refused_token_is_a_config_error_without_the_token(
    api: FakeBotApi, service: NewsService
) -> None:
    api.reject_token = True
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url)
    with pytest.raises(ConfigError) as caught:
        await adapter.start()
    assert str(caught.value) == "Telegram refused the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN"
    assert TOKEN not in repr(caught.value)
    await adapter.stop()


async def test_unreachable_api_is_a_config_error(service: NewsService) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    adapter = TelegramAdapter(TOKEN, service, base_url=f"http://127.0.0.1:{port}/bot", startup_patience=0)
    with pytest.raises(ConfigError, match="Cannot reach the Telegram Bot API"):
        await adapter.start()
    await adapter.stop()


async def test_start_waits_for_a_bot_api_that_is_briefly_down(api: FakeBotApi, service: NewsService) -> None:
    api.fail_next("getMe", status=502, description="Bad Gateway", times=2)  # e.g. network not up yet
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url, startup_patience=10)
    try:
        await adapter.start()
        assert adapter.application.running
    finally:
        await adapter.stop()
