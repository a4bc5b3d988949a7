"""A query carried by a button: the query itself when it fits the button's data, else a short
token kept in memory (a button made before a restart then answers "send /latest again")."""

from __future__ import annotations

import hashlib
from collections import OrderedDict

SUBSCRIPTIONS = "*"  # the button's query is the chat's subscriptions
_KEEP = 1000


class QueryTokens:
    def __init__(self) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()

    def token(self, text: str, room: int) -> str:
        """`text` itself when it takes at most `room` bytes, else "#<hash>"; "*" for no text."""
        if not text:
            return SUBSCRIPTIONS
        if len(text.encode()) <= room and not text.startswith(("#", SUBSCRIPTIONS)):
            return text
        key = "#" + hashlib.sha256(text.encode()).hexdigest()[:16]
        self._long[key] = text
        self._long.move_to_end(key)
        while len(self._long) > _KEEP:
            self._long.popitem(last=False)
        return key

    def query_of(self, token: str) -> str | None:
        """The query a token stands for ("" for the subscriptions); None when it is forgotten."""
        if token == SUBSCRIPTIONS:
            return ""
        if token.startswith("#"):
            return self._long.get(token)
        return token or None
