"""Group permissions, checked before any command runs (its own handler group).

In groups and supergroups only administrators (getChatMember, cached a few minutes; an
anonymous admin posts as the group itself) may run a command that changes the group's alerts;
reading commands are for everyone (`bot.permissions`). A private chat bound to a channel acts
for that channel only while its user still administers it. `NEWSBOT_OPEN_GROUPS=1` opens groups.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CommandHandler

from bot.clock import SystemClock
from bot.destinations import Destinations
from bot.permissions import REFUSAL, AdminCache, ChatKind, PermissionPolicy
from bot.ports import Clock
from bot.texts import N_
from handlers.i18n import t
from handlers.telegram.context import Context, chat_of, command_argument

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
CHECK_FAILED = N_(
    "I could not check whether you are an admin here (Telegram did not answer). Try again in a minute."
)
NOT_CHANNEL_ADMIN = N_(
    "You are no longer an admin of the channel this chat is bound to. Send /unbind to manage your own alerts."
)
_KINDS = {
    ChatType.PRIVATE: ChatKind.PRIVATE,
    ChatType.GROUP: ChatKind.GROUP,
    ChatType.SUPERGROUP: ChatKind.GROUP,
    ChatType.CHANNEL: ChatKind.CHANNEL,
}
GROUP_BUTTONS_FOR_ALL: tuple[str, ...] = ()  # callback data prefixes any member may tap (reads)


def command_name(message: Message, bot_username: str) -> str | None:
    """The command a message starts with, when it is addressed to us ("/list@OtherBot" is not)."""
    entities = message.entities or ()
    if not message.text or not entities or entities[0].type != "bot_command" or entities[0].offset != 0:
        return None
    word = message.text[1 : entities[0].length]
    name, _, addressee = word.partition("@")
    if addressee and addressee.casefold() != bot_username.casefold():
        return None
    return name.lower()


class PermissionGate:
    def __init__(
        self,
        destinations: Destinations,
        policy: PermissionPolicy,
        clock: Clock | None = None,
        admins: AdminCache | None = None,
    ) -> None:
        self.destinations = destinations
        self.policy = policy
        self.admins: AdminCache | None = admins
        self._clock = clock or SystemClock()

    def _cache(self, context: Context) -> AdminCache:
        if self.admins is None:
            bot = context.bot

            async def lookup(chat_id: str, user_id: str) -> bool:
                member = await bot.get_chat_member(int(chat_id), int(user_id))
                return member.status in ADMIN_STATUSES

            self.admins = AdminCache(lookup, self._clock)
        return self.admins

    async def check(self, update: Update, context: Context) -> None:
        """Raises ApplicationHandlerStop (after a refusal) when the sender may not do this here."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None:
            return
        if update.callback_query is not None:
            data = update.callback_query.data or ""
            if data.startswith(GROUP_BUTTONS_FOR_ALL) and GROUP_BUTTONS_FOR_ALL:
                return
            name: str | None = "button"
            argument = ""
        else:
            name = command_name(message, context.bot.username or "")
            if name is None or name not in _known_commands(context):
                return
            argument = command_argument(message)
        kind = _KINDS.get(chat.type, ChatKind.GROUP)
        if kind is ChatKind.PRIVATE:
            await self._check_binding(update, context, name, argument)
            return
        if not self.policy.needs_admin(kind, name, argument):
            return
        if message.sender_chat is not None and update.callback_query is None:
            if message.sender_chat.id == chat.id:
                return  # an anonymous admin speaks as the group itself
            await self._refuse(update, REFUSAL)
        user = update.effective_user
        if user is None:
            await self._refuse(update, REFUSAL)
            return
        try:
            allowed = await self._cache(context).is_admin(str(chat.id), str(user.id))
        except TelegramError as exc:
            log.info("getChatMember for chat %s failed: %s", chat.id, exc)
            await self._refuse(update, CHECK_FAILED)
            return
        if not allowed:
            await self._refuse(update, REFUSAL)

    async def _check_binding(self, update: Update, context: Context, name: str, argument: str) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or name in ("bind", "unbind", "start", "help"):
            return
        bound = self.destinations.bound_to(chat_of(update))
        if bound is None or not self.policy.needs_admin(ChatKind.GROUP, name, argument):
            return
        try:
            allowed = await self._cache(context).is_admin(bound.id, str(user.id))
        except TelegramError as exc:
            log.info("getChatMember for channel %s failed: %s", bound.id, exc)
            await self._refuse(update, CHECK_FAILED)
            return
        if not allowed:
            await self._refuse(update, NOT_CHANNEL_ADMIN)

    async def _refuse(self, update: Update, text: str) -> None:
        text = t(text)  # one of the refusals above, in the chat's language
        callback = update.callback_query
        try:
            if callback is not None:
                await callback.answer(text[:200], show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)
        except TelegramError as exc:
            log.info("could not send a permission refusal: %s", exc)
        raise ApplicationHandlerStop


def _known_commands(context: Context) -> frozenset[str]:
    """Every command some handler of the application answers (other features' commands too)."""
    names: set[str] = set()
    for handlers in context.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names.update(handler.commands)
    return frozenset(names)
