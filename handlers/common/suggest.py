"""Plain words in a private chat: the query they would make, for a "Subscribe to …" button.

Shared by the Telegram and Discord adapters: a word or two that parses as a query is offered
as a subscription (or named as one the chat already has); small talk and sentences are not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import QueryError
from bot.matching.query import Query, parse_query
from bot.models import ChatRef
from bot.service import NewsService

MAX_SUGGESTED_WORDS = 4  # a longer private message is a question or a sentence, not a query
# small talk is not a query: "hello there" gets the /help hint, not a subscribe button
SMALL_TALK = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "ok",
        "okay",
        "yes",
        "no",
        "help",
        "start",
        "stop",
        "bye",
        "please",
        "what",
        "why",
        "how",
        "who",
        "привет",
        "спасибо",
        "salam",
        "salom",
        "merhaba",
        "hallo",
        "bonjour",
        "hola",
    ]
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str  # the message with its spaces normalised: what a button would subscribe to
    query: Query | None  # None: not a query to offer (small talk, a sentence, invalid, too long)
    held: str | None = None  # the chat's subscription it already is


def suggest(service: NewsService, chat: ChatRef, message: str, fits: Callable[[str], bool]) -> Suggestion:
    """What to answer plain words with; `fits` says whether the text fits in a button's data."""
    text = " ".join(message.split())
    words = text.casefold().split()
    if (
        not words
        or len(words) > MAX_SUGGESTED_WORDS
        or words[0].strip("!?.,") in SMALL_TALK
        or not fits(text)
    ):
        return Suggestion(text, None)
    try:
        query = parse_query(text)
    except QueryError:
        return Suggestion(text, None)
    return Suggestion(text, query, service.subscribed(chat, query))
