"""/language on Discord: a channel's (or your direct messages') own language, over each reader's
Discord locale. The way to Azerbaijani there, which Discord offers no locale for."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.texts import N_
from handlers.discord.commands import DiscordCommands
from handlers.discord.context import reply, shows_domain_errors
from handlers.discord.languages import locale_tag
from handlers.i18n import LANGUAGES, NAMES, language_of, set_language, t

AUTO = "auto"
LANGUAGE_CHOICES = [app_commands.Choice(name=NAMES[code], value=code) for code in LANGUAGES] + [
    app_commands.Choice(name=N_("Discord's language"), value=AUTO)
]


class DiscordLanguageCommand:
    def __init__(self, commands: DiscordCommands) -> None:
        self.commands = commands
        self.languages = commands.service.languages

    @shows_domain_errors
    async def language_command(
        self, interaction: discord.Interaction, code: str | None = None, deliver_to: str | None = None
    ) -> None:
        chat = self.commands.target(interaction, deliver_to)
        if code is None:
            where = self.commands.where(chat)
            chosen = self.languages.chosen(chat)
            lang = language_of(chosen or locale_tag(interaction.locale))
            how = t("chosen with /language") if chosen else t("your Discord language")
            text = t(
                "Language of {where}: **{language}** ({how}).", where=where, language=NAMES[lang], how=how
            )
            await reply(interaction, text, ephemeral=True)
            return
        self.commands.require_channel_rights(interaction, chat)
        chosen = "" if code == AUTO else language_of(code)
        self.languages.choose(chat, chosen)
        set_language(chosen or locale_tag(interaction.locale))  # the answer is in the new language
        where = self.commands.where(chat)
        if chosen:
            text = t("I will write in {language} here ({where}).", language=NAMES[chosen], where=where)
        else:
            text = t("I will follow each reader's Discord language here ({where}).", where=where)
        await reply(interaction, text, ephemeral=True)
