"""Chat states (active, paused) in the main TinyDB file, indexed by chat key in memory."""

from __future__ import annotations

from tinydb import TinyDB

from bot.models import ChatRef, ChatState
from storage.codec import chat_doc, chat_from


class TinyDBChatRepo:
    def __init__(self, db: TinyDB) -> None:
        self._table = db.table("chats")
        self._states: dict[str, tuple[int, ChatState]] = {}
        for doc in sorted(self._table.all(), key=lambda d: d.doc_id):
            state = chat_from(doc)
            self._states[state.chat.key] = (doc.doc_id, state)

    def get(self, chat: ChatRef) -> ChatState:
        entry = self._states.get(chat.key)
        return entry[1] if entry is not None else ChatState(chat)

    def save(self, state: ChatState) -> None:
        entry = self._states.get(state.chat.key)
        if entry is not None:
            if entry[1] == state:
                return  # already durable: spare the write
            self._table.update(chat_doc(state), doc_ids=[entry[0]])
            doc_id = entry[0]
        else:
            doc_id = self._table.insert(chat_doc(state))
        self._states[state.chat.key] = (doc_id, state)

    def all(self) -> list[ChatState]:
        return [state for _, state in self._states.values()]
