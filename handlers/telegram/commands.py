"""Command callbacks: parse the arguments, call one `NewsService` method, render, reply.

Domain refusals (`bot.errors`) mostly propagate to `error_handler`, which replies with
their message; handlers catch one only where the reply adds something (an example).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.errors import QueryError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.i18n import t, tn, tr
from handlers.telegram import keyboards, rhythm_views, views
from handlers.telegram.chat_events import SUBSCRIBE_PATTERN, ChatEvents
from handlers.telegram.context import Context, chat_of, command_argument, quoted, reply
from handlers.telegram.destination_commands import DestinationCommands, destination_handlers
from handlers.telegram.feed_files import FeedFiles
from handlers.telegram.gate import PermissionGate
from handlers.telegram.languages import LANGUAGE_PATTERN, LanguageCommands
from handlers.telegram.latest_commands import MORE_PATTERN, LatestCommands
from handlers.telegram.render import escape
from handlers.telegram.rhythm_commands import RhythmCommands
from handlers.telegram.source_commands import SourceCommands

log = logging.getLogger(__name__)


class SubscriptionCommands:
    """A chat's subscriptions and alerts: subscribe, unsubscribe, list, latest, pause, resume."""

    def __init__(self, service: NewsService) -> None:
        self.service = service

    def target(self, update: Update) -> ChatRef:
        """The chat (or topic) the command came from, or the channel a private chat is bound to."""
        return self.service.destinations.target(chat_of(update))

    async def subscribe_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        text = command_argument(update.effective_message)
        if not text:
            await reply(update, t("Tell me what to watch for.") + "\n" + t(views.QUERY_EXAMPLE))
            return
        try:
            result = self.service.subscribe(self.target(update), text)
        except QueryError as exc:
            await reply(update, f"{escape(tr(exc))}\n{t(views.QUERY_EXAMPLE)}")
            return
        if result.created:
            done = t(
                "Subscribed to {query}. I will send new matching stories here.", query=quoted(result.query)
            )
            preview = views.preview_text(result.preview)
            await reply(update, f"{done}\n{preview}" if preview else done)
        else:
            await reply(update, t("You are already subscribed to {query}.", query=quoted(result.query)))

    async def unsubscribe_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        text = command_argument(update.effective_message)
        if text.casefold() == "all":
            count = len(self.service.subscriptions(chat))
            if not count:
                await reply(update, t("You have no subscriptions to remove."))
                return
            await update.effective_message.reply_text(
                tn(
                    "Remove the only subscription of this chat?",
                    "Remove all {n} subscriptions of this chat?",
                    count,
                ),
                reply_markup=keyboards.confirm_all(count),
            )
            return
        if text:
            removed = self.service.unsubscribe(chat, text)
            await reply(update, t("Unsubscribed from {query}.", query=quoted(removed)))
            return
        queries = self.service.subscriptions(chat)
        if not queries:
            await reply(update, t("You have no subscriptions to remove. Send /help to see how to add one."))
            return
        for markup in keyboards.unsubscribe_keyboards(queries):
            await update.effective_message.reply_text(
                t("Tap a subscription to remove it:"), reply_markup=markup
            )

    async def unsubscribe_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        chat = self.target(update)
        query = keyboards.resolve(keyboards.token_of(callback.data), self.service.subscriptions(chat))
        if query is None:
            note, text = t("Already gone."), t("That subscription was already removed.")
        else:
            removed = self.service.unsubscribe(chat, query)
            note, text = t("Removed."), t("Unsubscribed from {query}.", query=quoted(removed))
        await callback.answer(note)
        message = callback.message
        if isinstance(message, Message):
            remaining = keyboards.without_button(message.reply_markup, callback.data)
            if remaining is not None:
                text += "\n" + t("Tap another to remove it too:")
            try:
                await callback.edit_message_text(text, reply_markup=remaining)
            except BadRequest as exc:  # "message is not modified" after a double tap
                log.debug("could not edit the unsubscribe menu: %s", exc)

    async def unsubscribe_all_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        if callback.data != keyboards.ALL_YES:
            await callback.answer(t("Kept."))
            text = t("Nothing was removed.")
        else:
            removed = self.service.unsubscribe_all(self.target(update))
            await callback.answer(t("Removed."))
            text = tn(
                "Removed {n} subscription. Send /subscribe to add one again.",
                "Removed {n} subscriptions. Send /subscribe to add one again.",
                removed,
            )
        try:
            await callback.edit_message_text(text)
        except BadRequest as exc:  # "message is not modified" after a double tap
            log.debug("could not edit the confirmation: %s", exc)

    async def list_command(self, update: Update, context: Context) -> None:
        chat = self.target(update)
        paused = self.service.chat_state(chat).paused
        for part in views.subscriptions_messages(self.service.subscriptions(chat), paused):
            await reply(update, part)

    async def pause_command(self, update: Update, context: Context) -> None:
        if self.service.pause(self.target(update)):
            await reply(update, t("Alerts paused. Send /resume to get them again."))
        else:
            await reply(update, t("Alerts were already paused. Send /resume to get them again."))

    async def resume_command(self, update: Update, context: Context) -> None:
        if self.service.resume(self.target(update)):
            await reply(update, t("Alerts are on again."))
        else:
            await reply(update, t("Alerts are already on."))


class TelegramCommands:
    """Every callback, grouped by what it manages; the order PTB tries them is `handlers()`."""

    def __init__(self, service: NewsService) -> None:
        self.service = service
        self.subscriptions = SubscriptionCommands(service)
        self.sources = SourceCommands(service)
        self.events = ChatEvents(service)
        self.gate = PermissionGate(service.destinations, service.policy, service.clock)
        self.places = DestinationCommands(service.destinations, self.gate)
        self.files = FeedFiles(service)
        self.sources.files = self.files  # /addsource offers a page's several feeds as buttons
        self.latest = LatestCommands(service)
        self.rhythm = RhythmCommands(service)
        self.language = LanguageCommands(service)

    def handlers(self) -> list[BaseHandler[Update, Context, object]]:
        """Every handler, in the order PTB tries them."""
        return [
            MessageHandler(filters.StatusUpdate.MIGRATE, self.events.migrate_update),
            CommandHandler("start", self.events.start_command),
            CommandHandler("help", self.events.help_command),
            CommandHandler("subscribe", self.subscriptions.subscribe_command),
            CommandHandler("unsubscribe", self.subscriptions.unsubscribe_command),
            CommandHandler("list", self.rhythm.list_command),
            CommandHandler("latest", self.latest.latest_command),
            CommandHandler("pause", self.subscriptions.pause_command),
            CommandHandler("resume", self.subscriptions.resume_command),
            CommandHandler("digest", self.rhythm.digest_command),
            CommandHandler("timezone", self.rhythm.timezone_command),
            CommandHandler("quiet", self.rhythm.quiet_command),
            CommandHandler("snooze", self.rhythm.snooze_command),
            CommandHandler("language", self.language.language_command),
            CommandHandler("sources", self.sources.sources_command),
            # fetching a candidate feed takes seconds: do not hold other chats' updates behind it
            CommandHandler("addsource", self.sources.addsource_command, block=False),
            CommandHandler("removesource", self.sources.removesource_command),
            CommandHandler("stats", self.sources.stats_command),
            CallbackQueryHandler(
                self.subscriptions.unsubscribe_button, pattern=keyboards.UNSUBSCRIBE_PATTERN
            ),
            *destination_handlers(self.places, self.files),
            CallbackQueryHandler(self.subscriptions.unsubscribe_all_button, pattern=keyboards.ALL_PATTERN),
            CallbackQueryHandler(self.latest.more_button, pattern=MORE_PATTERN),
            CallbackQueryHandler(self.events.subscribe_button, pattern=SUBSCRIBE_PATTERN),
            CallbackQueryHandler(self.rhythm.rhythm_button, pattern=rhythm_views.RHYTHM_PATTERN),
            CallbackQueryHandler(self.rhythm.timezone_button, pattern=rhythm_views.ZONE_PATTERN),
            CallbackQueryHandler(self.language.language_button, pattern=LANGUAGE_PATTERN),
            CallbackQueryHandler(self.events.stale_button),  # every tap is answered
            MessageHandler(filters.COMMAND, self.events.unknown_command),
            MessageHandler(filters.CaptionRegex(r"^/[A-Za-z]"), self.events.caption_command),
            MessageHandler(
                filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, self.events.text_message
            ),
            MessageHandler(
                filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                self.events.media_message,
            ),
        ]

    def language_handler(self) -> BaseHandler[Update, Context, object]:
        """Runs before everything, the gate's refusals included: the language of the replies."""
        return TypeHandler(Update, self.language.note_language)

    def gate_handler(self) -> BaseHandler[Update, Context, object]:
        """Runs before everything (its own, earlier handler group): group permissions."""
        return TypeHandler(Update, self.gate.check)

    def activity_handler(self) -> BaseHandler[Update, Context, object]:
        """Runs before the commands (its own handler group) on every update from a chat."""
        return TypeHandler(Update, self.events.note_activity)
