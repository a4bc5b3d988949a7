"""Stories held for digests, the digests' due times and each chat's recent instant sends, in their
own TinyDB file (`<name>.held.json`) with the store's atomic writes: one document per chat, one
durable write per call, so a poll's held stories are on disk before it marks them seen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tinydb import TinyDB

from bot.models import ChatRef, DigestSchedule, HeldStory
from storage.atomic import AtomicJSONStorage
from storage.codec import alert_doc, alert_from, dt_in, dt_out


@dataclass(slots=True)
class _Chat:
    held: dict[str, HeldStory] = field(default_factory=dict)  # article key -> story, in hold order
    schedules: dict[str, DigestSchedule] = field(default_factory=dict)  # bucket -> schedule
    sends: list[datetime] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.held or self.schedules or self.sends)


def _doc(chat: ChatRef, entry: _Chat) -> dict[str, Any]:
    return {
        "chat": chat.key,
        "held": [{"bucket": h.bucket, "alert": alert_doc(h.alert)} for h in entry.held.values()],
        "schedules": [
            {"bucket": s.bucket, "due": dt_out(s.due), "since": dt_out(s.since)}
            for s in entry.schedules.values()
        ],
        "sends": [dt_out(t) for t in entry.sends],
    }


def _entry(doc: dict[str, Any]) -> tuple[ChatRef, _Chat]:
    chat = ChatRef.from_key(doc["chat"])
    entry = _Chat()
    for item in doc.get("held", ()):
        story = HeldStory(alert_from(item["alert"]), item["bucket"])
        entry.held[story.alert.article_key] = story
    for item in doc.get("schedules", ()):
        due, since = dt_in(item["due"]), dt_in(item["since"])
        if due is not None and since is not None:
            entry.schedules[item["bucket"]] = DigestSchedule(chat, item["bucket"], due, since)
    entry.sends = [t for t in map(dt_in, doc.get("sends", ())) if t is not None]
    return chat, entry


class TinyDBHeldRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._table = db.table("held")
        self._storage = storage
        self._chats: dict[str, tuple[int | None, _Chat]] = {}
        for doc in sorted(self._table.all(), key=lambda d: d.doc_id):
            chat, entry = _entry(doc)
            self._chats[chat.key] = (doc.doc_id, entry)

    # -- reads

    def held(self, chat: ChatRef, bucket: str | None = None) -> list[HeldStory]:
        """The chat's held stories (of one bucket, when given), in the order they were held."""
        entry = self._get(chat)
        return [h for h in entry.held.values() if bucket is None or h.bucket == bucket]

    def schedules(self, chat: ChatRef | None = None) -> list[DigestSchedule]:
        """Every stored digest schedule (of one chat, when given), soonest first."""
        if chat is not None:
            found = list(self._get(chat).schedules.values())
        else:
            found = [s for _, entry in self._chats.values() for s in entry.schedules.values()]
        return sorted(found, key=lambda s: (s.due, s.chat.key, s.bucket))

    def sends(self, chat: ChatRef) -> list[datetime]:
        return list(self._get(chat).sends)

    # -- writes, each one durable write

    def hold(
        self,
        stories: Sequence[HeldStory] = (),
        schedules: Sequence[DigestSchedule] = (),
        sends: Mapping[ChatRef, Sequence[datetime]] | None = None,
    ) -> int:
        """Add the stories a chat does not hold yet, save schedules (replacing a bucket's) and set
        chats' recent instant sends; returns how many stories were added."""
        touched: dict[str, _Chat] = {}
        added = 0
        for story in stories:
            entry = touched.setdefault(story.chat.key, self._copy(story.chat))
            if story.alert.article_key not in entry.held:
                entry.held[story.alert.article_key] = story
                added += 1
        for schedule in schedules:
            touched.setdefault(schedule.chat.key, self._copy(schedule.chat)).schedules[schedule.bucket] = (
                schedule
            )
        for chat, times in (sends or {}).items():
            touched.setdefault(chat.key, self._copy(chat)).sends = sorted(times)
        self._write(touched)
        return added

    def release(
        self, chat: ChatRef, bucket: str, keys: Iterable[str], schedule: DigestSchedule | None = None
    ) -> None:
        """Forget the given stories of a sent (or enqueued) digest and replace its bucket's schedule
        with `schedule` (None: drop the schedule)."""
        entry = self._copy(chat)
        for key in keys:
            held = entry.held.get(key)
            if held is not None and held.bucket == bucket:
                del entry.held[key]
        entry.schedules.pop(bucket, None)
        if schedule is not None:
            entry.schedules[schedule.bucket] = schedule
        self._write({chat.key: entry})

    def replace_schedules(
        self, chat: ChatRef, schedules: Sequence[DigestSchedule], keep: Iterable[str]
    ) -> None:
        """Drop the chat's schedules whose bucket is not in `keep`, then save `schedules`."""
        entry = self._copy(chat)
        wanted = set(keep) | {s.bucket for s in schedules}
        entry.schedules = {b: s for b, s in entry.schedules.items() if b in wanted}
        entry.schedules.update({s.bucket: s for s in schedules})
        self._write({chat.key: entry})

    def discard_chat(self, chat: ChatRef) -> int:
        """Forget everything of a chat that can no longer receive; returns stories dropped."""
        entry = self._get(chat)
        dropped = len(entry.held)
        if not entry.empty():
            self._write({chat.key: _Chat()})
        return dropped

    def move_chat(self, old: ChatRef, new: ChatRef) -> int:
        """Give `old`'s held stories and schedules to `new` (a group migrated); returns stories moved."""
        if old == new or self._get(old).empty():
            return 0
        source, target = self._get(old), self._copy(new)
        moved = 0
        for key, story in source.held.items():
            if key not in target.held:
                target.held[key] = HeldStory(replace(story.alert, chat=new), story.bucket)
                moved += 1
        for bucket, schedule in source.schedules.items():
            target.schedules.setdefault(bucket, DigestSchedule(new, bucket, schedule.due, schedule.since))
        self._write({old.key: _Chat(), new.key: target})
        return moved

    # -- internals

    def _get(self, chat: ChatRef) -> _Chat:
        found = self._chats.get(chat.key)
        return found[1] if found is not None else _Chat()

    def _copy(self, chat: ChatRef) -> _Chat:
        entry = self._get(chat)
        return _Chat(dict(entry.held), dict(entry.schedules), list(entry.sends))

    def _write(self, changed: Mapping[str, _Chat]) -> None:
        """One durable write for every changed chat; memory follows only once it is on disk."""
        ids: dict[str, int | None] = {}
        with self._storage.batch():
            for key, entry in changed.items():
                doc_id = self._chats.get(key, (None, None))[0]
                if entry.empty():
                    if doc_id is not None:
                        self._table.remove(doc_ids=[doc_id])
                    ids[key] = None
                elif doc_id is not None:
                    self._table.update(_doc(ChatRef.from_key(key), entry), doc_ids=[doc_id])
                    ids[key] = doc_id
                else:
                    ids[key] = self._table.insert(_doc(ChatRef.from_key(key), entry))
        for key, entry in changed.items():
            if ids[key] is None:
                self._chats.pop(key, None)
            else:
                self._chats[key] = (ids[key], entry)
