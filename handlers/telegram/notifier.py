"""Sends alerts to Telegram chats and turns every failure into a `DeliveryResult`."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.models import Alert, ChatRef
from bot.ports import DeliveryResult, DeliveryStatus
from handlers.telegram.flood import alert_rate_limit_args
from handlers.telegram.render import render_alert, render_alert_plain

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Telegram's 400 descriptions for markup it cannot parse, e.g. "Can't parse entities: unsupported
# start tag "br" at byte offset 5" or "can't find end of the entity starting at byte offset 3".
_MARKUP_ERRORS = ("can't parse entities", "can't find end", "unsupported start tag", "unexpected end tag")
_GONE_ERRORS = (
    "chat not found",
    "user not found",
    "chat_write_forbidden",
    "not enough rights",
    "have no rights",
)


def telegram_chat_id(chat: ChatRef) -> int | str:
    """Numeric ids go to the API as ints; "@channel" usernames stay strings."""
    try:
        return int(chat.id)
    except ValueError:
        return chat.id


def telegram_chat(chat_id: int | str) -> ChatRef:
    return ChatRef("telegram", str(chat_id))


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; accept either form
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: Exception) -> DeliveryResult:
    """Map a send failure to what the outbox should do with the alert."""
    detail = str(exc)
    if isinstance(exc, RetryAfter):
        return DeliveryResult(DeliveryStatus.RETRY, retry_after=_retry_seconds(exc), detail=detail)
    if isinstance(exc, ChatMigrated):
        return DeliveryResult(DeliveryStatus.MIGRATED, detail=detail, new_chat=telegram_chat(exc.new_chat_id))
    if isinstance(exc, Forbidden):  # blocked, kicked, user deactivated
        return DeliveryResult(DeliveryStatus.BLOCKED, detail=detail)
    if isinstance(exc, BadRequest):
        lowered = detail.casefold()
        if any(marker in lowered for marker in _MARKUP_ERRORS):
            return DeliveryResult(DeliveryStatus.MARKUP_REJECTED, detail=detail)
        if any(marker in lowered for marker in _GONE_ERRORS):
            return DeliveryResult(DeliveryStatus.BLOCKED, detail=detail)
        return DeliveryResult(DeliveryStatus.FAILED, detail=detail)
    if isinstance(exc, InvalidToken):  # the token was revoked while running: not this alert's fault
        return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
    # TimedOut is a NetworkError, and so are 5xx answers; anything else from Telegram is worth a retry
    if isinstance(exc, NetworkError | TelegramError):
        return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
    return DeliveryResult(DeliveryStatus.FAILED, detail=f"{type(exc).__name__}: {detail}")


class TelegramNotifier:
    platforms = ("telegram",)

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, alert: Alert) -> DeliveryResult:
        if alert.plain:
            text, parse_mode = render_alert_plain(alert), None
        else:
            text, parse_mode = render_alert(alert), ParseMode.HTML
        try:
            await self.bot.send_message(
                chat_id=telegram_chat_id(alert.chat),
                text=text,
                parse_mode=parse_mode,
                link_preview_options=NO_PREVIEW,
                **alert_rate_limit_args(self.bot),  # the outbox retries a 429, not PTB
            )
        except Exception as exc:
            result = classify(exc)
            if result.status is DeliveryStatus.FAILED and not isinstance(exc, TelegramError):
                log.exception("sending alert %s failed unexpectedly", alert.id)
            else:
                log.info("alert %s: %s (%s)", alert.id, result.status.value, result.detail)
            return result
        return DeliveryResult(DeliveryStatus.SENT)
