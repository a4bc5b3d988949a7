"""Issue 12 on Discord: a later report edits the first alert's embed; a message deleted since
(404 Unknown Message) is left alone, never retried, and the channel keeps its alerts.

Real discord.py HTTP against a loopback Discord, the real Dispatcher over a TinyDB outbox and `sent`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import discord
import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.models import Alert, SentAlert
from bot.ports import DeliveryStatus
from handlers.discord.client import make_client
from handlers.discord.notifier import DiscordNotifier
from storage import Store
from tests.discord.fakes import FakeDiscord
from tests.discord.test_notifier import MESSAGE
from tests.discord.test_render import make_alert
from tests.support.clock import FakeClock

FIRST_MESSAGE = "500000000000000005"
EDIT = f"/api/v10/channels/42/messages/{FIRST_MESSAGE}"
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}


@pytest.fixture
async def notifier(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordNotifier]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base + "/api/v10")
    client = make_client()
    await client.login("fake-token")
    yield DiscordNotifier(client)
    await client.close()


def _threaded(store: Store, clock: FakeClock) -> Alert:
    first = make_alert(event="k1", created=clock.now())
    assert store.sent is not None
    store.sent.record(SentAlert(first, FIRST_MESSAGE, clock.now()))
    return replace(first, article_key="k2", edit_of="k1", also=(("AP", "https://ap.example/2"),))


async def test_the_edit_adds_an_also_reported_by_field(
    fake_discord: FakeDiscord, notifier: DiscordNotifier, store: Store, clock: FakeClock
) -> None:
    fake_discord.on("PATCH", EDIT, 200, {**MESSAGE, "id": FIRST_MESSAGE})
    store.outbox.enqueue([_threaded(store, clock)])
    report = await Dispatcher(store.outbox, store.chats, [notifier], clock, sent=store.sent).drain()
    [edit] = fake_discord.sent("PATCH", EDIT)
    [field] = [f for f in edit.body["embeds"][0]["fields"] if f["name"].startswith("Also reported by")]
    assert "[AP](https://ap.example/2)" in field["value"]
    assert fake_discord.sent("POST", "/api/v10/channels/42/messages") == [] and report.sent == 1


async def test_an_unknown_message_is_left_alone_and_not_retried(
    fake_discord: FakeDiscord, notifier: DiscordNotifier, store: Store, clock: FakeClock
) -> None:
    fake_discord.on("PATCH", EDIT, 404, UNKNOWN_MESSAGE)
    later = _threaded(store, clock)
    assert (await notifier.edit(later, FIRST_MESSAGE)).status is DeliveryStatus.FAILED
    store.outbox.enqueue([later])
    dispatcher = Dispatcher(store.outbox, store.chats, [notifier], clock, sent=store.sent)
    report = await dispatcher.drain()
    assert store.outbox.pending() == [] and report.retried == 0 and report.blocked_chats == 0
    clock.advance(3600)
    await dispatcher.drain()
    assert len(fake_discord.sent("PATCH", EDIT)) == 2  # the direct call and the one drain
    assert fake_discord.sent("POST", "/api/v10/channels/42/messages") == []
    assert store.chats.get(later.chat).active  # a deleted message is not a gone channel
