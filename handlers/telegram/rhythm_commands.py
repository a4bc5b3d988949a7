"""Rhythm callbacks: /digest, /timezone, /quiet, /snooze, the /list view with rhythm buttons, and
the buttons' taps. Each parses nothing itself: the argument goes to `RhythmService` as typed."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest

from bot.alerts.plan import rhythm_of
from bot.alerts.rhythm import Cadence
from bot.models import ChatRef
from bot.service import NewsService
from handlers.i18n import t, tr
from handlers.telegram import keyboards
from handlers.telegram import rhythm_views as views
from handlers.telegram.context import Context, chat_of, command_argument, reply

log = logging.getLogger(__name__)


class RhythmCommands:
    def __init__(self, service: NewsService) -> None:
        self.service = service
        self.rhythm = service.rhythm

    def target(self, update: Update) -> ChatRef:
        """The chat (or topic) the command came from, or the channel a private chat is bound to."""
        return self.service.destinations.target(chat_of(update))

    async def digest_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        text = command_argument(update.effective_message)
        if not text:
            await reply(update, views.digest_usage(self.rhythm.overview(chat)))
            return
        await reply(update, views.digest_reply(self.rhythm.set_digest(chat, text)))

    async def timezone_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        text = command_argument(update.effective_message)
        now = self.service.clock.now()
        if not text:
            zone = self.rhythm.settings(chat).zone
            await update.effective_message.reply_text(
                views.zone_usage(zone, now), reply_markup=views.zone_keyboard(zone)
            )
            return
        await reply(update, views.zone_reply(self.rhythm.set_zone(chat, text), now))

    async def timezone_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        zone = self.rhythm.set_zone(self.target(update), callback.data.removeprefix(views.ZONE_PREFIX))
        await callback.answer(t("Time zone: {zone}", zone=zone))
        await _edit(
            callback.message, views.zone_reply(zone, self.service.clock.now()), views.zone_keyboard(zone)
        )

    async def quiet_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        text = command_argument(update.effective_message)
        if not text:
            await reply(update, views.quiet_usage(self.rhythm.overview(chat)))
            return
        quiet = self.rhythm.set_quiet(chat, text)
        await reply(update, views.quiet_reply(quiet, self.rhythm.settings(chat).zone))

    async def snooze_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        text = command_argument(update.effective_message)
        if not text:
            await reply(update, views.snooze_usage())
            return
        done = self.rhythm.snooze(chat, text)
        await reply(update, views.snooze_reply(done, self.rhythm.settings(chat).zone))

    async def list_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        chat = self.target(update)
        overview = self.rhythm.overview(chat)
        for text, markup in views.list_messages(overview, self.service.chat_state(chat).paused):
            await update.effective_message.reply_text(text, reply_markup=markup)

    async def rhythm_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        chat = self.target(update)
        token, key = views.parse_rhythm_callback(callback.data)
        normal = [sub.query for sub in self.service.repos.subscriptions.for_chat(chat)]
        query = keyboards.resolve(token, normal)  # buttons carry the normal form's hash
        if query is None:
            await callback.answer(t("That subscription was removed."))
            return
        current = rhythm_of(self.rhythm.settings(chat), query)
        if current.cadence is Cadence.DAILY and key.startswith("daily"):
            key = current.key  # keep its own time of day
        done = self.rhythm.set_rhythm(chat, query, key)
        await callback.answer(f"{query}: {tr(done.rhythm.describe())}"[:200])
        message = callback.message
        if isinstance(message, Message) and message.reply_markup is not None:
            # the tapped /list page keeps its text; only its buttons' ticks change
            on_page = {b.callback_data for row in message.reply_markup.inline_keyboard for b in row}
            listed = [
                v
                for v in self.rhythm.overview(chat).subscriptions
                if views.rhythm_callback(v.query, "i") in on_page
            ]
            try:
                await message.edit_reply_markup(reply_markup=views.rhythm_keyboard(listed))
            except BadRequest as exc:  # "message is not modified" after a double tap
                log.debug("could not update the rhythm buttons: %s", exc)


async def _edit(message: object, text: str, markup: object) -> None:
    if not isinstance(message, Message):
        return
    try:
        await message.edit_text(text, reply_markup=markup)  # type: ignore[arg-type]
    except BadRequest as exc:  # "message is not modified" after a double tap
        log.debug("could not edit the menu: %s", exc)
