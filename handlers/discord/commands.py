"""Slash command callbacks: parse options, call one service method, render, respond.

Each callback takes the interaction and already-parsed options, so tests drive them
with a small fake interaction; `handlers.discord.tree` binds them to slash commands.
"""

from __future__ import annotations

from collections.abc import Collection

import discord
from discord import app_commands

from bot.errors import PermissionDenied, SubscriptionError
from bot.models import ChatRef
from bot.service import NewsService
from bot.text.tokens import fold
from handlers.discord.context import reply, shows_domain_errors
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.discord.render import MESSAGE_MAX, bullet_list, escape, latest_embeds
from handlers.discord.rhythm_commands import HELP_RHYTHM, RhythmCommands, subscription_line
from handlers.discord.source_commands import CHOICE_MAX, CHOICES_MAX, SourceCommands

HELP = (
    "**newsbot** sends news alerts for your keywords.\n"
    '`/subscribe query` — e.g. `SOCAR`, `"Caspian Sea"`, `Gazprom OR Rosneft`, `oil -palm`, `pipelin*`\n'
    "  `deliver_to`: this channel (default in a server) or your direct messages\n"
    'Words match in any form in the story\'s language (`Москва` finds "Москве"); '
    'a quoted single word (`"Москва"`) matches that form only.\n'
    "`/unsubscribe` · `/list` · `/latest [query]` · `/pause` · `/resume` · `/sources`\n"
    "`/images on|off` · `/export` (the feeds as OPML)\n"
    f"{HELP_RHYTHM}\n"
    "In a thread, alerts arrive in that thread; a channel's alerts need Manage Channels.\n"
    "Server managers: `/addsource url [name]` · `/removesource source` · `/import file`"
)


class DiscordCommands(RhythmCommands, SourceCommands):
    def __init__(self, service: NewsService, *, admin_guilds: Collection[int] | None = None) -> None:
        self.service = service
        self.admin_guilds = frozenset(admin_guilds) if admin_guilds is not None else None

    def require_channel_rights(self, interaction: discord.Interaction, chat: ChatRef) -> None:
        """A server channel's (or thread's) alerts are changed by members with Manage Channels."""
        if chat.platform != CHANNEL or self.service.policy.open_groups:
            return
        if not interaction.permissions.manage_channels:
            raise PermissionDenied(
                "You need the Manage Channels permission to change this channel's alerts. "
                "For alerts of your own, use deliver_to: direct messages."
            )

    # subscriptions ---------------------------------------------------------------------------

    @shows_domain_errors
    async def subscribe_command(
        self, interaction: discord.Interaction, query: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
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
        self.require_channel_rights(interaction, chat)
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
            overview = self.service.rhythm.overview(chat)
            queries = [subscription_line(overview, q) for q in self.service.subscriptions(chat)]
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
        self.require_channel_rights(interaction, chat)
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
        self.require_channel_rights(interaction, chat)
        changed = self.service.resume(chat)
        text = "Alerts resumed" if changed else "Alerts are already on"
        await reply(interaction, f"{text} for {self.where(chat)}.", ephemeral=chat.platform == DIRECT)

    async def help_command(self, interaction: discord.Interaction) -> None:
        await reply(interaction, HELP, ephemeral=True)
