"""Sources as files and choices: /import (an OPML or URL-list document), /export (an OPML
document), and the buttons /addsource offers when a page has several feeds."""

from __future__ import annotations

import itertools
import logging
import time
from collections import OrderedDict

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError

from bot.errors import PermissionDenied
from bot.feedlists import FeedLists, ImportReport
from bot.ingest.finder import SeveralFeeds
from bot.ingest.opml import MAX_BYTES
from bot.service import NewsService
from bot.text.urls import display_url
from bot.texts import N_
from handlers.i18n import t, tn, tr
from handlers.telegram.context import Context, actor_of, reply
from handlers.telegram.render import escape, shorten, split_lines

log = logging.getLogger(__name__)

FEED_PATTERN = r"^addfeed:\d+$"
WAIT_FOR_FILE = 600.0  # seconds "/import" waits for the document that follows it
_OFFERS = 256  # feed choices remembered (buttons older than that answer "expired")
ASK_FOR_FILE = N_(
    "Send me the OPML file (or a text file with one feed address a line) now, or reply to it with /import."
)
NOT_ADMIN = N_("Only the bot's admins can import sources.")


def _listing(title: str, items: list[str]) -> list[str]:
    return [f"<b>{title}</b> ({len(items)}):", *(f"• {item}" for item in items)] if items else []


def _reason(url: str, why: str) -> str:
    """Under its address, "https://x/feed could not be fetched: HTTP 404." reads "could not be fetched..."."""
    why = tr(why)  # the core's refusal, in the reader's language
    for shown in (display_url(url), url):
        if why.startswith(shown + " "):
            return why.removeprefix(shown + " ").rstrip(".")
    return why


def import_summary(report: ImportReport) -> list[str]:
    head = t(
        "Import: {added} added, {existing} already there, {refused} refused",
        added=len(report.added),
        existing=len(report.existing),
        refused=len(report.refused),
    )
    if report.truncated:
        head += t(", {count} beyond the limit not looked at", count=report.truncated)
    lines = [head + "."]
    lines += _listing(t("Added"), [escape(shorten(s.name, 120)) for s in report.added])
    lines += _listing(t("Already there"), [escape(shorten(n, 120)) for n in report.existing])
    lines += _listing(
        t("Refused"),
        [
            f"{escape(shorten(display_url(u), 200))} — {escape(shorten(_reason(u, why), 300))}"
            for u, why in report.refused
        ],
    )
    return split_lines(lines)


class FeedFiles:
    def __init__(self, service: NewsService) -> None:
        self.service = service
        self.lists = FeedLists(service)
        self._waiting: dict[tuple[int, int], float] = {}  # (chat, user) -> when /import asked for a file
        self._offers: OrderedDict[str, str] = OrderedDict()  # token -> feed url
        self._tokens = itertools.count(1)

    # /import -------------------------------------------------------------------------------

    async def import_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and update.effective_chat is not None
        if not self.service.is_admin(actor_of(update)):
            raise PermissionDenied(NOT_ADMIN)
        document = _document_of(message) or _document_of(message.reply_to_message)
        if document is None:
            user = update.effective_user
            self._waiting[(update.effective_chat.id, user.id if user else 0)] = time.monotonic()
            await reply(update, t(ASK_FOR_FILE))
            return
        await self._import(update, context, document)

    async def document_message(self, update: Update, context: Context) -> None:
        """A document: imported when its caption is /import or /import asked for it just before."""
        message = update.effective_message
        if message is None or message.document is None or update.effective_chat is None:
            return
        user = update.effective_user
        key = (update.effective_chat.id, user.id if user else 0)
        asked = self._waiting.pop(key, None)
        captioned = (message.caption or "").split(maxsplit=1)[:1] in (
            ["/import"],
            [f"/import@{context.bot.username}"],
        )
        if not captioned and (asked is None or time.monotonic() - asked > WAIT_FOR_FILE):
            if update.effective_chat.type == ChatType.PRIVATE:
                await reply(update, t("To import the feeds in a file, send it with the caption /import."))
            return
        if not self.service.is_admin(actor_of(update)):
            raise PermissionDenied(NOT_ADMIN)
        await self._import(update, context, message.document)

    async def _import(self, update: Update, context: Context, document: Document) -> None:
        assert update.effective_chat is not None
        if document.file_size is not None and document.file_size > MAX_BYTES:
            await reply(
                update,
                t(
                    "That file is too large to be a feed list (the limit is {count} MB).",
                    count=MAX_BYTES // 1_000_000,
                ),
            )
            return
        await update.effective_chat.send_action(ChatAction.TYPING)
        try:
            file = await context.bot.get_file(document.file_id)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.info("downloading an import file failed: %s", exc)
            await reply(update, t("I could not download that file from Telegram. Send it again in a moment."))
            return
        report = await self.lists.import_list(actor_of(update), data)
        for part in import_summary(report):
            await reply(update, part)

    # /export -------------------------------------------------------------------------------

    async def export_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        data = self.lists.export_list(actor_of(update))
        count = len(self.service.all_sources())
        await message.reply_document(
            InputFile(data, filename="newsbot-sources.opml", attach=True),
            caption=tn(
                "{n} source as OPML: import it in any feed reader.",
                "{n} sources as OPML: import them in any feed reader.",
                count,
            ),
        )

    # /addsource on a page with several feeds ----------------------------------------------------

    def offer(self, choice: SeveralFeeds) -> tuple[str, InlineKeyboardMarkup]:
        rows = []
        for feed in choice.feeds[:8]:
            token = str(next(self._tokens))
            self._offers[token] = feed.url
            while len(self._offers) > _OFFERS:
                self._offers.popitem(last=False)
            label = shorten(feed.title or display_url(feed.url), 60, lambda s: s)
            rows.append([InlineKeyboardButton(label, callback_data=f"addfeed:{token}")])
        text = t(
            "{page} is a web page with {count} feeds. Tap the one to add:",
            page=escape(shorten(display_url(choice.page), 300)),
            count=len(choice.feeds),
        )
        return text, InlineKeyboardMarkup(rows)

    async def feed_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        url = self._offers.get(callback.data.partition(":")[2])
        if url is None:
            await callback.answer(t("That choice expired: send /addsource again."), show_alert=True)
            return
        await callback.answer(t("Adding…"))
        source = await self.service.add_source(actor_of(update), url)
        where = escape(shorten(display_url(source.url), 600))
        text = added_text(source.name, where)
        try:
            await callback.edit_message_text(text)
        except BadRequest as exc:
            log.debug("could not edit the feed choice: %s", exc)
            if isinstance(callback.message, Message):
                await callback.message.reply_text(text)


def added_text(name: str, where: str) -> str:
    return t(
        "Added <b>{name}</b> ({where}). Its new stories will be matched from the next poll.",
        name=escape(shorten(name, 200)),
        where=where,
    )


def _document_of(message: Message | None) -> Document | None:
    return message.document if message is not None and message.document is not None else None
