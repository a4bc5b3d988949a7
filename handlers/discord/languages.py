"""The language of a slash command's answers: Discord's interaction locale (the user's client), as
Telegram's `language_code` is there. Remembered so that alerts, sent later, follow it too: the
user's locale for their direct messages, a community server's locale for its channels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.models import ChatRef
from bot.service import NewsService
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.i18n import DEFAULT, is_shipped, primary, set_language, t, use_language


def locale_tag(locale: object) -> str:
    """ "ru" for discord.Locale.russian, "en" for en-US; "" when Discord sent none."""
    value = getattr(locale, "value", locale)
    return primary(value if isinstance(value, str) else "")


def language_check(service: NewsService) -> Callable[[discord.Interaction], Awaitable[bool]]:
    """The command tree's interaction_check: runs in the task that then runs the command."""
    languages = service.languages

    async def check(interaction: discord.Interaction) -> bool:
        user_language = locale_tag(interaction.locale)
        dm = ChatRef(DIRECT, str(interaction.user.id))
        languages.note_platform(dm, user_language)
        if interaction.guild_id is not None and interaction.channel_id is not None:
            server_language = locale_tag(getattr(interaction, "guild_locale", None))
            if server_language and "COMMUNITY" in getattr(interaction.guild, "features", ()):
                languages.note_platform(ChatRef(CHANNEL, str(interaction.channel_id)), server_language)
        # answers are the reader's: their own /language (their direct messages'), else the channel's,
        # else their Discord locale
        channel = ChatRef(CHANNEL, str(interaction.channel_id)) if interaction.guild_id is not None else None
        set_language(languages.chosen(dm) or (languages.chosen(channel) if channel else "") or user_language)
        return True  # only sets the language; permissions are the commands' own checks

    return check


# Discord's own limit on a command's, an option's or a choice's text in any locale
DISCORD_TEXT_MAX = 100
_NAMES = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
}


class CatalogTranslator(app_commands.Translator):
    """The slash commands' descriptions, options' descriptions and choices in each shipped language
    Discord has a locale for (not Azerbaijani: Discord offers none); names stay English, as in
    Telegram."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return translated(string.message, locale, context.location)


def translated(message: str, locale: discord.Locale, location: object) -> str | None:
    lang = locale_tag(locale)
    if location in _NAMES or lang == DEFAULT or not is_shipped(lang):
        return None
    with use_language(lang):
        text = t(message)
    return text if text != message and len(text) <= DISCORD_TEXT_MAX else None
