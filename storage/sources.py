"""Sources added from chat and every source's poll state, in the main TinyDB file."""

from __future__ import annotations

from collections.abc import Iterable

from tinydb import TinyDB

from bot.models import Source, SourceState
from storage.atomic import AtomicJSONStorage
from storage.codec import source_doc, source_from, state_doc, state_from


class TinyDBSourceRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._sources_table = db.table("sources")
        self._states_table = db.table("source_states")
        self._storage = storage
        self._sources: dict[str, tuple[int, Source]] = {}  # url -> (doc id, source), oldest first
        for doc in sorted(self._sources_table.all(), key=lambda d: d.doc_id):
            source = source_from(doc)
            self._sources[source.url] = (doc.doc_id, source)
        self._states: dict[str, tuple[int, SourceState]] = {}
        for doc in self._states_table.all():
            state = state_from(doc)
            self._states[state.url] = (doc.doc_id, state)

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
        with self._storage.batch():
            self._sources_table.remove(doc_ids=[doc_id])
            if state is not None:
                # A source added again later starts unprimed, so its backlog is not re-alerted as news.
                self._states_table.remove(doc_ids=[state[0]])
        del self._sources[source.url]
        self._states.pop(source.url, None)
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
        inserted: dict[str, int] = {}
        with self._storage.batch():
            for url, state in changed.items():
                entry = self._states.get(url)
                if entry is not None:
                    self._states_table.update(state_doc(state), doc_ids=[entry[0]])
                else:
                    inserted[url] = self._states_table.insert(state_doc(state))
        for url, state in changed.items():
            doc_id = inserted[url] if url in inserted else self._states[url][0]
            self._states[url] = (doc_id, state)

    def _find(self, name_or_url: str) -> Source | None:
        entry = self._sources.get(name_or_url)
        if entry is not None:
            return entry[1]
        wanted = name_or_url.strip().casefold()
        for _, source in self._sources.values():
            if source.name.casefold() == wanted:
                return source
        return None
