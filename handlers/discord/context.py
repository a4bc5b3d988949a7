"""What every slash command needs: where alerts go, how to answer, refusals shown to the asker."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Concatenate, ParamSpec

import discord

from bot.errors import NewsbotError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.discord.render import MESSAGE_MAX, truncate
from handlers.i18n import t, tr

P = ParamSpec("P")
NONE = discord.AllowedMentions.none()


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    kwargs: dict[str, Any] = {"ephemeral": ephemeral, "allowed_mentions": NONE}
    if embeds:
        kwargs["embeds"] = list(embeds)
    if view is not None:
        kwargs["view"] = view
    if content is not None:
        kwargs["content"] = truncate(content, MESSAGE_MAX)
    if interaction.response.is_done():  # deferred: the answer is a follow-up
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def shows_domain_errors(
    func: Callable[Concatenate[Any, discord.Interaction, P], Awaitable[None]],
) -> Callable[Concatenate[Any, discord.Interaction, P], Awaitable[None]]:
    """A refusal from the core is shown to the asker only, as its message."""

    @functools.wraps(func)
    async def wrapper(self: Any, interaction: discord.Interaction, *args: P.args, **kw: P.kwargs) -> None:
        try:
            await func(self, interaction, *args, **kw)
        except NewsbotError as exc:
            await reply(interaction, tr(exc), ephemeral=True)

    return wrapper


class CommandContext:
    """Who and where: the chat an interaction's alerts go to, and whether we may post there."""

    service: NewsService

    def target(self, interaction: discord.Interaction, deliver_to: str | None) -> ChatRef:
        """The channel in a server unless the user asks for DMs; outside a server, always DMs."""
        if deliver_to == "dm" or interaction.guild_id is None:
            return ChatRef(DIRECT, str(interaction.user.id))
        return ChatRef(CHANNEL, str(interaction.channel_id))

    @staticmethod
    def where(chat: ChatRef) -> str:
        return t("this channel") if chat.platform == CHANNEL else t("your direct messages")

    @staticmethod
    def cannot_post_here(interaction: discord.Interaction) -> str | None:
        perms = interaction.app_permissions
        in_thread = isinstance(interaction.channel, discord.Thread)
        can_send = perms.send_messages_in_threads if in_thread else perms.send_messages
        missing = [  # Discord's own names of the permissions, as its settings show them in English
            name
            for name, ok in (
                ("View Channel", perms.view_channel),
                ("Send Messages", can_send),
                ("Embed Links", perms.embed_links),
            )
            if not ok
        ]
        if not missing:
            return None
        return t(
            "I can't post alerts in this channel: I need {permissions} here. "
            "Ask a server manager to grant them, or use deliver_to: direct messages.",
            permissions=", ".join(missing),
        )
