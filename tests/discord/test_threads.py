"""Discord: a subscription made in a thread alerts into that thread; channel alerts need Manage
Channels; a story's picture is the embed's image."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import discord
import pytest

from bot.models import ChatRef
from bot.ports import DeliveryStatus
from bot.service import NewsService
from handlers.discord.client import make_client
from handlers.discord.commands import DiscordCommands
from handlers.discord.notifier import DiscordNotifier
from handlers.discord.render import alert_embed
from storage import Store
from tests.discord.fakes import FakeDiscord, FakeInteraction
from tests.discord.test_notifier import MESSAGE
from tests.discord.test_render import make_alert
from tests.support.clock import FakeClock
from tests.support.services import build_service

THREAD_ID = 888000000000000001


@pytest.fixture
def service(store: Store) -> NewsService:
    return build_service(store, FakeClock())


@pytest.fixture
async def notifier(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordNotifier]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base + "/api/v10")
    client = make_client()
    await client.login("fake-token")
    yield DiscordNotifier(client)
    await client.close()


async def test_a_thread_subscription_alerts_into_the_thread(
    service: NewsService, fake_discord: FakeDiscord, notifier: DiscordNotifier
) -> None:
    it = FakeInteraction(channel_id=THREAD_ID, in_thread=True, bot_permissions=discord.Permissions(
        view_channel=True, send_messages_in_threads=True, embed_links=True))  # fmt: skip
    await DiscordCommands(service).subscribe_command(it, "SOCAR")  # type: ignore[arg-type]
    assert "Subscribed to **SOCAR**" in it.text
    thread = ChatRef("discord", str(THREAD_ID))
    assert service.subscriptions(thread) == ["SOCAR"]
    path = f"/api/v10/channels/{THREAD_ID}/messages"
    fake_discord.on("POST", path, 200, {**MESSAGE, "channel_id": str(THREAD_ID)})
    result = await notifier.send(replace(make_alert(), chat=thread))
    assert result.status is DeliveryStatus.SENT and len(fake_discord.sent("POST", path)) == 1


async def test_a_thread_without_send_in_threads_is_refused(service: NewsService) -> None:
    it = FakeInteraction(channel_id=THREAD_ID, in_thread=True, bot_permissions=discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True))  # fmt: skip
    await DiscordCommands(service).subscribe_command(it, "SOCAR")  # type: ignore[arg-type]
    assert "Send Messages" in it.text and service.subscriptions(ChatRef("discord", str(THREAD_ID))) == []


async def test_channel_alerts_need_manage_channels_but_dms_do_not(service: NewsService) -> None:
    commands = DiscordCommands(service)
    for call in (
        commands.subscribe_command(FakeInteraction(manage_channels=False), "SOCAR"),  # type: ignore[arg-type]
        commands.pause_command(FakeInteraction(manage_channels=False)),  # type: ignore[arg-type]
    ):
        await call
    assert service.subscriptions(ChatRef("discord", "777")) == []
    assert not service.chat_state(ChatRef("discord", "777")).paused
    it = FakeInteraction(manage_channels=False)
    await commands.unsubscribe_command(it, "SOCAR")  # type: ignore[arg-type]
    assert "Manage Channels" in it.text and it.answers[0]["ephemeral"]
    mine = FakeInteraction(manage_channels=False)
    await commands.subscribe_command(mine, "SOCAR", "dm")  # type: ignore[arg-type]
    assert service.subscriptions(ChatRef("discord-dm", "111")) == ["SOCAR"]


async def test_open_groups_let_anyone_change_channel_alerts(store: Store) -> None:
    service = build_service(store, FakeClock(), open_groups=True)
    await DiscordCommands(service).subscribe_command(FakeInteraction(manage_channels=False), "SOCAR")  # type: ignore[arg-type]
    assert service.subscriptions(ChatRef("discord", "777")) == ["SOCAR"]


def test_the_story_picture_is_the_embed_image() -> None:
    embed = alert_embed(replace(make_alert(), image="https://img.example/a.jpg"))
    assert embed["image"] == {"url": "https://img.example/a.jpg"}
    assert "image" not in alert_embed(replace(make_alert(), image="javascript:alert(1)"))
    assert "image" not in alert_embed(make_alert())


class FakeAttachment:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    async def read(self) -> bytes:
        return self.data


async def test_import_an_attachment_and_export_a_file(store: Store) -> None:
    from handlers.discord.feed_files import DiscordFeedFiles

    service = build_service(store, FakeClock())  # no fetcher: every feed is refused with its reason
    files = DiscordFeedFiles(DiscordCommands(service))
    refused = FakeInteraction()
    await files.import_command(refused, FakeAttachment(b"https://a.example/rss\n"))  # type: ignore[arg-type]
    assert "Manage Server" in refused.text
    it = FakeInteraction(manage_guild=True)
    await files.import_command(it, FakeAttachment(b"https://a.example/rss\nftp://b.example/\n"))  # type: ignore[arg-type]
    assert it.response.deferred is not None
    assert (
        "Import: 0 added, 0 already there, 2 refused." in it.text
        and "cannot be added in this mode" in it.text
    )
    out = FakeInteraction()
    await files.export_command(out)  # type: ignore[arg-type]
    [sent] = out.answers
    assert sent["file"].filename == "newsbot-sources.opml" and sent["ephemeral"]


async def test_images_off_for_a_channel(store: Store) -> None:
    from handlers.discord.feed_files import DiscordFeedFiles

    service = build_service(store, FakeClock())
    files = DiscordFeedFiles(DiscordCommands(service))
    await files.images_command(FakeInteraction(manage_channels=False), "off")  # type: ignore[arg-type]
    assert service.chat_state(ChatRef("discord", "777")).images
    it = FakeInteraction()
    await files.images_command(it, "off")  # type: ignore[arg-type]
    assert "text only" in it.text and not service.chat_state(ChatRef("discord", "777")).images
