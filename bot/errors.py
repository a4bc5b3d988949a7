"""One exception tree for the core. Messages are user-facing and safe to show.

A message is an English template marked with `N_` plus its parameters (`bot.texts.Text`), so
that the chat adapters can show it in the reader's language; `str(error)` is the English.
"""

from __future__ import annotations

from typing import Any

from bot.texts import Text


class NewsbotError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str = "", /, **params: Any) -> None:
        self.text = message if isinstance(message, Text) and not params else Text(message, **params)
        super().__init__(str(self.text))


class ConfigError(NewsbotError):
    """Bad configuration: the process cannot start."""


class QueryError(NewsbotError):
    """A subscription query that cannot be parsed; the message says what to fix."""


class SubscriptionError(NewsbotError):
    """A subscription request that cannot be done (limit reached, not subscribed...)."""


class RhythmError(NewsbotError):
    """A /digest, /quiet, /snooze or /timezone argument that cannot be understood; says what to type."""


class SourceError(NewsbotError):
    """A source that cannot be added or removed: bad URL, not public, not a feed."""


class PermissionDenied(NewsbotError):
    """An admin-only action asked by someone who is not an admin."""


class StorageError(NewsbotError):
    """The store cannot be read or written."""
