"""Delivered alerts and the message each became (issue 12: later reports edit it), in the main file,
changed through its journal (one line per delivered alert, not a rewrite of the file).

One record per (chat, event); records older than the edit window are pruned on write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.models import ChatRef, SentAlert
from storage.atomic import AtomicJSONStorage
from storage.codec import alert_doc, alert_from, dt_in, dt_out
from storage.journal import TableJournal

TABLE = "sent"
Key = tuple[str, str]  # (chat key, event)


def _doc(sent: SentAlert) -> dict[str, Any]:
    return {"alert": alert_doc(sent.alert), "message_id": sent.message_id, "sent_at": dt_out(sent.sent_at)}


class TinyDBSentRepo:
    def __init__(self, storage: AtomicJSONStorage, journal: TableJournal) -> None:
        self._journal = journal
        self._records: dict[Key, tuple[int, SentAlert]] = {}
        docs = storage.adopt(TABLE, self._render)
        for doc_id in sorted(docs, key=int):
            doc = docs[doc_id]
            sent = SentAlert(alert_from(doc["alert"]), str(doc["message_id"]), dt_in(doc["sent_at"]))  # type: ignore[arg-type]
            self._records[(sent.chat.key, sent.event)] = (int(doc_id), sent)
        self._next_id = max(map(int, docs), default=0) + 1

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for doc_id, sent in self._records.values():
            yield str(doc_id), _doc(sent)

    def record(self, sent: SentAlert) -> None:
        key = (sent.chat.key, sent.event)
        entry = self._records.get(key)
        if entry is not None and entry[1] == sent:
            return
        doc_id = entry[0] if entry is not None else self._next_id
        # Not fsynced (like the outbox's "done"): a killed process loses nothing, and only a power
        # cut before the next fsynced line can turn a later report's edit into a new message.
        self._journal.write([(TABLE, str(doc_id), _doc(sent))], durable=False)
        if entry is None:
            self._next_id += 1
        self._records[key] = (doc_id, sent)

    def get(self, chat: ChatRef, event: str) -> SentAlert | None:
        entry = self._records.get((chat.key, event))
        return entry[1] if entry is not None else None

    def prune(self, before: datetime) -> int:
        old = [key for key, (_, sent) in self._records.items() if sent.sent_at < before]
        if not old:
            return 0
        self._journal.write([(TABLE, str(self._records[key][0]), None) for key in old])
        for key in old:
            del self._records[key]
        return len(old)
