"""The real Discord adapter, logged in against FakeDiscord, fed events as the gateway delivers
them (INTERACTION_CREATE, MESSAGE_CREATE); what it answers is read from the HTTP edge."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import discord

from handlers.discord.app import DiscordAdapter
from tests.discord.fakes import APPLICATION, BOT_USER, MESSAGE, FakeDiscord, Recorded

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"
SLASH, COMPONENT = 2, 3
MANAGE_CHANNELS = discord.Permissions(manage_channels=True, send_messages=True, view_channel=True).value
MEMBER = discord.Permissions(send_messages=True, view_channel=True).value
BOT_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True).value
_ids = itertools.count(1_300_000_000_000_000_000)


def user(user_id: int) -> dict[str, Any]:
    return {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "avatar": None}


def slash(name: str, **options: str) -> dict[str, Any]:
    listed = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
    return {"id": str(next(_ids)), "name": name, "type": 1, "options": listed}


def press(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "component_type": 2}


def message(channel_id: int, content: str, author: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ident, channel = str(next(_ids)), str(channel_id)
    return {**MESSAGE, "id": ident, "channel_id": channel, "content": content, "author": author, **extra}


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int = 111,
    guild_id: int | None = 555,
    channel_id: int = 777,
    permissions: int = MANAGE_CHANNELS,
    locale: str = "en-US",
) -> dict[str, Any]:
    ident = next(_ids)
    who = user(user_id)
    payload: dict[str, Any] = {
        "id": str(ident),
        "application_id": APPLICATION["id"],
        "type": kind,
        "token": f"interaction-token-{ident}",
        "version": 1,
        "data": data,
        "channel_id": str(channel_id),
        "app_permissions": str(BOT_PERMISSIONS),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": 8_388_608,
        "authorizing_integration_owners": {},
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["channel"] = {"id": str(channel_id), "type": 0, "name": "news", "position": 0}
        payload["member"] = {
            "user": who,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }
    else:
        payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [who]}
        payload["user"] = who
    if kind == COMPONENT:  # a press comes with the message its button is on
        payload["message"] = message(channel_id, "", BOT_USER, flags=64)
    return payload


class LiveDiscord:
    def __init__(self, fake: FakeDiscord, adapter: DiscordAdapter) -> None:
        self.fake = fake
        self.adapter = adapter

    async def start(self) -> None:
        await self.adapter.client.login(TOKEN)  # HTTP only: events come from the tests, not a gateway

    async def answer(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver an interaction; the body of the bot's answer to it (its callback)."""
        path = f"/api/v10/interactions/{payload['id']}/{payload['token']}/callback"
        self.fake.on("POST", path, 200, {"interaction": {"id": payload["id"], "type": payload["type"]}})
        self.adapter.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        [answered] = await self.wait_for("POST", path)
        return answered.body

    async def dm(self, channel_id: int, content: str, user_id: int = 111) -> dict[str, Any]:
        """A direct message from the user; the body of the bot's reply in that channel."""
        path = f"/api/v10/channels/{channel_id}/messages"
        before = len(self.fake.sent("POST", path))
        self.fake.on("POST", path, 200, message(channel_id, "", BOT_USER))
        self.adapter.client._connection.parse_message_create(message(channel_id, content, user(user_id)))  # type: ignore[arg-type]
        return (await self.wait_for("POST", path, before + 1))[-1].body

    async def wait_for(self, method: str, path: str, count: int = 1) -> list[Recorded]:
        for _ in range(1000):  # the bot answers from its own tasks; give them their turn
            found = self.fake.sent(method, path)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(f"no {method} {path}; got {[(r.method, r.path) for r in self.fake.requests]}")
