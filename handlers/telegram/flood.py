"""Flood control: command replies wait out Telegram's retry_after; alerts leave it to the outbox.

One `AIORateLimiter` paces every request (about 30 messages a second, 20 a minute per group).
On a 429 it retries a request up to `REPLY_RETRIES` times, sleeping retry_after each time, so a
command's reply (and every part of a multi-part reply, in order: each part is awaited) arrives
late rather than never. Alerts must not sleep inside PTB: the dispatcher's outbox keeps them on
disk and retries them itself, so the notifier sends them with `NO_RETRIES`.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.ext import AIORateLimiter

REPLY_RETRIES = 6


class _NoRetries(int):
    """Zero retries that survive AIORateLimiter's `rate_limit_args or max_retries` (0 is falsy)."""

    def __bool__(self) -> bool:
        return True


NO_RETRIES = _NoRetries(0)


def _not_a_handled_429(record: logging.LogRecord) -> bool:
    # With no retries the limiter logs every alert's 429 at ERROR with a traceback before
    # re-raising; the notifier classifies it and the outbox waits retry_after: not an error here.
    return not record.getMessage().startswith("Rate limit hit after maximum of 0 retries")


def flood_safe_limiter() -> AIORateLimiter:
    limiter_log = logging.getLogger("telegram.ext.AIORateLimiter")
    if _not_a_handled_429 not in limiter_log.filters:
        limiter_log.addFilter(_not_a_handled_429)
    return AIORateLimiter(max_retries=REPLY_RETRIES)


def alert_rate_limit_args(bot: Bot) -> dict[str, int]:
    """Keyword arguments for an alert's send: no retries, when the bot has a rate limiter at all."""
    return {"rate_limit_args": NO_RETRIES} if getattr(bot, "rate_limiter", None) is not None else {}
