"""DiscordNotifier: real discord.py HTTP against a loopback Discord, and error classification."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.alerts.digest import digest_alert
from bot.models import ChatRef
from bot.ports import DeliveryStatus
from handlers.discord.client import make_client
from handlers.discord.digest import digest_messages
from handlers.discord.notifier import DiscordNotifier, classify_error
from tests.discord.fakes import BOT_USER, MESSAGE, FakeDiscord
from tests.discord.test_digest_render import digest
from tests.discord.test_render import make_alert

CHANNEL_MESSAGES = "/api/v10/channels/42/messages"
USER_ID = "300000000000000003"
DM_CHANNEL = {
    "id": "400000000000000004",
    "type": 1,
    "recipients": [{**BOT_USER, "id": USER_ID, "bot": False}],
}


@pytest.fixture
async def notifier(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordNotifier]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base + "/api/v10")
    client = make_client()
    await client.login("fake-token")
    yield DiscordNotifier(client)
    await client.close()


async def test_channel_alert_is_one_embed_with_no_mentions(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", CHANNEL_MESSAGES, 200, MESSAGE)
    result = await notifier.send(make_alert(title="@here SOCAR"))
    assert result.status is DeliveryStatus.SENT
    [request] = fake_discord.sent("POST", CHANNEL_MESSAGES)
    assert request.body["allowed_mentions"] == {"parse": []}
    [embed] = request.body["embeds"]
    assert embed["title"] == "@\u200bhere SOCAR"
    assert embed["fields"][0]["value"] == "socar\nin the title: **SOCAR**"
    assert request.headers["Authorization"] == "Bot fake-token"


async def test_dm_alert_opens_the_dm_channel_once(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", "/api/v10/users/@me/channels", 200, DM_CHANNEL)
    fake_discord.on("POST", f"/api/v10/channels/{DM_CHANNEL['id']}/messages", 200, MESSAGE)
    alert = make_alert(chat=ChatRef("discord-dm", USER_ID))
    assert (await notifier.send(alert)).status is DeliveryStatus.SENT
    assert (await notifier.send(alert)).status is DeliveryStatus.SENT
    assert [r.body for r in fake_discord.sent("POST", "/api/v10/users/@me/channels")] == [
        {"recipient_id": int(USER_ID)}
    ]
    assert len(fake_discord.sent("POST", f"/api/v10/channels/{DM_CHANNEL['id']}/messages")) == 2


async def test_missing_permission_or_deleted_channel_blocks(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", CHANNEL_MESSAGES, 403, {"message": "Missing Permissions", "code": 50013})
    assert (await notifier.send(make_alert())).status is DeliveryStatus.BLOCKED
    fake_discord.reset("POST", CHANNEL_MESSAGES)
    fake_discord.on("POST", CHANNEL_MESSAGES, 404, {"message": "Unknown Channel", "code": 10003})
    assert (await notifier.send(make_alert())).status is DeliveryStatus.BLOCKED


async def test_user_who_cannot_be_messaged_is_blocked(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", "/api/v10/users/@me/channels", 200, DM_CHANNEL)
    fake_discord.on(
        "POST",
        f"/api/v10/channels/{DM_CHANNEL['id']}/messages",
        403,
        {"message": "Cannot send messages to this user", "code": 50007},
    )
    result = await notifier.send(make_alert(chat=ChatRef("discord-dm", USER_ID)))
    assert result.status is DeliveryStatus.BLOCKED


async def test_long_rate_limit_is_handed_back_to_the_outbox(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    body = {"message": "You are being rate limited.", "retry_after": 120.0, "global": False}
    fake_discord.on("POST", CHANNEL_MESSAGES, 429, body, headers={"Via": "1.1 google", "Retry-After": "120"})
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.RETRY and result.retry_after == 120.0


async def test_rejected_embed_asks_for_plain_resend(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", CHANNEL_MESSAGES, 400, {"message": "Invalid Form Body", "code": 50035})
    assert (await notifier.send(make_alert())).status is DeliveryStatus.MARKUP_REJECTED
    fake_discord.reset("POST", CHANNEL_MESSAGES)
    fake_discord.on("POST", CHANNEL_MESSAGES, 200, MESSAGE)
    assert (await notifier.send(make_alert(plain=True))).status is DeliveryStatus.SENT
    request = fake_discord.sent("POST", CHANNEL_MESSAGES)[-1]
    assert "embeds" not in request.body and request.body["content"].startswith("SOCAR signs Caspian deal")


async def test_bad_chat_id_blocks_and_not_logged_in_retries(notifier: DiscordNotifier) -> None:
    assert (
        await notifier.send(make_alert(chat=ChatRef("discord", "general")))
    ).status is DeliveryStatus.BLOCKED
    fresh = DiscordNotifier(make_client())
    assert (await fresh.send(make_alert())).status is DeliveryStatus.RETRY


def http_error(
    cls: type[discord.HTTPException], status: int, code: int = 0, headers: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    response = SimpleNamespace(status=status, reason="x", headers=headers or {})
    return cls(response, {"message": "m", "code": code})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "status", "retry_after"),
    [
        (http_error(discord.Forbidden, 403, 50013), DeliveryStatus.BLOCKED, None),
        (http_error(discord.NotFound, 404, 10013), DeliveryStatus.BLOCKED, None),
        (http_error(discord.HTTPException, 429, headers={"Retry-After": "3"}), DeliveryStatus.RETRY, 3.0),
        (http_error(discord.HTTPException, 429), DeliveryStatus.RETRY, None),
        (discord.RateLimited(45.0), DeliveryStatus.RETRY, 45.0),
        (http_error(discord.DiscordServerError, 503), DeliveryStatus.RETRY, None),
        (http_error(discord.HTTPException, 401), DeliveryStatus.RETRY, None),
        (http_error(discord.HTTPException, 400, 50035), DeliveryStatus.MARKUP_REJECTED, None),
        (http_error(discord.HTTPException, 400, 50006), DeliveryStatus.FAILED, None),
        (http_error(discord.HTTPException, 413), DeliveryStatus.FAILED, None),
        (TimeoutError(), DeliveryStatus.RETRY, None),
        (aiohttp.ServerDisconnectedError(), DeliveryStatus.RETRY, None),
        (ConnectionResetError(), DeliveryStatus.RETRY, None),
    ],
)
def test_classification(exc: BaseException, status: DeliveryStatus, retry_after: float | None) -> None:
    result = classify_error(exc, make_alert())
    assert result.status is status
    assert result.retry_after == retry_after


def test_rejected_plain_text_is_dropped_not_resent_forever() -> None:
    exc = http_error(discord.HTTPException, 400, 50035)
    assert classify_error(exc, make_alert(plain=True)).status is DeliveryStatus.FAILED


async def test_a_digest_in_parts_reports_each_part_out_and_resumes_after_them(
    fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    fake_discord.on("POST", CHANNEL_MESSAGES, 200, MESSAGE)
    alert = digest_alert(ChatRef("discord", "42"), digest(25))
    contents = [m["content"] for m in digest_messages(alert.digest)]  # type: ignore[arg-type]
    assert len(contents) >= 3
    out: list[int] = []
    assert (await notifier.send(alert, progress=out.append)).status is DeliveryStatus.SENT
    assert out == list(range(1, len(contents)))
    assert (await notifier.send(replace(alert, parts_sent=2))).status is DeliveryStatus.SENT
    posted = [r.body["content"] for r in fake_discord.sent("POST", CHANNEL_MESSAGES)]
    assert posted == contents + contents[2:]
