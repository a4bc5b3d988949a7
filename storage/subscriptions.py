"""Subscriptions in the main TinyDB file, with an in-memory index so a subscribe never scans."""

from __future__ import annotations

from tinydb import TinyDB

from bot.models import ChatRef, Subscription
from storage.atomic import AtomicJSONStorage
from storage.codec import subscription_doc, subscription_from


class TinyDBSubscriptionRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._table = db.table("subscriptions")
        self._storage = storage
        # chat key -> query -> (doc id, record); dicts keep insertion (= oldest first) order
        self._by_chat: dict[str, dict[str, tuple[int, Subscription]]] = {}
        docs = sorted(self._table.all(), key=lambda d: d.doc_id)
        for doc in docs:
            sub = subscription_from(doc)
            self._by_chat.setdefault(sub.chat.key, {})[sub.query] = (doc.doc_id, sub)

    def add(self, sub: Subscription) -> bool:
        queries = self._by_chat.get(sub.chat.key, {})
        if sub.query in queries:
            return False
        doc_id = self._table.insert(subscription_doc(sub))
        self._by_chat.setdefault(sub.chat.key, {})[sub.query] = (doc_id, sub)
        return True

    def remove(self, chat: ChatRef, query: str) -> bool:
        queries = self._by_chat.get(chat.key, {})
        entry = queries.get(query)
        if entry is None:
            return False
        self._table.remove(doc_ids=[entry[0]])
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
        duplicates = [doc_id for query, (doc_id, _) in moving.items() if query in target]
        transfers = {query: entry for query, entry in moving.items() if query not in target}
        with self._storage.batch():  # one durable write for the whole migration
            if duplicates:
                self._table.remove(doc_ids=duplicates)
            if transfers:
                self._table.update({"chat": new.key}, doc_ids=[doc_id for doc_id, _ in transfers.values()])
        merged = dict(target)
        for query, (doc_id, sub) in transfers.items():
            merged[query] = (doc_id, Subscription(new, sub.query, sub.created, sub.typed))
        del self._by_chat[old.key]
        self._by_chat[new.key] = merged
        return len(transfers)
