"""Command callbacks: parse the arguments, call one `NewsService` method, render, reply.

Domain refusals (`bot.errors`) mostly propagate to `error_handler`, which replies with
their message; handlers catch one only where the reply adds something (an example).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.errors import QueryError
from bot.models import ChatRef
from bot.service import Actor, NewsService
from bot.sources import display_url
from handlers.telegram import keyboards, views
from handlers.telegram.notifier import telegram_chat
from handlers.telegram.render import escape, shorten

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def command_argument(message: Message) -> str:
    """Everything after the command word, as typed (quotes and spacing inside kept)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def chat_of(update: Update) -> ChatRef:
    assert update.effective_chat is not None  # every handler below is filtered to chat messages
    return telegram_chat(update.effective_chat.id)


def actor_of(update: Update) -> Actor:
    user = update.effective_user
    return Actor("telegram", str(user.id) if user else "")


def quoted(query: str) -> str:
    return f"<code>{escape(shorten(query, 400))}</code>"


class TelegramCommands:
    """Holds the service; its methods are the PTB callbacks (typed access, no bot_data casts)."""

    def __init__(self, service: NewsService) -> None:
        self.service = service

    def handlers(self) -> list[BaseHandler[Update, Context, object]]:
        """Every handler, in the order PTB tries them."""
        return [
            MessageHandler(filters.StatusUpdate.MIGRATE, self.migrate_update),
            CommandHandler("start", self.start_command),
            CommandHandler("help", self.help_command),
            CommandHandler("subscribe", self.subscribe_command),
            CommandHandler("unsubscribe", self.unsubscribe_command),
            CommandHandler("list", self.list_command),
            CommandHandler("latest", self.latest_command),
            CommandHandler("pause", self.pause_command),
            CommandHandler("resume", self.resume_command),
            CommandHandler("sources", self.sources_command),
            # fetching a candidate feed takes seconds: do not hold other chats' updates behind it
            CommandHandler("addsource", self.addsource_command, block=False),
            CommandHandler("removesource", self.removesource_command),
            CallbackQueryHandler(self.unsubscribe_button, pattern=keyboards.UNSUBSCRIBE_PATTERN),
            MessageHandler(filters.COMMAND, self.unknown_command),
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, self.unknown_command),
        ]

    def activity_handler(self) -> BaseHandler[Update, Context, object]:
        """Runs before the commands (its own handler group) on every update from a chat."""
        return TypeHandler(Update, self.note_activity)

    async def note_activity(self, update: Update, context: Context) -> None:
        # a chat that writes to us can be written to again: one that had blocked or removed the
        # bot gets alerts again, whatever it sends first (not only /start)
        if update.effective_chat is not None and not (
            update.effective_message and update.effective_message.migrate_to_chat_id
        ):
            self.service.reactivate(chat_of(update))

    async def start_command(self, update: Update, context: Context) -> None:
        await _reply(update, views.help_text())  # note_activity has already reactivated the chat

    async def help_command(self, update: Update, context: Context) -> None:
        await _reply(update, views.help_text())

    async def subscribe_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        text = command_argument(update.effective_message)
        if not text:
            await _reply(update, f"Tell me what to watch for.\n{views.QUERY_EXAMPLE}")
            return
        try:
            result = self.service.subscribe(chat_of(update), text)
        except QueryError as exc:
            await _reply(update, f"{escape(str(exc))}\n{views.QUERY_EXAMPLE}")
            return
        if result.created:
            await _reply(
                update, f"Subscribed to {quoted(result.query)}. I will send new matching stories here."
            )
        else:
            await _reply(update, f"You are already subscribed to {quoted(result.query)}.")

    async def unsubscribe_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = chat_of(update)
        text = command_argument(update.effective_message)
        if text:
            removed = self.service.unsubscribe(chat, text)
            await _reply(update, f"Unsubscribed from {quoted(removed)}.")
            return
        queries = self.service.subscriptions(chat)
        if not queries:
            await _reply(update, "You have no subscriptions to remove. Send /help to see how to add one.")
            return
        for markup in keyboards.unsubscribe_keyboards(queries):
            await update.effective_message.reply_text("Tap a subscription to remove it:", reply_markup=markup)

    async def unsubscribe_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        chat = chat_of(update)
        query = keyboards.resolve(keyboards.token_of(callback.data), self.service.subscriptions(chat))
        if query is None:
            note, text = "Already gone.", "That subscription was already removed."
        else:
            removed = self.service.unsubscribe(chat, query)
            note, text = "Removed.", f"Unsubscribed from {quoted(removed)}."
        await callback.answer(note)
        message = callback.message
        if isinstance(message, Message):
            remaining = keyboards.without_button(message.reply_markup, callback.data)
            if remaining is not None:
                text += "\nTap another to remove it too:"
            try:
                await callback.edit_message_text(text, reply_markup=remaining)
            except BadRequest as exc:  # "message is not modified" after a double tap
                log.debug("could not edit the unsubscribe menu: %s", exc)

    async def list_command(self, update: Update, context: Context) -> None:
        chat = chat_of(update)
        paused = self.service.chat_state(chat).paused
        for part in views.subscriptions_messages(self.service.subscriptions(chat), paused):
            await _reply(update, part)

    async def latest_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        text = command_argument(update.effective_message)
        alerts = self.service.latest(chat_of(update), text or None)
        if not alerts:
            what = f"matching {quoted(text)}" if text else "matching your subscriptions"
            await _reply(update, f"No recent stories {what}. I will alert you when one appears.")
            return
        for part in views.latest_messages(alerts):
            await _reply(update, part)

    async def pause_command(self, update: Update, context: Context) -> None:
        if self.service.pause(chat_of(update)):
            await _reply(update, "Alerts paused. Send /resume to get them again.")
        else:
            await _reply(update, "Alerts were already paused. Send /resume to get them again.")

    async def resume_command(self, update: Update, context: Context) -> None:
        if self.service.resume(chat_of(update)):
            await _reply(update, "Alerts are on again.")
        else:
            await _reply(update, "Alerts are already on.")

    async def sources_command(self, update: Update, context: Context) -> None:
        for part in views.sources_messages(self.service.source_statuses()):
            await _reply(update, part)

    async def addsource_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_chat is not None
        parts = command_argument(update.effective_message).split(maxsplit=1)
        if not parts:
            await _reply(
                update,
                "Usage: <code>/addsource &lt;feed url&gt; [name]</code>, e.g. "
                "<code>/addsource https://example.com/rss.xml Example</code>",
            )
            return
        await update.effective_chat.send_action(ChatAction.TYPING)
        source = await self.service.add_source(
            actor_of(update), parts[0], parts[1] if len(parts) > 1 else None
        )
        where = escape(shorten(display_url(source.url), 600))  # no credentials or keys echoed
        await _reply(
            update,
            f"Added <b>{escape(shorten(source.name, 200))}</b> ({where}). "
            "Its new stories will be matched from the next poll.",
        )

    async def removesource_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        wanted = command_argument(update.effective_message)
        if not wanted:
            await _reply(
                update, "Usage: <code>/removesource &lt;name or url&gt;</code>. Send /sources to see them."
            )
            return
        removed = self.service.remove_source(actor_of(update), wanted)
        await _reply(update, f"Removed <b>{escape(removed.name)}</b>.")

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
        await _reply(update, views.HINT)

    async def migrate_update(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None or not message.migrate_to_chat_id:
            return  # the new supergroup's "migrate_from" message repeats the same move
        old, new = chat_of(update), telegram_chat(message.migrate_to_chat_id)
        moved = self.service.migrate_chat(old, new)
        log.info("chat %s became %s: %d subscriptions moved", old.key, new.key, moved)


async def _reply(update: Update, text: str) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)
