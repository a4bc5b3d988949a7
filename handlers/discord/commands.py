"""Slash command callbacks: parse options, call one service method, render, respond.

Each callback takes the interaction and already-parsed options, so tests drive them
with a small fake interaction; `handlers.discord.tree` binds them to slash commands.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, Concatenate, ParamSpec

import discord
from discord import app_commands

from bot.errors import NewsbotError, SubscriptionError
from bot.models import ChatRef
from bot.service import NewsService
from bot.sources_service import Actor
from bot.text.tokens import fold
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.discord.render import MESSAGE_MAX, bullet_list, escape, latest_embeds, truncate
from handlers.discord.sources_view import sources_embed

P = ParamSpec("P")
CHOICE_MAX = 100  # autocomplete choice name and value
CHOICES_MAX = 25
NONE = discord.AllowedMentions.none()

HELP = (
    "**newsbot** sends news alerts for your keywords.\n"
    '`/subscribe query` — e.g. `SOCAR`, `"Caspian Sea"`, `Gazprom OR Rosneft`, `oil -palm`, `pipelin*`\n'
    "  `deliver_to`: this channel (default in a server) or your direct messages\n"
    "`/unsubscribe` · `/list` · `/latest [query]` · `/pause` · `/resume` · `/sources`\n"
    "Server managers: `/addsource url [name]` · `/removesource source`"
)


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    ephemeral: bool = False,
) -> None:
    kwargs: dict[str, Any] = {"ephemeral": ephemeral, "allowed_mentions": NONE}
    if embeds:
        kwargs["embeds"] = list(embeds)
    if content is not None:
        kwargs["content"] = truncate(content, MESSAGE_MAX)
    if interaction.response.is_done():  # deferred: the answer is a follow-up
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def shows_domain_errors(
    func: Callable[Concatenate[DiscordCommands, discord.Interaction, P], Awaitable[None]],
) -> Callable[Concatenate[DiscordCommands, discord.Interaction, P], Awaitable[None]]:
    """A refusal from the core is shown to the asker only, as its message."""

    @functools.wraps(func)
    async def wrapper(
        self: DiscordCommands, interaction: discord.Interaction, *args: P.args, **kw: P.kwargs
    ) -> None:
        try:
            await func(self, interaction, *args, **kw)
        except NewsbotError as exc:
            await reply(interaction, str(exc), ephemeral=True)

    return wrapper


class DiscordCommands:
    def __init__(self, service: NewsService, *, admin_guilds: Collection[int] | None = None) -> None:
        self.service = service
        self.admin_guilds = frozenset(admin_guilds) if admin_guilds is not None else None

    # who and where ---------------------------------------------------------------------------

    def target(self, interaction: discord.Interaction, deliver_to: str | None) -> ChatRef:
        """The channel in a server unless the user asks for DMs; outside a server, always DMs."""
        if deliver_to == "dm" or interaction.guild_id is None:
            return ChatRef(DIRECT, str(interaction.user.id))
        return ChatRef(CHANNEL, str(interaction.channel_id))

    def actor(self, interaction: discord.Interaction) -> Actor:
        guild = interaction.guild_id
        elevated = (
            guild is not None
            and interaction.permissions.manage_guild
            and (self.admin_guilds is None or guild in self.admin_guilds)
        )
        return Actor("discord", str(interaction.user.id), elevated=bool(elevated))

    @staticmethod
    def where(chat: ChatRef) -> str:
        return "this channel" if chat.platform == CHANNEL else "your direct messages"

    @staticmethod
    def cannot_post_here(interaction: discord.Interaction) -> str | None:
        perms = interaction.app_permissions
        in_thread = isinstance(interaction.channel, discord.Thread)
        can_send = perms.send_messages_in_threads if in_thread else perms.send_messages
        missing = [
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
        return (
            f"I can't post alerts in this channel: I need {', '.join(missing)} here. "
            "Ask a server manager to grant them, or use deliver_to: direct messages."
        )

    # subscriptions ---------------------------------------------------------------------------

    @shows_domain_errors
    async def subscribe_command(
        self, interaction: discord.Interaction, query: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        if chat.platform == CHANNEL and (problem := self.cannot_post_here(interaction)):
            raise SubscriptionError(problem)
        result = self.service.subscribe(chat, query)
        # a channel or user we had stopped sending to (lost permission, closed DMs) is asking again
        self.service.reactivate(chat)
        shown = escape(result.query, 500)
        if not result.created:
            await reply(
                interaction, f"Already subscribed to **{shown}** in {self.where(chat)}.", ephemeral=True
            )
            return
        await reply(
            interaction,
            f"Subscribed to **{shown}**. Alerts will arrive in {self.where(chat)}.",
            ephemeral=chat.platform == DIRECT,
        )

    @shows_domain_errors
    async def unsubscribe_command(
        self, interaction: discord.Interaction, query: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        removed = self.service.unsubscribe(chat, query)
        await reply(
            interaction,
            f"Unsubscribed from **{escape(removed, 500)}** in {self.where(chat)}.",
            ephemeral=chat.platform == DIRECT,
        )

    async def subscription_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        chat = self.target(interaction, getattr(interaction.namespace, "deliver_to", None))
        needle = fold(current.strip())
        found = [q for q in self.service.subscriptions(chat) if needle in fold(q)]
        # a value longer than Discord allows could not round-trip: such queries are typed by hand
        return [app_commands.Choice(name=q, value=q) for q in found if len(q) <= CHOICE_MAX][:CHOICES_MAX]

    @shows_domain_errors
    async def list_command(self, interaction: discord.Interaction) -> None:
        chats = [self.target(interaction, "dm")]
        if interaction.guild_id is not None:
            chats.insert(0, self.target(interaction, "channel"))
        sections = []
        for chat in chats:
            queries = self.service.subscriptions(chat)
            paused = " (paused)" if self.service.chat_state(chat).paused else ""
            head = f"**{self.where(chat).capitalize()}**{paused}: "
            if not queries:
                sections.append(head + "no subscriptions.")
            else:
                sections.append(
                    head + f"{len(queries)}\n" + bullet_list(queries, MESSAGE_MAX // len(chats) - 80)
                )
        await reply(interaction, "\n\n".join(sections), ephemeral=True)

    # reading -----------------------------------------------------------------------------------

    @shows_domain_errors
    async def latest_command(
        self, interaction: discord.Interaction, query: str | None = None, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        alerts = self.service.latest(chat, query)
        if not alerts:
            what = f"**{escape(query, 300)}**" if query else "your subscriptions"
            await reply(interaction, f"No recent stories match {what}.", ephemeral=True)
            return
        embeds = [discord.Embed.from_dict(e) for e in latest_embeds(alerts)]
        await reply(interaction, embeds=embeds, ephemeral=True)

    @shows_domain_errors
    async def pause_command(self, interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        chat = self.target(interaction, deliver_to)
        changed = self.service.pause(chat)
        text = "Alerts paused" if changed else "Alerts were already paused"
        await reply(
            interaction,
            f"{text} for {self.where(chat)}. /resume turns them back on.",
            ephemeral=chat.platform == DIRECT,
        )

    @shows_domain_errors
    async def resume_command(self, interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        chat = self.target(interaction, deliver_to)
        changed = self.service.resume(chat)
        text = "Alerts resumed" if changed else "Alerts are already on"
        await reply(interaction, f"{text} for {self.where(chat)}.", ephemeral=chat.platform == DIRECT)

    @shows_domain_errors
    async def sources_command(self, interaction: discord.Interaction) -> None:
        embed = sources_embed(self.service.source_statuses(), self.service.clock.now())
        await reply(interaction, embeds=[discord.Embed.from_dict(embed)], ephemeral=True)

    async def help_command(self, interaction: discord.Interaction) -> None:
        await reply(interaction, HELP, ephemeral=True)

    # sources (admins) -----------------------------------------------------------------------------

    @shows_domain_errors
    async def addsource_command(
        self, interaction: discord.Interaction, url: str, name: str | None = None
    ) -> None:
        actor = self.actor(interaction)
        # fetching the feed can take longer than Discord's 3 s answer window: acknowledge first;
        # the service checks the actor's rights and its refusal arrives as the (ephemeral) follow-up
        await interaction.response.defer(ephemeral=True, thinking=True)
        source = await self.service.add_source(actor, url, name)
        await reply(
            interaction,
            f"Added **{escape(source.name, 200)}**; it is polled from the next cycle.",
            ephemeral=True,
        )

    @shows_domain_errors
    async def removesource_command(self, interaction: discord.Interaction, source: str) -> None:
        removed = self.service.remove_source(self.actor(interaction), source)
        await reply(interaction, f"Removed **{escape(removed.name, 200)}**.", ephemeral=True)

    async def source_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = fold(current.strip())
        names = [s.source.name for s in self.service.source_statuses() if not s.from_config]
        found = [n for n in names if needle in fold(n) and len(n) <= CHOICE_MAX]
        return [app_commands.Choice(name=n, value=n) for n in found][:CHOICES_MAX]
