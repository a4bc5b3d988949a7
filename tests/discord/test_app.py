"""The adapter: declared slash commands, login against a loopback Discord, stop."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.errors import ConfigError
from bot.service import NewsService
from handlers.discord.app import DiscordAdapter
from storage import Store
from tests.discord.fakes import APPLICATION, FakeDiscord, FakeInteraction
from tests.support.clock import FakeClock
from tests.support.services import build_service

COMMANDS_PATH = f"/api/v10/applications/{APPLICATION['id']}/commands"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"


@pytest.fixture
def service(store: Store, clock: FakeClock) -> NewsService:
    return build_service(store, clock)


@pytest.fixture
def loopback(fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base + "/api/v10")
    return fake_discord


def test_slash_commands_as_discord_sees_them(service: NewsService) -> None:
    adapter = DiscordAdapter(TOKEN, service)
    payload = {c.name: c.to_dict(adapter.tree) for c in adapter.tree.get_commands()}
    user_commands = {"subscribe", "unsubscribe", "list", "latest", "pause", "resume", "sources", "help"}
    user_commands |= {"export", "images", "language"}
    user_commands |= {"digest", "timezone", "quiet", "snooze"}  # issue 11: same names as in Telegram
    assert set(payload) == user_commands | {"addsource", "removesource", "import", "stats"}
    options = {o["name"]: o for o in payload["subscribe"]["options"]}
    assert options["query"]["required"] and not options["deliver_to"]["required"]
    assert [c["value"] for c in options["deliver_to"]["choices"]] == ["channel", "dm"]
    assert payload["unsubscribe"]["options"][0]["autocomplete"]
    manage_guild = discord.Permissions(manage_guild=True).value
    for admin in ("addsource", "removesource", "import", "stats"):
        assert int(payload[admin]["default_member_permissions"]) == manage_guild
        assert payload[admin]["contexts"] == [0]  # guild only
    assert payload["subscribe"]["default_member_permissions"] is None


async def test_rejected_token_is_a_config_error_without_the_token(
    loopback: FakeDiscord, service: NewsService
) -> None:
    loopback.reset("GET", "/api/v10/users/@me")
    loopback.on("GET", "/api/v10/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    adapter = DiscordAdapter(TOKEN, service)
    with pytest.raises(ConfigError, match="Discord refused the token") as caught:
        await adapter.start()
    assert TOKEN not in str(caught.value)
    await adapter.stop()


async def test_start_syncs_commands_and_stop_is_idempotent(
    loopback: FakeDiscord, service: NewsService
) -> None:
    loopback.on("PUT", COMMANDS_PATH, 200, [])
    adapter = DiscordAdapter(TOKEN, service)
    await adapter.start()
    [put] = loopback.sent("PUT", COMMANDS_PATH)
    assert "subscribe" in {c["name"] for c in put.body}
    assert adapter.notifier.client.http.token == TOKEN  # alerts can go out over HTTP now
    await adapter.stop()
    await adapter.stop()
    assert adapter.client.is_closed()


async def test_unreachable_discord_is_a_clean_error(
    service: NewsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")  # discard port: refused
    adapter = DiscordAdapter(TOKEN, service)
    with pytest.raises(ConfigError, match="could not reach Discord"):
        await adapter.start()
    await adapter.stop()


async def test_command_failures_get_a_short_private_answer(service: NewsService) -> None:
    adapter = DiscordAdapter(TOKEN, service)
    crashed, in_dm = FakeInteraction(), FakeInteraction(guild_id=None)
    await adapter._on_command_error(crashed, app_commands.AppCommandError("boom"))  # type: ignore[arg-type]
    await adapter._on_command_error(in_dm, app_commands.NoPrivateMessage())  # type: ignore[arg-type]
    assert (
        crashed.answers[0]["content"].startswith("Something went wrong") and crashed.answers[0]["ephemeral"]
    )
    assert in_dm.answers[0]["content"] == "This command works in a server only."
