"""Webhook delivery against a loopback stand-in for Discord's webhook endpoint."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx

from bot.delivery.dispatcher import Dispatcher
from bot.models import ChatRef
from bot.ports import DeliveryStatus
from handlers.discord.webhook import WebhookNotifier
from storage import open_store
from tests.discord.fakes import FakeDiscord
from tests.discord.test_render import WHEN, make_alert
from tests.support.clock import FakeClock

HOOK = "/api/webhooks/123/secret-token"


def alert_for(name: str = "desk", **kw: object):  # type: ignore[no-untyped-def]
    return make_alert(chat=ChatRef("webhook", name), **kw)


async def send(fake: FakeDiscord, alert=None, **kw: object):  # type: ignore[no-untyped-def]
    notifier = WebhookNotifier({"desk": fake.base + HOOK}, **kw)  # type: ignore[arg-type]
    try:
        return await notifier.send(alert or alert_for())
    finally:
        await notifier.aclose()


async def test_posts_one_embed_with_mentions_disabled(fake_discord: FakeDiscord) -> None:
    fake_discord.on("POST", HOOK, 200, {"id": "1"})
    result = await send(fake_discord, alert_for(title="@everyone look"))
    assert result.status is DeliveryStatus.SENT
    [request] = fake_discord.sent("POST", HOOK)
    assert request.body["allowed_mentions"] == {"parse": []}
    [embed] = request.body["embeds"]
    assert embed["title"] == "@\u200beveryone look"
    assert embed["url"] == "https://example.com/news/1"
    assert "content" not in request.body


async def test_plain_alert_is_sent_as_content(fake_discord: FakeDiscord) -> None:
    fake_discord.on("POST", HOOK, 204)
    result = await send(fake_discord, alert_for(plain=True))
    assert result.status is DeliveryStatus.SENT
    [request] = fake_discord.sent("POST", HOOK)
    assert "embeds" not in request.body and "SOCAR signs Caspian deal" in request.body["content"]


async def test_429_is_retried_after_the_time_discord_asks(fake_discord: FakeDiscord) -> None:
    fake_discord.on(
        "POST", HOOK, 429, {"message": "You are being rate limited.", "retry_after": 2.5, "global": False}
    )
    result = await send(fake_discord)
    assert result.status is DeliveryStatus.RETRY and result.retry_after == 2.5


async def test_429_retry_after_header_is_the_fallback(fake_discord: FakeDiscord) -> None:
    fake_discord.on("POST", HOOK, 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    result = await send(fake_discord)
    assert result.status is DeliveryStatus.RETRY and result.retry_after == 7.0


async def test_deleted_or_revoked_webhook_blocks_the_target(fake_discord: FakeDiscord) -> None:
    fake_discord.on("POST", HOOK, 404, {"message": "Unknown Webhook", "code": 10015})
    assert (await send(fake_discord)).status is DeliveryStatus.BLOCKED
    fake_discord.reset("POST", HOOK)
    fake_discord.on("POST", HOOK, 401, {"message": "Invalid Webhook Token", "code": 50027})
    assert (await send(fake_discord)).status is DeliveryStatus.BLOCKED


async def test_server_errors_retry_and_bad_requests_fail(fake_discord: FakeDiscord) -> None:
    fake_discord.on("POST", HOOK, 502, {"message": "Bad Gateway"})
    assert (await send(fake_discord)).status is DeliveryStatus.RETRY
    fake_discord.reset("POST", HOOK)
    fake_discord.on("POST", HOOK, 400, {"message": "Invalid Form Body", "code": 50035})
    assert (await send(fake_discord)).status is DeliveryStatus.MARKUP_REJECTED
    assert (await send(fake_discord, alert_for(plain=True))).status is DeliveryStatus.FAILED
    fake_discord.reset("POST", HOOK)
    fake_discord.on("POST", HOOK, 413, "too large")
    assert (await send(fake_discord)).status is DeliveryStatus.FAILED


async def test_unknown_target_is_blocked_without_a_request(fake_discord: FakeDiscord) -> None:
    result = await send(fake_discord, alert_for("gone"))
    assert result.status is DeliveryStatus.BLOCKED
    assert fake_discord.requests == []


async def test_connection_refused_retries_and_the_detail_hides_the_url() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notifier = WebhookNotifier({"desk": f"http://127.0.0.1:{port}{HOOK}"})
    result = await notifier.send(alert_for())
    await notifier.aclose()
    assert result.status is DeliveryStatus.RETRY
    assert "secret-token" not in result.detail


async def test_timeout_retries() -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()  # never answers within the client's timeout
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = httpx.AsyncClient(timeout=0.2)
    try:
        notifier = WebhookNotifier({"desk": f"http://127.0.0.1:{port}{HOOK}"}, client=client)
        result = await notifier.send(alert_for())
    finally:
        await client.aclose()
        release.set()
        server.close()
        await server.wait_closed()
        await asyncio.sleep(0.01)  # let the handler close its side
    assert result.status is DeliveryStatus.RETRY and result.detail == "timeout"


async def test_outbox_alert_reaches_the_webhook_through_the_dispatcher(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "db.json")
    clock = FakeClock(WHEN)
    notifier = WebhookNotifier({"desk": fake_discord.base + HOOK})
    fake_discord.on("POST", HOOK, 404, {"message": "Unknown Webhook", "code": 10015})
    try:
        store.outbox.enqueue([alert_for(article_key="a1"), alert_for(article_key="a2")])
        report = await Dispatcher(store.outbox, store.chats, [notifier], clock).drain()
        # the first answer says the webhook is gone: the target is marked inactive, its alerts dropped
        assert (report.sent, report.blocked_chats) == (0, 1)
        assert not store.chats.get(ChatRef("webhook", "desk")).active
        assert store.outbox.pending() == []
    finally:
        await notifier.aclose()
        store.close()
