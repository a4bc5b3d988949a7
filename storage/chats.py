"""Chat states (active, paused, ...) of the main TinyDB file, indexed by chat key in memory and
changed through its journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.models import ChatRef, ChatState
from storage.atomic import AtomicJSONStorage
from storage.codec import chat_doc, chat_from
from storage.journal import TableJournal

TABLE = "chats"


class TinyDBChatRepo:
    def __init__(self, storage: AtomicJSONStorage, journal: TableJournal) -> None:
        self._journal = journal
        self._states: dict[str, tuple[int, ChatState]] = {}
        docs = storage.adopt(TABLE, self._render)
        for doc_id in sorted(docs, key=int):
            state = chat_from(docs[doc_id])
            self._states[state.chat.key] = (int(doc_id), state)
        self._next_id = max(map(int, docs), default=0) + 1

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for doc_id, state in self._states.values():
            yield str(doc_id), chat_doc(state)

    def get(self, chat: ChatRef) -> ChatState:
        entry = self._states.get(chat.key)
        return entry[1] if entry is not None else ChatState(chat)

    def save(self, state: ChatState) -> None:
        entry = self._states.get(state.chat.key)
        if entry is not None and entry[1] == state:
            return  # already durable: spare the write
        doc_id = entry[0] if entry is not None else self._next_id
        self._journal.write([(TABLE, str(doc_id), chat_doc(state))])
        if entry is None:
            self._next_id += 1
        self._states[state.chat.key] = (doc_id, state)

    def all(self) -> list[ChatState]:
        return [state for _, state in self._states.values()]
