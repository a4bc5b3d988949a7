"""The one error handler: domain refusals are replied as their message; anything else is
logged (with the token scrubbed) and answered with a short apology, never a traceback."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.logs import redact
from handlers.i18n import t, tr
from handlers.telegram.render import escape
from handlers.telegram.views import SOMETHING_WRONG

log = logging.getLogger(__name__)


class ErrorReporter:
    def __init__(self, token: str) -> None:
        self._token = token

    def redact(self, text: str) -> str:
        return redact(text, (self._token,))

    async def error_handler(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        if isinstance(error, NewsbotError):
            log.info("refused: %s", error)
            reply = escape(tr(error))
        else:
            trace = "".join(traceback.format_exception(error))
            update_id = update.update_id if isinstance(update, Update) else None
            log.error("handling update %s failed:\n%s", update_id, self.redact(trace))
            reply = t(SOMETHING_WRONG)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        if isinstance(update, Update) and update.callback_query is not None:
            # an already answered or expired callback query: the chat message below still says it
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        try:
            await context.bot.send_message(chat.id, reply)
        except TelegramError as exc:
            log.warning("could not report an error to chat %s: %s", chat.id, self.redact(str(exc)))
