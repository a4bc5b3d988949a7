"""Sends alerts to Telegram chats and turns every failure into a `DeliveryResult`."""

from __future__ import annotations

import logging
import warnings
from dataclasses import replace
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

from bot.models import Alert, ChatRef, Digest
from bot.ports import DeliveryResult, DeliveryStatus, Progress
from bot.texts import N_
from handlers.i18n import t, use_language
from handlers.telegram.digest import render_digest, render_digest_plain
from handlers.telegram.flood import alert_rate_limit_args
from handlers.telegram.render import MAX_MESSAGE, render_alert, render_alert_plain, utf16_len

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Telegram's 400 descriptions for markup it cannot parse, e.g. "Can't parse entities: unsupported
# start tag "br" at byte offset 5" or "can't find end of the entity starting at byte offset 3".
_MARKUP_ERRORS = ("can't parse entities", "can't find end", "unsupported start tag", "unexpected end tag")
_TOPIC_GONE = ("message thread not found", "topic_deleted", "topic deleted", "thread_id_invalid")
TOPIC_GONE_NOTE = N_(
    "The topic these alerts were subscribed in is gone, so they come here now "
    "(/list shows them; subscribe again in a topic to move them there)."
)
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


def telegram_chat(chat_id: int | str, thread: int | None = None) -> ChatRef:
    return ChatRef("telegram", str(chat_id), str(thread) if thread else "")


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

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        # Telegram's paid broadcasts lift the bot-wide cap from ~30 to 1,000 messages/s, billed in
        # Stars per message above the free rate; PTB's rate limiter paces them on its own bucket.
        self.paid_broadcast = paid_broadcast

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        with use_language(alert.lang):  # the alert's own words (labels, times) in the chat's language
            return await self._send_alert(alert, progress)

    async def edit(self, alert: Alert, message_id: str) -> DeliveryResult:
        """Re-render a sent alert in place (editMessageText: no notification)."""
        with use_language(alert.lang):
            return await self._edit(alert, message_id)

    async def _send_alert(self, alert: Alert, progress: Progress | None) -> DeliveryResult:
        if alert.digest is not None:
            return await self._send_digest(alert, alert.digest, progress)
        if alert.plain:
            text, parse_mode = render_alert_plain(alert), None
        else:
            text, parse_mode = render_alert(alert), ParseMode.HTML
        try:
            message = await self._send(alert.chat, text, parse_mode, alert.image)
        except BadRequest as exc:
            if alert.chat.thread and _topic_gone(exc):
                return await self._to_general(alert, text, parse_mode)
            return self._failed(alert, exc)
        except Exception as exc:
            return self._failed(alert, exc)
        return DeliveryResult(DeliveryStatus.SENT, message_id=str(getattr(message, "message_id", "") or ""))

    async def _edit(self, alert: Alert, message_id: str) -> DeliveryResult:
        text, parse_mode = (
            (render_alert_plain(alert), None) if alert.plain else (render_alert(alert), ParseMode.HTML)
        )
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=telegram_chat_id(alert.chat),
                message_id=int(message_id),
                parse_mode=parse_mode,
                link_preview_options=image_preview(alert.image) if alert.image else NO_PREVIEW,
                **alert_rate_limit_args(self.bot),
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return DeliveryResult(DeliveryStatus.SENT, detail="not modified")
            return DeliveryResult(DeliveryStatus.FAILED, detail=str(exc))  # not found, can't be edited
        except Exception as exc:
            return self._failed(alert, exc)
        return DeliveryResult(DeliveryStatus.SENT, message_id=message_id)

    async def _send(self, chat: ChatRef, text: str, parse_mode: str | None, image: str = "") -> object:
        return await self.bot.send_message(
            chat_id=telegram_chat_id(chat),
            text=text,
            parse_mode=parse_mode,
            message_thread_id=int(chat.thread) if chat.thread else None,
            # the picture as a large preview above the text: the text keeps its 4,096 characters
            link_preview_options=image_preview(image) if image else NO_PREVIEW,
            **alert_rate_limit_args(self.bot),  # the outbox retries a 429, not PTB
            **({"allow_paid_broadcast": True} if self.paid_broadcast else {}),
        )

    async def _to_general(self, alert: Alert, text: str, parse_mode: str | None) -> DeliveryResult:
        """The topic was deleted: this alert goes to General with a note, the topic's subscriptions follow."""
        general = alert.chat.whole
        note = t(TOPIC_GONE_NOTE)
        note = f"<i>{note}</i>" if parse_mode else note
        try:
            if utf16_len(note) + 1 + utf16_len(text) <= MAX_MESSAGE:
                await self._send(general, f"{note}\n{text}", parse_mode, alert.image)
            else:
                await self._send(general, note, parse_mode)
                await self._send(general, text, parse_mode, alert.image)
        except Exception as exc:
            return self._failed(alert, exc)
        log.info(
            "topic %s is gone: alert %s sent to General; its subscriptions move there",
            alert.chat.key,
            alert.id,
        )
        return DeliveryResult(DeliveryStatus.SENT, detail="topic gone", new_chat=general)

    def _failed(self, alert: Alert, exc: Exception) -> DeliveryResult:
        result = classify(exc)
        if result.status is DeliveryStatus.FAILED and not isinstance(exc, TelegramError):
            log.exception("sending alert %s failed unexpectedly", alert.id)
        else:
            log.info("alert %s: %s (%s)", alert.id, result.status.value, result.detail)
        return result

    async def _send_digest(self, alert: Alert, digest: Digest, progress: Progress | None) -> DeliveryResult:
        """Each part in order, from the first not yet sent; a retry, or a restart after a crash
        (`progress` records each part sent), resumes where this one stopped."""
        if alert.plain:
            parts, parse_mode = render_digest_plain(digest), None
        else:
            parts, parse_mode = render_digest(digest), ParseMode.HTML
        for number in range(min(alert.parts_sent, len(parts)), len(parts)):
            try:
                await self._send(alert.chat, parts[number], parse_mode)
            except Exception as exc:
                result = classify(exc)
                status = result.status.value
                log.info("digest %s part %d: %s (%s)", alert.id, number + 1, status, result.detail)
                return replace(result, parts_sent=number) if result.status is DeliveryStatus.RETRY else result
            if progress is not None and number + 1 < len(parts):
                progress(number + 1)
        return DeliveryResult(DeliveryStatus.SENT)


def image_preview(url: str) -> LinkPreviewOptions:
    # is_disabled=False explicitly: the application default (no previews) would fill it in otherwise
    return LinkPreviewOptions(is_disabled=False, url=url, prefer_large_media=True, show_above_text=True)


def _topic_gone(exc: BadRequest) -> bool:
    lowered = str(exc).casefold()
    return any(marker in lowered for marker in _TOPIC_GONE)
