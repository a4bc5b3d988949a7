"""The Discord adapter: a discord.py client with the slash commands and the alert notifier.

`start()` logs in (so a bad token fails fast), syncs the commands, then keeps the
gateway connection in a background task; alerts go out over HTTP as soon as the
login is done, whether or not the gateway is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection

import aiohttp
import discord
from discord import app_commands

from bot.errors import ConfigError
from bot.service import NewsService
from handlers.discord.client import make_client
from handlers.discord.commands import DiscordCommands
from handlers.discord.context import reply
from handlers.discord.languages import CatalogTranslator, language_check
from handlers.discord.notifier import DiscordNotifier
from handlers.discord.tree import register_commands
from handlers.i18n import t

log = logging.getLogger(__name__)


class DiscordAdapter:
    def __init__(
        self,
        token: str,
        service: NewsService,
        *,
        admin_guilds: Collection[int] | None = None,
        sync_commands: bool = True,
    ) -> None:
        self._token = token
        self.service = service
        self.client = make_client()
        self.tree = app_commands.CommandTree(self.client)
        self.tree.error(self._on_command_error)
        self.tree.interaction_check = language_check(service)  # type: ignore[method-assign]
        self.commands = DiscordCommands(service, admin_guilds=admin_guilds)
        register_commands(self.tree, self.commands)
        # button presses and direct messages: everything they need is in the event
        self.client.event(self.commands.on_interaction)
        self.client.event(self.commands.on_message)
        self.notifier = DiscordNotifier(self.client)
        self._sync_commands = sync_commands
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    async def start(self) -> None:
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            await self.client.close()
            raise ConfigError(
                "Discord refused the token in DISCORD_BOT_TOKEN: copy it again from the Developer Portal "
                "(Applications → your app → Bot → Reset Token)"
            ) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            await self.client.close()
            raise ConfigError(
                f"could not reach Discord to log in ({type(exc).__name__}); check the network"
            ) from None
        if self._sync_commands:
            try:
                await self.tree.set_translator(CatalogTranslator())  # descriptions in each user's language
                synced = await self.tree.sync()
                log.info("discord: %d slash commands synced", len(synced))
            except (
                discord.HTTPException,
                app_commands.TranslationError,
                aiohttp.ClientError,
                TimeoutError,
                OSError,
            ) as exc:
                # the bot still delivers alerts; only the command list may be stale
                log.error("discord: syncing slash commands failed: %s", type(exc).__name__)
        self._task = asyncio.create_task(self._connect(), name="discord-gateway")
        user = self.client.user
        log.info("discord: logged in as %s (id %s)", user, user.id if user else "?")

    async def _connect(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except Exception:  # e.g. the token was reset while running; alerts then retry until a restart
            log.exception("discord: the gateway connection ended")

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.NoPrivateMessage):
            text = t("This command works in a server only.")
        elif isinstance(error, app_commands.CheckFailure):  # e.g. default_permissions overridden
            text = t("You need the Manage Server permission for that.")
        else:
            log.error(
                "discord command /%s failed",
                interaction.command.name if interaction.command else "?",
                exc_info=error,
            )
            text = t("Something went wrong on our side; please try again later.")
        with contextlib.suppress(discord.HTTPException):
            await reply(interaction, text, ephemeral=True)
