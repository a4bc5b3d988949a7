"""The language of a slash command's answers: Discord's interaction locale (the user's client), as
Telegram's `language_code` is there. Remembered so that alerts, sent later, follow it too: the
user's locale for their direct messages, a community server's locale for its channels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.models import ChatRef
from bot.service import NewsService
from handlers.discord.notifier import CHANNEL, DIRECT
from handlers.i18n import primary, set_language


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
        set_language(languages.chosen(dm) or user_language)
        return True  # only sets the language; permissions are the commands' own checks

    return check
