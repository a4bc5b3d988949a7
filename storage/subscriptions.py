"""Subscriptions of the main TinyDB file, held in memory by chat and changed through its journal,
so a /subscribe appends one line instead of rewriting the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.models import ChatRef, Subscription
from storage.atomic import AtomicJSONStorage
from storage.codec import subscription_doc, subscription_from
from storage.journal import Change, TableJournal

TABLE = "subscriptions"


class TinyDBSubscriptionRepo:
    def __init__(self, storage: AtomicJSONStorage, journal: TableJournal) -> None:
        self._storage = storage  # storage.snapshot batches an import's writes on it
        self._journal = journal
        # chat key -> query -> (doc id, record); dicts keep insertion (= oldest first) order
        self._by_chat: dict[str, dict[str, tuple[int, Subscription]]] = {}
        docs = storage.adopt(TABLE, self._render)
        chats: dict[str, ChatRef] = {}  # one ChatRef per chat, shared by its subscriptions
        for doc_id in sorted(docs, key=int):
            sub = subscription_from(docs[doc_id], chats)
            self._by_chat.setdefault(sub.chat.key, {})[sub.query] = (int(doc_id), sub)
        self._next_id = max(map(int, docs), default=0) + 1

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for queries in self._by_chat.values():
            for doc_id, sub in queries.values():
                yield str(doc_id), subscription_doc(sub)

    def add(self, sub: Subscription) -> bool:
        queries = self._by_chat.get(sub.chat.key, {})
        if sub.query in queries:
            return False
        doc_id = self._next_id
        self._journal.write([(TABLE, str(doc_id), subscription_doc(sub))])  # durable before we acknowledge
        self._next_id += 1
        self._by_chat.setdefault(sub.chat.key, {})[sub.query] = (doc_id, sub)
        return True

    def remove(self, chat: ChatRef, query: str) -> bool:
        queries = self._by_chat.get(chat.key, {})
        entry = queries.get(query)
        if entry is None:
            return False
        self._journal.write([(TABLE, str(entry[0]), None)])
        del queries[query]
        if not queries:
            del self._by_chat[chat.key]
        return True

    def for_chat(self, chat: ChatRef) -> list[Subscription]:
        return [sub for _, sub in self._by_chat.get(chat.key, {}).values()]

    def all(self) -> list[Subscription]:
        entries = [entry for queries in self._by_chat.values() for entry in queries.values()]
        return [sub for _, sub in sorted(entries, key=lambda e: e[0])]

    def move_chat(self, old: ChatRef, new: ChatRef) -> int:
        if old.key == new.key:
            return 0
        moving = self._by_chat.get(old.key, {})
        if not moving:
            return 0
        target = self._by_chat.get(new.key, {})
        merged = dict(target)
        changes: list[Change] = []
        moved = 0
        for query, (doc_id, sub) in moving.items():
            if query in target:
                changes.append((TABLE, str(doc_id), None))
                continue
            merged[query] = (doc_id, Subscription(new, sub.query, sub.created, sub.typed))
            changes.append((TABLE, str(doc_id), subscription_doc(merged[query][1])))
            moved += 1
        self._journal.write(changes)  # one line: the whole migration or none of it
        del self._by_chat[old.key]
        self._by_chat[new.key] = merged
        return moved
