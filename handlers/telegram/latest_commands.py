"""/latest: the newest matching stories, "N of M", and a "More" button for the next page."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.service import LatestPage, NewsService
from handlers.common.tokens import QueryTokens
from handlers.i18n import t
from handlers.telegram import views
from handlers.telegram.context import Context, chat_of, command_argument, quoted, reply

MORE_PREFIX = "more:"
MORE_PATTERN = r"^more:"
PAGE = 5
MAX_CALLBACK_BYTES = 64


class LatestCommands:
    def __init__(self, service: NewsService) -> None:
        self.service = service
        # queries too long for a button's 64 bytes, by hash; lost on restart ("no longer works")
        self.tokens = QueryTokens()

    async def latest_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        text = command_argument(update.effective_message)
        page = self.service.latest_page(
            self.service.destinations.target(chat_of(update)), text or None, 0, PAGE
        )
        await self._send(update, text, page)

    async def more_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        offset_text, _, token = callback.data.removeprefix(MORE_PREFIX).partition(":")
        text = self._query_of(token)
        if text is None or not offset_text.isdigit():
            await callback.answer(t("This button no longer works: send /latest again."))
            return
        await callback.answer()
        page = self.service.latest_page(
            self.service.destinations.target(chat_of(update)), text or None, int(offset_text), PAGE
        )
        await self._send(update, text, page)

    async def _send(self, update: Update, text: str, page: LatestPage) -> None:
        what = t("matching {query}", query=quoted(text)) if text else t("matching your subscriptions")
        if not page.alerts:
            if page.offset:
                await reply(update, t("No more stories {what}.", what=what))
                return
            if page.subscribed:
                tail = t("I will alert you when one appears.")
                if self.service.chat_state(self.service.destinations.target(chat_of(update))).paused:
                    tail = t("Alerts are paused: send /resume to get them when one appears.")
            else:
                tail = t(
                    "Send {command} to get an alert when one appears.",
                    command=f"<code>/subscribe {views.escape(text)}</code>",
                )
            none = t("No stories {what} in the last {days} days.", what=what, days=views.LATEST_DAYS)
            await reply(update, f"{none} {tail}")
            return
        first, last = page.offset + 1, page.offset + len(page.alerts)
        header = t(
            "Latest stories {what}: {first}–{last} of {total}",
            what=what,
            first=first,
            last=last,
            total=page.total,
        )
        parts = views.latest_messages(page.alerts, header=header)
        markup = None
        if last < page.total:
            data = f"{MORE_PREFIX}{last}:{self._token(text)}"
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(t("More ({count})", count=page.total - last), callback_data=data)]]
            )
        chat = update.effective_chat
        assert chat is not None
        for n, part in enumerate(parts):  # each part awaited: they arrive in order
            await chat.send_message(part, reply_markup=markup if n == len(parts) - 1 else None)

    def _token(self, text: str) -> str:
        return self.tokens.token(text, MAX_CALLBACK_BYTES - len(f"{MORE_PREFIX}9999:"))

    def _query_of(self, token: str) -> str | None:
        return self.tokens.query_of(token)
