"""Sources added from chat and every source's poll state, in the main TinyDB file.

The poll states (one per source, all of them changed by every poll round) are held here and
rendered into each write of the file (`AtomicJSONStorage.adopt`), not kept as a TinyDB table:
TinyDB's `update` re-reads and re-copies the whole table for each document, so saving 1,000
states was a million document copies (~0.7 s of an all-304 round) before its one write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tinydb import TinyDB

from bot.models import Source, SourceState
from storage.atomic import AtomicJSONStorage
from storage.codec import source_doc, source_from, state_doc, state_from

STATES = "source_states"


class TinyDBSourceRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._sources_table = db.table("sources")
        self._storage = storage
        self._sources: dict[str, tuple[int, Source]] = {}  # url -> (doc id, source), oldest first
        for doc in sorted(self._sources_table.all(), key=lambda d: d.doc_id):
            source = source_from(doc)
            self._sources[source.url] = (doc.doc_id, source)
        self._states: dict[str, tuple[int, SourceState]] = {}  # url -> (doc id, state)
        docs = storage.adopt(STATES, self._render)
        for doc_id, doc in sorted(docs.items(), key=lambda item: int(item[0])):
            state = state_from(doc)
            self._states[state.url] = (int(doc_id), state)
        del docs
        self._next_id = max((doc_id for doc_id, _ in self._states.values()), default=0) + 1

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for doc_id, state in self._states.values():
            yield str(doc_id), state_doc(state)

    def list(self) -> list[Source]:
        return [source for _, source in self._sources.values()]

    def add(self, source: Source) -> bool:
        if self._find(source.url) is not None or self._find(source.name) is not None:
            return False
        doc_id = self._sources_table.insert(source_doc(source))
        self._sources[source.url] = (doc_id, source)
        return True

    def remove(self, name_or_url: str) -> Source | None:
        source = self._find(name_or_url)
        if source is None:
            return None
        doc_id, _ = self._sources[source.url]
        state = self._states.get(source.url)
        # A source added again later starts unprimed, so its backlog is not re-alerted as news.
        self._states.pop(source.url, None)
        try:
            with self._storage.batch():
                self._sources_table.remove(doc_ids=[doc_id])
                self._storage.flush()  # the states are rendered into this write
        except BaseException:
            if state is not None:
                self._states[source.url] = state
            raise
        del self._sources[source.url]
        return source

    def state(self, url: str) -> SourceState:
        entry = self._states.get(url)
        return entry[1] if entry is not None else SourceState(url)

    def save_states(self, states: Iterable[SourceState]) -> None:
        latest = {s.url: s for s in states}  # the last state given for a URL wins
        changed = {
            url: s for url, s in latest.items() if url not in self._states or self._states[url][1] != s
        }
        if not changed:
            return
        undo = {url: self._states.get(url) for url in changed}
        next_id = self._next_id
        for url, state in changed.items():
            entry = self._states.get(url)
            if entry is None:
                entry, next_id = (next_id, state), next_id + 1
            self._states[url] = (entry[0], state)
        try:
            self._storage.flush()  # one write of the file, the states rendered into it
        except BaseException:  # not on disk: the states stay as they were
            for url, old in undo.items():
                if old is None:
                    del self._states[url]
                else:
                    self._states[url] = old
            raise
        self._next_id = next_id

    def _find(self, name_or_url: str) -> Source | None:
        entry = self._sources.get(name_or_url)
        if entry is not None:
            return entry[1]
        wanted = name_or_url.strip().casefold()
        for _, source in self._sources.values():
            if source.name.casefold() == wanted:
                return source
        return None
