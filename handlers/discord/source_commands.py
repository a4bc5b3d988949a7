"""/sources for anyone; /addsource and /removesource for server managers (Manage Server)."""

from __future__ import annotations

from collections.abc import Collection

import discord
from discord import app_commands

from bot.service import NewsService
from bot.sources_service import Actor
from bot.text.tokens import fold
from handlers.common.stats_text import stats_text
from handlers.discord.context import reply, shows_domain_errors
from handlers.discord.render import escape
from handlers.discord.sources_view import sources_embed
from handlers.i18n import t

CHOICE_MAX = 100  # autocomplete choice name and value
CHOICES_MAX = 25


class SourceCommands:
    service: NewsService
    admin_guilds: Collection[int] | None

    def actor(self, interaction: discord.Interaction) -> Actor:
        guild = interaction.guild_id
        elevated = (
            guild is not None
            and interaction.permissions.manage_guild
            and (self.admin_guilds is None or guild in self.admin_guilds)
        )
        return Actor("discord", str(interaction.user.id), elevated=bool(elevated))

    @shows_domain_errors
    async def sources_command(self, interaction: discord.Interaction) -> None:
        detailed = self.service.is_admin(self.actor(interaction))  # error details: admins only
        embed = sources_embed(self.service.source_statuses(), self.service.clock.now(), detailed)
        await reply(interaction, embeds=[discord.Embed.from_dict(embed)], ephemeral=True)

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
            t("Added **{name}**; it is polled from the next cycle.", name=escape(source.name, 200)),
            ephemeral=True,
        )

    @shows_domain_errors
    async def removesource_command(self, interaction: discord.Interaction, source: str) -> None:
        removed = self.service.remove_source(self.actor(interaction), source)
        await reply(interaction, t("Removed **{name}**.", name=escape(removed.name, 200)), ephemeral=True)

    @shows_domain_errors
    async def stats_command(self, interaction: discord.Interaction) -> None:
        stats = self.service.stats(self.actor(interaction))
        failing = ", ".join(escape(n, 60) for n in stats.failing[:10])
        text = stats_text(stats, t("**newsbot stats**"), failing)
        await reply(interaction, text, ephemeral=True)

    async def source_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = fold(current.strip())
        names = [s.source.name for s in self.service.source_statuses() if not s.from_config]
        found = [n for n in names if needle in fold(n) and len(n) <= CHOICE_MAX]
        return [app_commands.Choice(name=n, value=n) for n in found][:CHOICES_MAX]
