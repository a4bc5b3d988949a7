"""Which language a chat reads: its own choice (/language), else what its platform says.

The core only stores language tags; which languages have catalogs is the adapters' business
(handlers/i18n.py), so an unshipped tag simply reads as English there.
"""

from __future__ import annotations

from dataclasses import replace

from bot.models import ChatRef
from bot.ports import ChatRepo


class ChatLanguages:
    """Per chat (a forum's topics share their chat's language)."""

    def __init__(self, chats: ChatRepo) -> None:
        self.chats = chats

    def chosen(self, chat: ChatRef) -> str:
        """The language the chat picked with /language; "" when it follows its platform."""
        return self.chats.get(chat.whole).language

    def of(self, chat: ChatRef) -> str:
        """The language to write to the chat in (alerts): its choice, else its platform's, else ""."""
        state = self.chats.get(chat.whole)
        return state.language or state.platform_language

    def choose(self, chat: ChatRef, language: str) -> bool:
        """Set the chat's language ("" = follow the platform again); True when it changed."""
        state = self.chats.get(chat.whole)
        if state.language == language:
            return False
        self.chats.save(replace(state, language=language))
        return True

    def note_platform(self, chat: ChatRef, language: str) -> None:
        """What the platform says the chat's reader reads (Telegram's language_code, Discord's
        locale): kept so that alerts, sent later and unprompted, are in it too."""
        state = self.chats.get(chat.whole)
        if language and state.platform_language != language:
            self.chats.save(replace(state, platform_language=language))
