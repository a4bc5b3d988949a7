"""Seen-story records and the article cache, in their own TinyDB file beside the main one.

Both grow with every poll cycle, so they live apart from the small, often written
subscription data; each method that changes them makes one durable write. The seen table
(100,000 records at scale) is held once, as compact records, and rendered at each write.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from tinydb import TinyDB

from bot.models import Article
from storage.atomic import AtomicJSONStorage
from storage.codec import article_doc, article_from, dt_in, dt_out

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SeenRecord(NamedTuple):
    """One story recorded as seen, with the keys the core computed for it."""

    key: str  # Article.key
    url: str  # Article.url_key (canonical link), "" without one
    title_key: str
    seen_at: datetime
    source: str


class TinyDBArticleRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._cache_table = db.table("cache")
        self._storage = storage
        self._records: dict[int, SeenRecord] = {}  # by TinyDB doc id
        docs = storage.adopt("seen", self._render)
        for doc_id, doc in docs.items():
            self._records[int(doc_id)] = _record(
                doc["key"],
                doc.get("url", ""),
                doc.get("title_key", ""),
                doc["seen_at"],
                doc.get("source", ""),
            )
        del docs
        self._next_id = max(self._records, default=0) + 1
        self._cached: dict[str, tuple[int, Article]] = {}
        for doc in self._cache_table.all():
            article = article_from(doc)
            self._cached[article.key] = (doc.doc_id, article)
        self._reindex()

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for doc_id, r in self._records.items():
            yield (
                str(doc_id),
                {
                    "key": r.key,
                    "url": r.url,
                    "title_key": r.title_key,
                    "seen_at": dt_out(r.seen_at),
                    "source": r.source,
                },
            )

    @contextlib.contextmanager
    def _writing(self, undo: dict[int, SeenRecord | None]) -> Iterator[None]:
        """One durable write of the file at the end; on failure the seen records go back to `undo`."""
        try:
            with self._storage.batch():
                yield
                if undo:
                    self._storage.flush()  # the seen table is rendered into this write
        except BaseException:
            for doc_id, record in undo.items():
                if record is None:
                    self._records.pop(doc_id, None)
                else:
                    self._records[doc_id] = record
            raise

    def _reindex(self) -> None:
        self._keys: set[str] = set()
        self._urls: set[str] = set()
        # title key -> (source, latest seen at), or source -> latest seen at once several sources had
        # it: a tuple is a quarter of a dict's size, and most titles come from one source
        self._titles: dict[str, tuple[str, datetime] | dict[str, datetime]] = {}
        for record in self._records.values():
            self._index(record)

    def _index(self, record: SeenRecord) -> None:
        self._keys.add(record.key)
        if record.url and record.url != record.key:
            # a link that is its story's key is found among the keys: listing it again would cost a
            # set entry per record (4 MB at 100,000) for no answer seen() does not already give
            self._urls.add(record.url)
        if record.title_key:
            found = self._titles.get(record.title_key)
            if found is None:
                self._titles[record.title_key] = (record.source, record.seen_at)
            elif isinstance(found, tuple):
                source, at = found
                if source != record.source:
                    self._titles[record.title_key] = {source: at, record.source: record.seen_at}
                elif record.seen_at > at:
                    self._titles[record.title_key] = (source, record.seen_at)
            elif record.seen_at > found.get(record.source, _EPOCH):
                found[record.source] = record.seen_at

    def seen(self, keys: Iterable[str]) -> set[str]:
        # A still-cached story counts as seen even if its seen record was pruned first.
        return {k for k in keys if k in self._keys or k in self._urls or k in self._cached}

    def seen_titles(
        self, title_keys: Iterable[str], since: datetime, other_than: str | None = None
    ) -> set[str]:
        return {
            t for t in title_keys if any(at >= since and src != other_than for src, at in self._sightings(t))
        }

    def _sightings(self, title_key: str) -> Iterable[tuple[str, datetime]]:
        found = self._titles.get(title_key)
        if found is None:
            return ()
        return (found,) if isinstance(found, tuple) else found.items()

    def remember(self, articles: Sequence[Article]) -> None:
        batch = {a.key: a for a in articles}  # the last copy of a story in the batch wins
        if not batch:
            return
        new_seen = [a for key, a in batch.items() if key not in self._keys]
        added: dict[int, SeenRecord] = {}
        for a in new_seen:
            added[self._next_id + len(added)] = _record(a.key, a.url_key, a.title_key, a.fetched_at, a.source)
        fresh = [a for key, a in batch.items() if key not in self._cached]
        self._records.update(added)
        with self._writing(dict.fromkeys(added)):  # seen records and cache in one durable write
            cache_ids = self._cache_table.insert_multiple([article_doc(a) for a in fresh]) if fresh else []
            for key, article in batch.items():
                entry = self._cached.get(key)
                if entry is not None and entry[1] != article:
                    self._cache_table.update(article_doc(article), doc_ids=[entry[0]])
        self._next_id += len(added)
        for record in added.values():
            self._index(record)
        for key, article in batch.items():
            if key in self._cached:
                self._cached[key] = (self._cached[key][0], article)
        for doc_id, article in zip(cache_ids, fresh, strict=True):
            self._cached[article.key] = (doc_id, article)

    def touch(self, keys: Iterable[str], when: datetime, stale_before: datetime) -> int:
        wanted = set(keys)
        stale = [
            (doc_id, rec)
            for doc_id, rec in self._records.items()
            if rec.seen_at < stale_before and (rec.key in wanted or rec.url in wanted)
        ]
        if not stale:
            return 0
        for doc_id, rec in stale:
            self._records[doc_id] = rec._replace(seen_at=when)
        with self._writing(dict(stale)):
            pass
        return len(stale)

    def recent(self, since: datetime, limit: int) -> list[Article]:
        if limit <= 0:
            return []
        hits = [a for _, a in self._cached.values() if a.fetched_at >= since]
        hits.sort(key=_newest_first)
        return hits[:limit]

    def prune(self, seen_before: datetime, cache_before: datetime, cache_max: int) -> int:
        old_seen = [doc_id for doc_id, rec in self._records.items() if rec.seen_at < seen_before]
        ordered = sorted((a for _, a in self._cached.values()), key=_newest_first)
        keep = {a.key for a in ordered[: max(cache_max, 0)] if a.fetched_at >= cache_before}
        dropped = [key for key in self._cached if key not in keep]
        if not old_seen and not dropped:
            return 0
        removed = {doc_id: self._records.pop(doc_id) for doc_id in old_seen}
        with self._writing(dict(removed)):
            if dropped:
                self._cache_table.remove(doc_ids=[self._cached[key][0] for key in dropped])
        for key in dropped:
            del self._cached[key]
        self._reindex()
        return len(old_seen) + len(dropped)


def _record(key: str, url: str, title_key: str, seen_at: datetime | str, source: str) -> SeenRecord:
    """A compact record: the URL shares the key's string when equal, source names are interned."""
    when = (dt_in(seen_at) if isinstance(seen_at, str) else seen_at) or _EPOCH
    return SeenRecord(key, key if url == key else url, title_key, when, sys.intern(source))


def _newest_first(article: Article) -> tuple[float, float]:
    """Sort key: latest fetched first; among stories fetched together, latest published first."""
    return (-article.fetched_at.timestamp(), -(article.published or _EPOCH).timestamp())
