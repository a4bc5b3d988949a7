"""Where alerts land: /bind and /unbind (a channel managed from a private chat), /images, and
what the bot does when it is added to or removed from a chat (my_chat_member)."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.destinations import Destinations
from bot.texts import N_
from handlers.i18n import t, use_language
from handlers.telegram.context import Context, chat_of, command_argument, reply
from handlers.telegram.feed_files import FEED_PATTERN, FeedFiles
from handlers.telegram.gate import ADMIN_STATUSES, PermissionGate
from handlers.telegram.notifier import telegram_chat
from handlers.telegram.render import escape, shorten

log = logging.getLogger(__name__)

GREETING = N_(
    "Hello! I post news alerts here. An admin can start with <code>/subscribe SOCAR</code> "
    "(any keywords); /help lists everything."
)
BIND_USAGE = N_(
    "Usage: <code>/bind @yourchannel</code> (or the channel's numeric id). Make me an admin of the "
    "channel with the right to post first; you must be one of its admins too."
)
_PRESENT = frozenset({ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
_GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


def chat_title(chat: Chat) -> str:
    name = chat.title or (f"@{chat.username}" if chat.username else str(chat.id))
    return f"<b>{escape(shorten(name, 120))}</b>"


class DestinationCommands:
    def __init__(self, destinations: Destinations, gate: PermissionGate) -> None:
        self.destinations = destinations
        self.gate = gate

    async def bind_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_chat is not None
        if update.effective_chat.type != ChatType.PRIVATE:
            await reply(
                update, t("Send /bind in a private chat with me, to manage a channel's alerts from there.")
            )
            return
        wanted = command_argument(update.effective_message).split(maxsplit=1)
        user = update.effective_user
        if not wanted or user is None:
            await reply(update, t(BIND_USAGE))
            return
        name = wanted[0]
        ident: int | str = int(name) if name.lstrip("-").isdigit() else "@" + name.lstrip("@")
        try:
            channel = await context.bot.get_chat(ident)
        except (BadRequest, Forbidden):
            await reply(
                update,
                t("I can't see {name}. Add me to it as an admin first.", name=escape(shorten(name, 100))),
            )
            return
        if channel.type != ChatType.CHANNEL:
            await reply(
                update, t("That is not a channel. In a group, send your commands in the group itself.")
            )
            return
        try:
            member = await context.bot.get_chat_member(channel.id, user.id)
            me = await context.bot.get_chat_member(channel.id, context.bot.id)
        except TelegramError as exc:
            log.info("getChatMember for channel %s failed: %s", channel.id, exc)
            await reply(
                update, t("I could not check the channel's admins (Telegram did not answer). Try again.")
            )
            return
        if member.status not in ADMIN_STATUSES:
            await reply(
                update, t("Only the admins of {channel} can manage its alerts.", channel=chat_title(channel))
            )
            return
        if me.status not in ADMIN_STATUSES or getattr(me, "can_post_messages", True) is False:
            await reply(
                update,
                t(
                    "Make me an admin of {channel} with the right to post messages first.",
                    channel=chat_title(channel),
                ),
            )
            return
        if self.gate.admins is not None:
            self.gate.admins.remember(str(channel.id), str(user.id), True)
        self.destinations.bind(chat_of(update), telegram_chat(channel.id))
        await reply(
            update,
            t(
                "This chat now manages {channel}: /subscribe, /unsubscribe, /list, /latest, "
                "/pause, /resume and /images apply to the channel. Send /unbind to "
                "manage your own alerts again.",
                channel=chat_title(channel),
            ),
        )

    async def unbind_command(self, update: Update, context: Context) -> None:
        channel = self.destinations.unbind(chat_of(update))
        if channel is None:
            await reply(update, t("This chat is not bound to a channel. /bind @channel binds it."))
            return
        await reply(update, t("Unbound: your commands manage this chat's own alerts again."))

    async def images_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        word = command_argument(update.effective_message).lower()
        chat = self.destinations.target(chat_of(update))
        if word not in ("on", "off"):
            if self.destinations.repos.chats.get(chat).images:
                now = t("Images in alerts are on.")
            else:
                now = t("Images in alerts are off.")
            await reply(update, now + " " + t("Send <code>/images off</code> or <code>/images on</code>."))
            return
        on = word == "on"
        if not self.destinations.set_images(chat, on):
            await reply(update, t("Images were already on.") if on else t("Images were already off."))
            return
        await reply(
            update,
            t("Alerts here will show the story's picture.") if on else t("Alerts here will be text only."),
        )

    async def threads_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        word = command_argument(update.effective_message).lower()
        chat = self.destinations.target(chat_of(update))
        if word not in ("on", "off"):
            now = (
                t("Threads are on.")
                if self.destinations.repos.chats.get(chat).threads
                else t("Threads are off.")
            )
            how = t(
                "Send <code>/threads off</code> to get every report of a story as "
                "its own alert, or <code>/threads on</code> to get one alert per story, with later "
                "reports added to it (\u201cAlso reported by\u201d, no new notification)."
            )
            await reply(update, f"{now} {how}")
            return
        on = word == "on"
        if not self.destinations.set_threads(chat, on):
            await reply(update, t("Threads were already on.") if on else t("Threads were already off."))
            return
        if on:
            await reply(update, t("From now on: one alert per story; later reports are added to it."))
        else:
            await reply(update, t("From now on: every report as its own alert."))

    async def my_chat_member_update(self, update: Update, context: Context) -> None:
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None:
            return
        chat = telegram_chat(change.chat.id)
        old, new = change.old_chat_member.status, change.new_chat_member.status
        if new in _GONE:
            self.destinations.left(chat)
            if self.gate.admins is not None:
                self.gate.admins.forget(str(change.chat.id))
            log.info("removed from chat %s (%s): its subscriptions are forgotten in 30 days", chat.key, new)
            return
        if new in _PRESENT and (old in _GONE or old == ChatMemberStatus.RESTRICTED):
            self.destinations.joined(chat)
            log.info("added to chat %s (%s)", chat.key, change.chat.type)
            if change.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
                try:
                    # in the group's language if it has one, else in that of whoever added us
                    chosen = self.destinations.repos.chats.get(chat).language
                    with use_language(chosen or change.from_user.language_code):
                        greeting = t(GREETING)
                    await context.bot.send_message(change.chat.id, greeting)
                except TelegramError as exc:  # e.g. added without the right to post
                    log.info("could not greet chat %s: %s", chat.key, exc)


IMPORT_CAPTION = filters.CaptionRegex(r"^/import(?:@\w+)?(?:\s|$)")


def destination_handlers(
    places: DestinationCommands, files: FeedFiles
) -> list[BaseHandler[Update, Context, object]]:
    """Channels, topics, membership and feed files; tried before the catch-all handlers."""
    return [
        ChatMemberHandler(places.my_chat_member_update, ChatMemberHandler.MY_CHAT_MEMBER),
        CommandHandler("bind", places.bind_command),
        CommandHandler("unbind", places.unbind_command),
        CommandHandler("images", places.images_command),
        CommandHandler("threads", places.threads_command),
        # vetting every listed feed takes a while: do not hold other chats' updates behind it
        CommandHandler("import", files.import_command, block=False),
        # a document for /import (captioned, or sent after /import); other captions are commands
        MessageHandler(
            filters.Document.ALL & (IMPORT_CAPTION | ~filters.CAPTION), files.document_message, block=False
        ),
        CommandHandler("export", files.export_command),
        CallbackQueryHandler(files.feed_button, pattern=FEED_PATTERN, block=False),
    ]
