"""Edges we do not own, faked: Discord's HTTP API on loopback, and interactions."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord
from aiohttp import web

BOT_USER = {
    "id": "900000000000000001",
    "username": "newsbot",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}
APPLICATION = {
    "id": "900000000000000002",
    "name": "newsbot",
    "icon": None,
    "description": "",
    "bot_public": True,
    "bot_require_code_grant": False,
    "verify_key": "0" * 64,
    "flags": 0,
    "owner": {**BOT_USER, "id": "900000000000000003", "username": "owner", "bot": False},
}

# A message as Discord returns it from a send (the bot's own, in channel 42).
MESSAGE = {
    "id": "1",
    "channel_id": "42",
    "type": 0,
    "content": "",
    "author": BOT_USER,
    "embeds": [],
    "attachments": [],
    "mentions": [],
    "mention_roles": [],
    "pinned": False,
    "mention_everyone": False,
    "tts": False,
    "timestamp": "2026-03-02T09:30:00+00:00",
    "edited_timestamp": None,
    "flags": 0,
    "components": [],
}


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscord:
    """A loopback stand-in for discord.com: scripted replies per (method, path), every request recorded."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._script: dict[tuple[str, str], deque[Reply]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.on("GET", "/api/v10/users/@me", 200, BOT_USER)
        self.on("GET", "/api/v10/oauth2/applications/@me", 200, APPLICATION)

    def on(
        self, method: str, path: str, status: int, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        """Queue a reply; the last queued reply for a route repeats."""
        self._script[(method, path)].append(Reply(status, body, headers or {}))

    def reset(self, method: str, path: str) -> None:
        self._script.pop((method, path), None)

    def sent(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        self.requests.append(Recorded(request.method, request.path, body, dict(request.headers)))
        queue = self._script.get((request.method, request.path))
        if not queue:
            reply = Reply(404, {"message": "Unknown route", "code": 0})
        else:
            reply = queue.popleft() if len(queue) > 1 else queue[0]
        if reply.status == 204:
            return web.Response(status=204, headers=reply.headers)
        headers = {"Content-Type": "application/json", **reply.headers}
        return web.Response(status=reply.status, body=json.dumps(reply.body).encode(), headers=headers)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class FakeResponse:
    """Stands in for discord.InteractionResponse: records what the bot answered."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.deferred: dict[str, Any] | None = None

    def is_done(self) -> bool:
        return bool(self.messages) or self.deferred is not None

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        assert not self.is_done(), "an interaction can be answered once"
        self.messages.append({"content": content, **kwargs})

    async def defer(self, **kwargs: Any) -> None:
        assert not self.is_done()
        self.deferred = kwargs


class FakeFollowup:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        self.messages.append({"content": content, **kwargs})


class FakeThread(discord.Thread):
    """Passes `isinstance(channel, discord.Thread)`; only its id is read."""

    def __init__(self, ident: int) -> None:  # a real Thread needs a guild and a gateway payload
        self.id = ident


class FakeInteraction:
    """What our callbacks read from a discord.Interaction, nothing more."""

    def __init__(
        self,
        *,
        user_id: int = 111,
        guild_id: int | None = 555,
        channel_id: int = 777,
        manage_guild: bool = False,
        manage_channels: bool = True,
        in_thread: bool = False,
        bot_permissions: discord.Permissions | None = None,
        namespace: dict[str, Any] | None = None,
    ) -> None:
        self.user = SimpleNamespace(id=user_id, name=f"user{user_id}")
        self.guild_id = guild_id
        self.guild = SimpleNamespace(id=guild_id) if guild_id is not None else None
        self.channel_id = channel_id
        self.channel = FakeThread(channel_id) if in_thread else SimpleNamespace(id=channel_id)
        self.permissions = (
            discord.Permissions(manage_guild=manage_guild, manage_channels=manage_channels)
            if guild_id
            else discord.Permissions.none()
        )
        default_bot = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
        self.app_permissions = bot_permissions if bot_permissions is not None else default_bot
        self.namespace = SimpleNamespace(**(namespace or {}))
        self.command = None
        self.response = FakeResponse()
        self.followup = FakeFollowup()

    @property
    def answers(self) -> list[dict[str, Any]]:
        return self.response.messages + self.followup.messages

    @property
    def text(self) -> str:
        assert len(self.answers) == 1, self.answers
        return self.answers[0].get("content") or ""
