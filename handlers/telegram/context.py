"""What every Telegram callback needs: the typed context, who and where, the command's argument, a reply."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.models import ChatRef
from bot.sources_service import Actor
from handlers.telegram.notifier import telegram_chat
from handlers.telegram.render import escape, shorten

Context = ContextTypes.DEFAULT_TYPE


def command_argument(message: Message) -> str:
    """Everything after the command word, as typed (quotes and spacing inside kept)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def chat_of(update: Update) -> ChatRef:
    """The chat the update came from; in a forum supergroup, the topic it was sent in."""
    chat = update.effective_chat
    assert chat is not None  # every handler below is filtered to chat messages
    message = update.effective_message
    topic = getattr(message, "is_topic_message", False) and chat.is_forum
    return telegram_chat(chat.id, getattr(message, "message_thread_id", None) if topic else None)


def actor_of(update: Update) -> Actor:
    user = update.effective_user
    user_id = str(user.id) if user else ""
    return Actor("telegram", user_id, admin_id=user_id or None)  # NEWSBOT_ADMINS lists Telegram ids


def quoted(query: str) -> str:
    return f"<code>{escape(shorten(query, 400))}</code>"


async def reply(update: Update, text: str) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)
