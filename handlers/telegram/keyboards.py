"""Inline buttons for /unsubscribe. callback_data is at most 64 bytes, so a button carries a
short hash of its query, resolved against the chat's subscriptions when tapped."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.i18n import tn

UNSUBSCRIBE_PREFIX = "unsub:"
UNSUBSCRIBE_PATTERN = r"^unsub:[0-9a-f]+$"
ALL_YES, ALL_NO = "unsuball:yes", "unsuball:no"
ALL_PATTERN = r"^unsuball:(?:yes|no)$"
BUTTONS_PER_MESSAGE = 50  # Telegram refuses keyboards of more than about 100 buttons
LABEL_CHARS = 60


def query_token(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:12]


def callback_data(query: str) -> str:
    return UNSUBSCRIBE_PREFIX + query_token(query)


def token_of(data: str) -> str:
    return data.removeprefix(UNSUBSCRIBE_PREFIX)


def resolve(token: str, queries: Sequence[str]) -> str | None:
    """The current subscription a tapped button stands for; None when it is already gone."""
    return next((q for q in queries if query_token(q) == token), None)


def label(query: str) -> str:
    return "✖ " + (query if len(query) <= LABEL_CHARS else query[: LABEL_CHARS - 1] + "…")


def unsubscribe_keyboards(queries: Sequence[str]) -> list[InlineKeyboardMarkup]:
    """One keyboard (one button a row) for each message the menu needs."""
    return [
        InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label(q), callback_data=callback_data(q))]
                for q in queries[start : start + BUTTONS_PER_MESSAGE]
            ]
        )
        for start in range(0, len(queries), BUTTONS_PER_MESSAGE)
    ]


def without_button(markup: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """The keyboard minus the tapped button; None when no button is left."""
    if markup is None:
        return None
    rows = [[b for b in row if b.callback_data != data] for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def confirm_all(count: int) -> InlineKeyboardMarkup:
    """/unsubscribe all asks first: one tap must not lose a chat's every subscription by accident."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tn("Remove it", "Remove all {n}", count), callback_data=ALL_YES)],
         [InlineKeyboardButton(tn("Keep it", "Keep them", count), callback_data=ALL_NO)]]
    )  # fmt: skip
