"""The in-memory view of every subscription: which chats hold which query.

The matching index is keyed by normalised query, so 10,000 users following
"SOCAR" cost one index entry; this module maps each query back to its chats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.matching.document import Document
from bot.matching.index import SubscriptionIndex
from bot.matching.query import MAX_QUERY_CHARS, Query, parse_query
from bot.models import ChatRef, Subscription

STORED_QUERY_CHARS = 4 * MAX_QUERY_CHARS  # normal forms quote hyphenated words, unfold ligatures


class SubscriptionBook:
    def __init__(self) -> None:
        self._index = SubscriptionIndex()
        self._queries: dict[str, Query] = {}
        self._chats: dict[str, set[ChatRef]] = {}
        # stored text -> normalised form, for rows stored by an older normaliser
        self._aliases: dict[str, str] = {}
        self._typed: dict[tuple[str, ChatRef], str] = {}  # (normal form, chat) -> as that chat typed it

    def load(self, subs: Iterable[Subscription]) -> list[str]:
        """Index stored subscriptions; returns the stored queries that no longer parse."""
        broken: list[str] = []
        for sub in subs:
            query = None
            if sub.typed:  # the words as typed carry what folding loses (й, ı): keys per language
                try:
                    query = parse_query(sub.typed, max_chars=STORED_QUERY_CHARS, stored=True)
                except Exception:
                    query = None
                if query is not None and query.normalized != sub.query:
                    query = None  # typed under other rules: the stored normal form decides
            if query is None:
                try:
                    query = parse_query(sub.query, max_chars=STORED_QUERY_CHARS, stored=True)
                except Exception:  # a query stored by an older, laxer parser: keep it stored, skip it
                    broken.append(sub.query)
                    continue
            if query.normalized != sub.query:
                self._aliases[sub.query] = query.normalized
            self.add(sub.chat, replace(query, typed=sub.typed))
        return broken

    def add(self, chat: ChatRef, query: Query) -> None:
        key = query.normalized  # the index reports matches by this key
        if key not in self._queries:
            self._queries[key] = query
            self._index.add(query)
        self._chats.setdefault(key, set()).add(chat)
        if query.typed:
            self._typed[(key, chat)] = query.typed

    def remove(self, chat: ChatRef, stored: str) -> None:
        key = self._aliases.get(stored, stored)
        chats = self._chats.get(key)
        if chats is None:
            return
        chats.discard(chat)
        self._typed.pop((key, chat), None)
        if not chats:
            del self._chats[key]
            self._queries.pop(key, None)
            self._index.remove(key)

    def move_chat(self, old: ChatRef, new: ChatRef) -> None:
        for chats in self._chats.values():
            if old in chats:
                chats.discard(old)
                chats.add(new)
        for key, chat in list(self._typed):
            if chat == old:
                self._typed[(key, new)] = self._typed.pop((key, chat))

    def query(self, stored: str) -> Query | None:
        return self._queries.get(self._aliases.get(stored, stored))

    def __len__(self) -> int:
        return sum(len(c) for c in self._chats.values())

    def match(self, doc: Document) -> dict[ChatRef, list[Query]]:
        """Every chat with at least one matching query, with all of its matching queries."""
        found: dict[ChatRef, list[Query]] = {}
        for normalized in sorted(self._index.match(doc)):
            query = self._queries.get(normalized)
            if query is None:  # the index and the book disagree: a bug, but not worth a lost cycle
                continue
            for chat in self._chats.get(normalized, ()):
                typed = self._typed.get((normalized, chat), "")
                found.setdefault(chat, []).append(
                    replace(query, typed=typed) if typed != query.typed else query
                )
        return found
