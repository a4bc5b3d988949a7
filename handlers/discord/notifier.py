"""Sends outbox alerts through the bot: to a channel, or to a user by direct message.

`send` never raises: every failure becomes a `DeliveryResult` the dispatcher acts on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import aiohttp
import discord

from bot.models import Alert, ChatRef
from bot.ports import DeliveryResult, DeliveryStatus, Progress
from handlers.discord.digest import digest_messages, digest_texts
from handlers.discord.render import alert_embed, alert_text
from handlers.i18n import use_language

log = logging.getLogger(__name__)

CHANNEL = "discord"
DIRECT = "discord-dm"
INVALID_FORM_BODY = 50035  # Discord's code for a payload it will not accept (e.g. an embed it rejects)
CANNOT_DM_USER = 50007  # the user shares no server with the bot any more, or closed their DMs


def classify_error(exc: BaseException, alert: Alert) -> DeliveryResult:
    """What a failed send means for the outbox."""
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, discord.RateLimited):
        return DeliveryResult(DeliveryStatus.RETRY, retry_after=exc.retry_after, detail="rate limited")
    if isinstance(exc, discord.Forbidden | discord.NotFound):
        return DeliveryResult(DeliveryStatus.BLOCKED, detail=detail)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return DeliveryResult(DeliveryStatus.RETRY, retry_after=_retry_after(exc), detail="rate limited")
        if exc.status >= 500:
            return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
        if exc.status == 401:  # our token stopped working: keep the alert until the operator fixes it
            return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
        if exc.status == 400 and exc.code == INVALID_FORM_BODY and not alert.plain:
            return DeliveryResult(DeliveryStatus.MARKUP_REJECTED, detail=detail)
        return DeliveryResult(DeliveryStatus.FAILED, detail=detail)
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError | OSError | discord.GatewayNotFound):
        return DeliveryResult(DeliveryStatus.RETRY, detail=detail)
    return DeliveryResult(DeliveryStatus.RETRY, detail=f"unexpected {detail}")


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers: Any = getattr(exc.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


def send_kwargs(alert: Alert) -> dict[str, Any]:
    with use_language(alert.lang):  # the alert's own words (labels, times) in the chat's language
        return _send_kwargs(alert)


def _send_kwargs(alert: Alert) -> dict[str, Any]:
    if alert.plain:
        return {"content": alert_text(alert), "allowed_mentions": discord.AllowedMentions.none()}
    return {
        "embed": discord.Embed.from_dict(alert_embed(alert)),
        "allowed_mentions": discord.AllowedMentions.none(),
    }


def send_parts(alert: Alert) -> list[dict[str, Any]]:
    """The messages of one outbox entry: one for an alert, one or more for a digest."""
    with use_language(alert.lang):
        return _send_parts(alert)


def _send_parts(alert: Alert) -> list[dict[str, Any]]:
    if alert.digest is None:
        return [send_kwargs(alert)]
    none = discord.AllowedMentions.none()
    if alert.plain:
        return [{"content": text, "allowed_mentions": none} for text in digest_texts(alert.digest)]
    return [
        {
            "content": m["content"],
            "embeds": [discord.Embed.from_dict(e) for e in m["embeds"]],
            "allowed_mentions": none,
        }
        for m in digest_messages(alert.digest)
    ]


class DiscordNotifier:
    platforms = (CHANNEL, DIRECT)

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        if self.client.http.token is None:  # not logged in (yet, or any more)
            return DeliveryResult(DeliveryStatus.RETRY, detail="Discord client not logged in")
        sent = alert.parts_sent
        try:
            target = await self._target(alert.chat)
            message = None
            parts = send_parts(alert)
            for kwargs in parts[alert.parts_sent :]:
                posted = await target.send(**kwargs)
                message = message or posted  # the first part is the one a later report edits
                sent += 1
                if progress is not None and sent < len(parts):
                    progress(sent)  # a restart after a crash resumes after this part
        except ValueError as exc:  # a chat id that is not a snowflake: nothing will ever reach it
            return DeliveryResult(DeliveryStatus.BLOCKED, detail=str(exc))
        except Exception as exc:
            result = classify_error(exc, alert)
            if result.detail.startswith("unexpected"):
                log.exception("unexpected error sending %s", alert.id)
            if alert.digest is not None and result.status is DeliveryStatus.RETRY:
                return replace(result, parts_sent=sent)  # a digest resumes at the part that failed
            return result
        return DeliveryResult(DeliveryStatus.SENT, message_id=str(getattr(message, "id", "") or ""))

    async def edit(self, alert: Alert, message_id: str) -> DeliveryResult:
        """The sent embed again, now with its "Also reported by" field (an edit does not notify)."""
        if self.client.http.token is None:
            return DeliveryResult(DeliveryStatus.RETRY, detail="Discord client not logged in")
        try:
            target = await self._target(alert.chat)
            await target.get_partial_message(int(message_id)).edit(**send_kwargs(alert))  # type: ignore[attr-defined]
        except discord.NotFound as exc:  # deleted: left alone, never retried
            return DeliveryResult(DeliveryStatus.FAILED, detail=str(exc))
        except Exception as exc:
            return classify_error(exc, alert)
        return DeliveryResult(DeliveryStatus.SENT, message_id=message_id)

    async def _target(self, chat: ChatRef) -> discord.abc.Messageable:
        ident = int(chat.id)
        if chat.platform == DIRECT:
            # create_dm answers from the cache after the first call: one request per alert
            return await self.client.create_dm(discord.Object(id=ident))
        if chat.platform == CHANNEL:
            # a partial channel sends without fetching the channel first
            return self.client.get_partial_messageable(ident)
        raise ValueError(f"not a Discord chat: {chat.key}")
