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
from bot.texts import N_
from handlers.common.tokens import QueryTokens
from handlers.discord.buttons import ButtonCommands
from handlers.discord.context import reply, shows_domain_errors
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.discord.render import MESSAGE_MAX, bullet_list, escape, preview_text
from handlers.discord.rhythm_commands import RhythmCommands, help_rhythm, subscription_line
from handlers.discord.source_commands import CHOICE_MAX, CHOICES_MAX, SourceCommands
from handlers.i18n import t


def help_text() -> str:
    return "\n".join(
        [
            t("**newsbot** sends news alerts for your keywords."),
            t(
                '`/subscribe query` — e.g. `SOCAR`, `"Caspian Sea"`, `Gazprom OR '
                "Rosneft`, `oil -palm`, `pipelin*`"
            ),
            "  " + t("`deliver_to`: this channel (default in a server) or your direct messages"),
            t(
                'Words match in any form in the story\'s language (`Москва` finds "Москве"); '
                'a quoted single word (`"Москва"`) matches that form only.'
            ),
            "`/unsubscribe` · `/list` · `/latest [query]` · `/pause` · `/resume` · `/sources`",
            t("`/images on|off` · `/export` (the feeds as OPML)"),
            help_rhythm(),
            t(
                "I write in your Discord language (English, Russian, Azerbaijani, Ukrainian, Turkish or "
                "German); stories are shown as their source wrote them."
            ),
            t("In a thread, alerts arrive in that thread; a channel's alerts need Manage Channels."),
            t("Server managers: `/addsource url [name]` · `/removesource source` · `/import file`"),
            t(
                "Each source is read on its own schedule (every minute or two when busy, hourly when "
                "quiet); feeds with a WebSub hub push stories within seconds when the operator sets "
                "`NEWSBOT_PUBLIC_URL`."
            ),
        ]
    )


class DiscordCommands(ButtonCommands, RhythmCommands, SourceCommands):
    def __init__(self, service: NewsService, *, admin_guilds: Collection[int] | None = None) -> None:
        self.service = service
        self.admin_guilds = frozenset(admin_guilds) if admin_guilds is not None else None
        self.tokens = QueryTokens()  # /latest's More buttons for queries too long for a custom_id

    def require_channel_rights(self, interaction: discord.Interaction, chat: ChatRef) -> None:
        """A server channel's (or thread's) alerts are changed by members with Manage Channels."""
        if chat.platform != CHANNEL or self.service.policy.open_groups:
            return
        if not interaction.permissions.manage_channels:
            raise PermissionDenied(
                N_(
                    "You need the Manage Channels permission to change this channel's alerts. "
                    "For alerts of your own, use deliver_to: direct messages."
                )
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
                interaction,
                t("Already subscribed to **{query}** in {where}.", query=shown, where=self.where(chat)),
                ephemeral=True,
            )
            return
        done = t(
            "Subscribed to **{query}**. Alerts will arrive in {where}.", query=shown, where=self.where(chat)
        )
        preview = preview_text(result.preview)  # so the query can be tuned before the first alert
        await reply(interaction, f"{done}\n{preview}" if preview else done, ephemeral=chat.platform == DIRECT)

    @shows_domain_errors
    async def unsubscribe_command(
        self, interaction: discord.Interaction, query: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        if query.strip().casefold() == "all":
            await self.confirm_unsubscribe_all(interaction, chat)
            return
        removed = self.service.unsubscribe(chat, query)
        await reply(
            interaction,
            t(
                "Unsubscribed from **{query}** in {where}.",
                query=escape(removed, 500),
                where=self.where(chat),
            ),
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
            paused = " " + t("(paused)") if self.service.chat_state(chat).paused else ""
            where = self.where(chat)
            head = f"**{where[:1].upper() + where[1:]}**{paused}: "
            if not queries:
                sections.append(head + t("no subscriptions."))
            else:
                sections.append(
                    head
                    + f"{len(queries)}\n"
                    + bullet_list(queries, MESSAGE_MAX // len(chats) - 80, t("…and {n} more"))
                )
        await reply(interaction, "\n\n".join(sections), ephemeral=True)

    # reading -----------------------------------------------------------------------------------

    @shows_domain_errors
    async def latest_command(
        self, interaction: discord.Interaction, query: str | None = None, deliver_to: str | None = None
    ) -> None:
        await self.send_latest(interaction, " ".join((query or "").split()), deliver_to, 0)

    @shows_domain_errors
    async def pause_command(self, interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        changed = self.service.pause(chat)
        if changed:
            text = t("Alerts paused for {where}. /resume turns them back on.", where=self.where(chat))
        else:
            text = t(
                "Alerts were already paused for {where}. /resume turns them back on.", where=self.where(chat)
            )
        await reply(
            interaction,
            text,
            ephemeral=chat.platform == DIRECT,
        )

    @shows_domain_errors
    async def resume_command(self, interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        changed = self.service.resume(chat)
        if changed:
            text = t("Alerts resumed for {where}.", where=self.where(chat))
        else:
            text = t("Alerts are already on for {where}.", where=self.where(chat))
        await reply(interaction, text, ephemeral=chat.platform == DIRECT)

    async def help_command(self, interaction: discord.Interaction) -> None:
        await reply(interaction, help_text(), ephemeral=True)
