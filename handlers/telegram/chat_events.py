"""Updates that are not subscription or source commands: greeting, help, activity, migration, the rest."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot.service import NewsService
from handlers.telegram import views
from handlers.telegram.context import Context, chat_of, reply
from handlers.telegram.notifier import telegram_chat

log = logging.getLogger(__name__)


class ChatEvents:
    """Greeting, help, activity (a chat that writes can be written to), migration, unknown input."""

    def __init__(self, service: NewsService) -> None:
        self.service = service

    async def note_activity(self, update: Update, context: Context) -> None:
        # a chat that writes to us can be written to again: one that had blocked or removed the
        # bot gets alerts again, whatever it sends first (not only /start)
        if update.effective_chat is not None and not (
            update.effective_message and update.effective_message.migrate_to_chat_id
        ):
            self.service.reactivate(chat_of(update))

    async def start_command(self, update: Update, context: Context) -> None:
        await reply(update, views.help_text())  # note_activity has already reactivated the chat

    async def help_command(self, update: Update, context: Context) -> None:
        await reply(update, views.help_text())

    async def unknown_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        if update.effective_chat.type != ChatType.PRIVATE:
            # in groups, answer only commands addressed to us: "/foo@OtherBot" is not ours
            word = (message.text or "").split(maxsplit=1)[0] if message.text else ""
            if (
                "@" not in word
                or word.partition("@")[2].casefold() != (context.bot.username or "").casefold()
            ):
                return
        await reply(update, views.HINT)

    async def migrate_update(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None or not message.migrate_to_chat_id:
            return  # the new supergroup's "migrate_from" message repeats the same move
        old, new = chat_of(update), telegram_chat(message.migrate_to_chat_id)
        moved = self.service.migrate_chat(old, new)
        log.info("chat %s became %s: %d subscriptions moved", old.key, new.key, moved)
