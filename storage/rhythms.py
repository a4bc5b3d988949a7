"""Each chat's rhythm settings (zone, default and per-subscription rhythms, quiet hours, snoozes)
in the main TinyDB file, one document per chat that changed anything from the defaults."""

from __future__ import annotations

from typing import Any

from tinydb import TinyDB

from bot.models import ChatRef, ChatRhythm
from storage.codec import dt_in, dt_out


def rhythm_doc(prefs: ChatRhythm) -> dict[str, Any]:
    return {
        "chat": prefs.chat.key,
        "zone": prefs.zone,
        "default": prefs.default,
        "rhythms": dict(prefs.rhythms),
        "quiet": prefs.quiet,
        "snoozed_until": dt_out(prefs.snoozed_until),
        "snoozes": {q: dt_out(u) for q, u in prefs.snoozes.items()},
    }


def rhythm_from(doc: dict[str, Any]) -> ChatRhythm:
    snoozes = {q: t for q, t in ((q, dt_in(u)) for q, u in (doc.get("snoozes") or {}).items()) if t}
    return ChatRhythm(
        chat=ChatRef.from_key(doc["chat"]),
        zone=doc.get("zone") or "UTC",
        default=doc.get("default") or "instant",
        rhythms=dict(doc.get("rhythms") or {}),
        quiet=doc.get("quiet") or "",
        snoozed_until=dt_in(doc.get("snoozed_until")),
        snoozes=snoozes,
    )


class TinyDBRhythmRepo:
    def __init__(self, db: TinyDB) -> None:
        self._table = db.table("rhythms")
        self._prefs: dict[str, tuple[int, ChatRhythm]] = {}
        for doc in sorted(self._table.all(), key=lambda d: d.doc_id):
            prefs = rhythm_from(doc)
            self._prefs[prefs.chat.key] = (doc.doc_id, prefs)

    def get(self, chat: ChatRef) -> ChatRhythm:
        """The stored settings, or the defaults (UTC, instant, no quiet hours, no snooze)."""
        entry = self._prefs.get(chat.key)
        return entry[1] if entry is not None else ChatRhythm(chat)

    def save(self, prefs: ChatRhythm) -> None:
        entry = self._prefs.get(prefs.chat.key)
        if entry is not None and entry[1] == prefs:
            return  # already durable
        if prefs == ChatRhythm(prefs.chat):  # back to every default: no document needed
            if entry is not None:
                self._table.remove(doc_ids=[entry[0]])
                del self._prefs[prefs.chat.key]
            return
        if entry is not None:
            self._table.update(rhythm_doc(prefs), doc_ids=[entry[0]])
            doc_id = entry[0]
        else:
            doc_id = self._table.insert(rhythm_doc(prefs))
        self._prefs[prefs.chat.key] = (doc_id, prefs)

    def all(self) -> list[ChatRhythm]:
        return [prefs for _, prefs in self._prefs.values()]
