"""Delivered alerts and the message each became (issue 12: later reports edit it), in the main file.

One record per (chat, event); records older than the edit window are pruned on write.
"""

from __future__ import annotations

from datetime import datetime

from tinydb import TinyDB

from bot.models import ChatRef, SentAlert
from storage.atomic import AtomicJSONStorage
from storage.codec import alert_doc, alert_from, dt_in, dt_out

Key = tuple[str, str]  # (chat key, event)


class TinyDBSentRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._table = db.table("sent")
        self._storage = storage
        self._records: dict[Key, tuple[int, SentAlert]] = {}
        for doc in sorted(self._table.all(), key=lambda d: d.doc_id):
            sent = SentAlert(alert_from(doc["alert"]), str(doc["message_id"]), dt_in(doc["sent_at"]))  # type: ignore[arg-type]
            self._records[(sent.chat.key, sent.event)] = (doc.doc_id, sent)

    def record(self, sent: SentAlert) -> None:
        key = (sent.chat.key, sent.event)
        doc = {"alert": alert_doc(sent.alert), "message_id": sent.message_id, "sent_at": dt_out(sent.sent_at)}
        entry = self._records.get(key)
        if entry is not None:
            if entry[1] == sent:
                return
            self._table.update(doc, doc_ids=[entry[0]])
            doc_id = entry[0]
        else:
            doc_id = self._table.insert(doc)
        self._records[key] = (doc_id, sent)

    def get(self, chat: ChatRef, event: str) -> SentAlert | None:
        entry = self._records.get((chat.key, event))
        return entry[1] if entry is not None else None

    def prune(self, before: datetime) -> int:
        old = [key for key, (_, sent) in self._records.items() if sent.sent_at < before]
        if not old:
            return 0
        self._table.remove(doc_ids=[self._records[key][0] for key in old])
        for key in old:
            del self._records[key]
        return len(old)
