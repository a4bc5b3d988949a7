"""/sources, /addsource, /removesource."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatAction

from bot.ingest.finder import SeveralFeeds
from bot.service import NewsService
from bot.text.urls import display_url
from handlers.i18n import t
from handlers.telegram import views
from handlers.telegram.context import Context, actor_of, command_argument, reply
from handlers.telegram.feed_files import FeedFiles, added_text
from handlers.telegram.render import escape, shorten

log = logging.getLogger(__name__)


class SourceCommands:
    """The polled feeds: anyone may list them, admins add and remove."""

    def __init__(self, service: NewsService) -> None:
        self.service = service
        self.files: FeedFiles | None = None  # set by TelegramCommands: buttons for a page's feeds

    async def sources_command(self, update: Update, context: Context) -> None:
        detailed = self.service.is_admin(actor_of(update))  # feed addresses and errors: admins only
        for part in views.sources_messages(self.service.source_statuses(), detailed):
            await reply(update, part)

    async def addsource_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_chat is not None
        parts = command_argument(update.effective_message).split(maxsplit=1)
        if not parts:
            await reply(
                update,
                t(
                    "Usage: <code>/addsource &lt;feed url&gt; [name]</code>, e.g. "
                    "<code>/addsource https://example.com/rss.xml Example</code>"
                ),
            )
            return
        await update.effective_chat.send_action(ChatAction.TYPING)
        try:
            source = await self.service.add_source(
                actor_of(update), parts[0], parts[1] if len(parts) > 1 else None
            )
        except SeveralFeeds as choice:
            if self.files is None:
                raise
            text, markup = self.files.offer(choice)
            await update.effective_message.reply_text(text, reply_markup=markup)
            return
        where = escape(shorten(display_url(source.url), 600))  # no credentials or keys echoed
        await reply(update, added_text(source.name, where))

    async def stats_command(self, update: Update, context: Context) -> None:
        await reply(update, views.stats_message(self.service.stats(actor_of(update))))

    async def removesource_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        wanted = command_argument(update.effective_message)
        if not wanted:
            await reply(
                update, t("Usage: <code>/removesource &lt;name or url&gt;</code>. Send /sources to see them.")
            )
            return
        removed = self.service.remove_source(actor_of(update), wanted)
        await reply(update, t("Removed <b>{name}</b>.", name=escape(removed.name)))
