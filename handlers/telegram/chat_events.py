"""Updates that are not subscription or source commands: greeting, help, activity, migration, the rest."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.errors import QueryError
from bot.service import NewsService
from handlers.common.suggest import suggest
from handlers.i18n import t, tr
from handlers.telegram import views
from handlers.telegram.context import Context, chat_of, quoted, reply
from handlers.telegram.notifier import telegram_chat

SUBSCRIBE_PREFIX = "sub:"
SUBSCRIBE_PATTERN = r"^sub:"
MAX_CALLBACK_BYTES = 64  # Telegram's limit on a button's callback_data
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
        await reply(update, t(views.HINT))

    async def text_message(self, update: Update, context: Context) -> None:
        """Plain text in a private chat: a word or two that would make a query gets a subscribe button."""
        message = update.effective_message
        if message is None:
            return
        target = self.service.destinations.target(chat_of(update))
        fits = lambda text: len((SUBSCRIBE_PREFIX + text).encode()) <= MAX_CALLBACK_BYTES  # noqa: E731
        found = suggest(self.service, target, message.text or "", fits)
        if found.held is not None:
            await reply(
                update,
                t("You already get alerts for {query}. Send /list to see them.", query=quoted(found.held)),
            )
            return
        if found.query is None:
            await reply(update, t(views.HINT))
            return
        label = t("Subscribe to {query}", query=found.query.display)[:64]
        button = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=SUBSCRIBE_PREFIX + found.text)]]
        )
        await message.reply_text(
            t(
                "Do you want alerts for {query}? Tap the button, or send /help to see what I can do.",
                query=quoted(found.text),
            ),
            reply_markup=button,
        )

    async def subscribe_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        text = callback.data.removeprefix(SUBSCRIBE_PREFIX)
        try:
            result = self.service.subscribe(self.service.destinations.target(chat_of(update)), text)
        except QueryError as exc:
            await callback.answer(tr(exc)[:200], show_alert=True)
            return
        await callback.answer(t("Subscribed.") if result.created else t("Already subscribed."))
        done = t("Subscribed to {query}. I will send new matching stories here.", query=quoted(result.query))
        if isinstance(callback.message, Message):
            try:
                await callback.edit_message_text(
                    done
                    if result.created
                    else t("You are already subscribed to {query}.", query=quoted(result.query))
                )
            except BadRequest as exc:  # "message is not modified" after a double tap
                log.debug("could not edit the subscribe suggestion: %s", exc)

    async def media_message(self, update: Update, context: Context) -> None:
        """Stickers, voice notes, photos and the like in a private chat: point at /help."""
        await reply(update, t(views.HINT))

    async def caption_command(self, update: Update, context: Context) -> None:
        """A photo or file whose caption is a command runs as that command."""
        payload = update.to_dict()
        kind = "edited_message" if "edited_message" in payload else "message"
        message = payload.get(kind) or {}
        message["text"] = message.pop("caption", "")
        message["entities"] = message.pop("caption_entities", [])
        for media in ("photo", "document", "video", "animation", "audio", "voice"):
            message.pop(media, None)
        await context.application.process_update(Update.de_json(payload, context.bot))

    async def stale_button(self, update: Update, context: Context) -> None:
        """A button no handler knows (an old menu, another version's data): stop the spinner."""
        if update.callback_query is not None:
            await update.callback_query.answer(t("This button no longer works. Send /help to start again."))

    async def migrate_update(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None or not message.migrate_to_chat_id:
            return  # the new supergroup's "migrate_from" message repeats the same move
        old, new = chat_of(update), telegram_chat(message.migrate_to_chat_id)
        moved = self.service.migrate_chat(old, new)
        log.info("chat %s became %s: %d subscriptions moved", old.key, new.key, moved)
