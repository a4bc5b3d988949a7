"""/import (an OPML or URL-list attachment), /export (an OPML file) and /images on Discord."""

from __future__ import annotations

import io

import discord

from bot.errors import SourceError
from bot.feedlists import FeedLists, ImportReport
from bot.ingest.opml import MAX_BYTES
from bot.text.urls import display_url
from bot.texts import N_
from handlers.discord.commands import DiscordCommands
from handlers.discord.context import reply, shows_domain_errors
from handlers.discord.render import MESSAGE_MAX, escape, truncate
from handlers.i18n import t, tn, tr


def import_summary(report: ImportReport) -> str:
    head = t(
        "Import: {added} added, {existing} already there, {refused} refused",
        added=len(report.added),
        existing=len(report.existing),
        refused=len(report.refused),
    )
    if report.truncated:
        head += t(", {count} beyond the limit not looked at", count=report.truncated)
    lines = [head + "."]
    lines += ["• " + t("added **{name}**", name=escape(s.name, 120)) for s in report.added]
    lines += ["• " + t("already there: {name}", name=escape(name, 120)) for name in report.existing]
    lines += [
        "• " + t("refused {url}: {reason}", url=escape(display_url(url), 200), reason=escape(tr(why), 300))
        for url, why in report.refused
    ]
    return truncate("\n".join(lines), MESSAGE_MAX)


class DiscordFeedFiles:
    def __init__(self, commands: DiscordCommands) -> None:
        self.commands = commands
        self.service = commands.service
        self.lists = FeedLists(commands.service)

    @shows_domain_errors
    async def import_command(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        actor = self.commands.actor(interaction)
        if not self.service.is_admin(actor):
            raise SourceError(N_("Only server managers (Manage Server) can import sources."))
        if file.size > MAX_BYTES:
            raise SourceError(
                N_("That file is too large to be a feed list (the limit is {count} MB)."),
                count=MAX_BYTES // 1_000_000,
            )
        # vetting every feed takes longer than Discord's 3 s answer window: acknowledge first
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            raise SourceError(N_("I could not download that attachment from Discord. Try again.")) from None
        report = await self.lists.import_list(actor, data)
        await reply(interaction, import_summary(report), ephemeral=True)

    @shows_domain_errors
    async def export_command(self, interaction: discord.Interaction) -> None:
        data = self.lists.export_list(self.commands.actor(interaction))
        count = len(self.service.all_sources())
        await interaction.response.send_message(
            tn(
                "{n} source as OPML: import it in any feed reader.",
                "{n} sources as OPML: import them in any feed reader.",
                count,
            ),
            file=discord.File(io.BytesIO(data), filename="newsbot-sources.opml"),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @shows_domain_errors
    async def images_command(
        self, interaction: discord.Interaction, setting: str, deliver_to: str | None = None
    ) -> None:
        chat = self.commands.target(interaction, deliver_to)
        self.commands.require_channel_rights(interaction, chat)
        on = setting == "on"
        changed = self.service.destinations.set_images(chat, on)
        where = self.commands.where(chat)
        if not changed:
            text = (
                t("Images were already on for {where}.", where=where)
                if on
                else t("Images were already off for {where}.", where=where)
            )
        elif on:
            text = t("Alerts in {where} show the story picture now.", where=where)
        else:
            text = t("Alerts in {where} are text only now.", where=where)
        await reply(interaction, text, ephemeral=True)
