"""Seen-story records and the article cache, in their own TinyDB file beside the main one.

Both grow with every poll cycle, so they live apart from the small, often written
subscription data; each method that changes them makes one durable write. The seen table
(100,000 records at scale) is held once, in columns (a list a field, the ids in an array: ~50
bytes a record beside its strings, where a tuple of fields in a dict by id took ~150), and
rendered at each write.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from tinydb import TinyDB

from bot.models import Article
from storage.atomic import AtomicJSONStorage
from storage.codec import article_doc, article_from, dt_in, dt_out

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _SeenColumns:
    """The seen records, a column a field; record i is (ids[i], keys[i], urls[i], ...)."""

    __slots__ = ("ids", "keys", "seen_at", "sources", "titles", "urls")

    def __init__(self) -> None:
        self.ids = array("q")  # TinyDB doc ids
        self.keys: list[str] = []  # Article.key
        self.urls: list[str] = []  # Article.url_key (canonical link), "" without one
        self.titles: list[str] = []  # title key
        self.seen_at: list[datetime] = []
        self.sources: list[str] = []  # interned: a few hundred names for 100,000 records

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, doc_id: int, key: str, url: str, title_key: str, seen_at: datetime, source: str) -> None:
        self.ids.append(doc_id)
        self.keys.append(key)
        self.urls.append(key if url == key else url)  # one string for both when equal
        self.titles.append(title_key)
        self.seen_at.append(seen_at)
        self.sources.append(sys.intern(source))

    def truncate(self, length: int) -> None:
        for column in (self.ids, self.keys, self.urls, self.titles, self.seen_at, self.sources):
            del column[length:]

    def keeping(self, keep: list[int]) -> _SeenColumns:
        """A copy with only the records at positions `keep`."""
        kept = _SeenColumns()
        kept.ids = array("q", (self.ids[i] for i in keep))
        kept.keys = [self.keys[i] for i in keep]
        kept.urls = [self.urls[i] for i in keep]
        kept.titles = [self.titles[i] for i in keep]
        kept.seen_at = [self.seen_at[i] for i in keep]
        kept.sources = [self.sources[i] for i in keep]
        return kept


class TinyDBArticleRepo:
    def __init__(self, db: TinyDB, storage: AtomicJSONStorage) -> None:
        self._cache_table = db.table("cache")
        self._storage = storage
        self._seen = _SeenColumns()
        docs = storage.adopt("seen", self._render)
        for doc_id in sorted(docs, key=int):  # the order they were added in
            doc = docs[doc_id]
            self._seen.append(
                int(doc_id),
                doc["key"],
                doc.get("url", ""),
                doc.get("title_key", ""),
                dt_in(doc["seen_at"]) or _EPOCH,
                doc.get("source", ""),
            )
        del docs
        self._next_id = max(self._seen.ids, default=0) + 1
        self._cached: dict[str, tuple[int, Article]] = {}
        for doc in self._cache_table.all():
            article = article_from(doc)
            self._cached[article.key] = (doc.doc_id, article)
        self._reindex()

    def _render(self) -> Iterator[tuple[str, dict[str, Any]]]:
        seen = self._seen
        for doc_id, key, url, title_key, seen_at, source in zip(
            seen.ids, seen.keys, seen.urls, seen.titles, seen.seen_at, seen.sources, strict=True
        ):
            doc = {"key": key, "url": url, "title_key": title_key, "seen_at": dt_out(seen_at)}
            doc["source"] = source
            yield str(doc_id), doc

    @contextlib.contextmanager
    def _writing(self, undo: Callable[[], None] | None) -> Iterator[None]:
        """One durable write of the file at the end; on failure `undo` puts the seen records back
        as they were (the file is the truth); None: the seen records did not change."""
        try:
            with self._storage.batch():
                yield
                if undo is not None:
                    self._storage.flush()  # the seen table is rendered into this write
        except BaseException:
            if undo is not None:
                undo()
            raise

    def _reindex(self) -> None:
        self._keys: set[str] = set()
        self._urls: set[str] = set()
        # title key -> (source, latest seen at), or source -> latest seen at once several sources had
        # it: a tuple is a quarter of a dict's size, and most titles come from one source
        self._titles: dict[str, tuple[str, datetime] | dict[str, datetime]] = {}
        seen = self._seen
        for i in range(len(seen)):
            self._index(seen.keys[i], seen.urls[i], seen.titles[i], seen.seen_at[i], seen.sources[i])

    def _index(self, key: str, url: str, title_key: str, seen_at: datetime, source: str) -> None:
        self._keys.add(key)
        if url and url != key:
            # a link that is its story's key is found among the keys: listing it again would cost a
            # set entry per record (4 MB at 100,000) for no answer seen() does not already give
            self._urls.add(url)
        if title_key:
            found = self._titles.get(title_key)
            if found is None:
                self._titles[title_key] = (source, seen_at)
            elif isinstance(found, tuple):
                was, at = found
                if was != source:
                    self._titles[title_key] = {was: at, source: seen_at}
                elif seen_at > at:
                    self._titles[title_key] = (was, seen_at)
            elif seen_at > found.get(source, _EPOCH):
                found[source] = seen_at

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

    def remember(self, articles: Sequence[Article], cache_max: int | None = None) -> None:
        batch = {a.key: a for a in articles}  # the last copy of a story in the batch wins
        if not batch:
            return
        # Trimmed in this write, not an hour later: a first poll of 1,000 sources caches 20,000
        # stories, and each batch rewrote the whole (19 MB) file until the hourly prune.
        overflow: list[str] = []
        if cache_max is not None:
            cached = {key: article for key, (_, article) in self._cached.items()} | batch
            if len(cached) > max(cache_max, 0):
                ordered = sorted(cached.values(), key=_newest_first)
                overflow = [a.key for a in ordered[max(cache_max, 0) :]]
        dropped = set(overflow)
        new_seen = [a for key, a in batch.items() if key not in self._keys]
        before = len(self._seen)
        for n, a in enumerate(new_seen):
            self._seen.append(self._next_id + n, a.key, a.url_key, a.title_key, a.fetched_at, a.source)
        fresh = [a for key, a in batch.items() if key not in self._cached and key not in dropped]
        gone = [self._cached[key][0] for key in overflow if key in self._cached]
        undo = functools.partial(self._seen.truncate, before) if new_seen else None
        with self._writing(undo):  # seen records and cache in one durable write
            cache_ids = self._cache_table.insert_multiple([article_doc(a) for a in fresh]) if fresh else []
            for key, article in batch.items():
                entry = self._cached.get(key)
                if entry is not None and key not in dropped and entry[1] != article:
                    self._cache_table.update(article_doc(article), doc_ids=[entry[0]])
            if gone:
                self._cache_table.remove(doc_ids=gone)
        self._next_id += len(new_seen)
        seen = self._seen
        for i in range(before, len(seen)):
            self._index(seen.keys[i], seen.urls[i], seen.titles[i], seen.seen_at[i], seen.sources[i])
        for key in overflow:
            self._cached.pop(key, None)
        for key, article in batch.items():
            if key in self._cached:
                self._cached[key] = (self._cached[key][0], article)
        for doc_id, article in zip(cache_ids, fresh, strict=True):
            self._cached[article.key] = (doc_id, article)

    def touch(self, keys: Iterable[str], when: datetime, stale_before: datetime) -> int:
        wanted = set(keys)
        seen = self._seen
        stale = [
            i
            for i, at in enumerate(seen.seen_at)
            if at < stale_before and (seen.keys[i] in wanted or seen.urls[i] in wanted)
        ]
        if not stale:
            return 0
        old = [seen.seen_at[i] for i in stale]
        for i in stale:
            seen.seen_at[i] = when

        def undo() -> None:
            for i, at in zip(stale, old, strict=True):
                seen.seen_at[i] = at

        with self._writing(undo):
            pass
        return len(stale)

    def recent(self, since: datetime, limit: int) -> list[Article]:
        if limit <= 0:
            return []
        hits = [a for _, a in self._cached.values() if a.fetched_at >= since]
        hits.sort(key=_newest_first)
        return hits[:limit]

    def prune(self, seen_before: datetime, cache_before: datetime, cache_max: int) -> int:
        everything = self._seen
        keep_seen = [i for i, at in enumerate(everything.seen_at) if at >= seen_before]
        old_seen = len(everything) - len(keep_seen)
        ordered = sorted((a for _, a in self._cached.values()), key=_newest_first)
        keep = {a.key for a in ordered[: max(cache_max, 0)] if a.fetched_at >= cache_before}
        dropped = [key for key in self._cached if key not in keep]
        if not old_seen and not dropped:
            return 0
        if old_seen:
            self._seen = everything.keeping(keep_seen)

        def undo() -> None:
            self._seen = everything

        with self._writing(undo if old_seen else None):
            if dropped:
                self._cache_table.remove(doc_ids=[self._cached[key][0] for key in dropped])
        for key in dropped:
            del self._cached[key]
        self._reindex()
        return old_seen + len(dropped)


def _newest_first(article: Article) -> tuple[float, float]:
    """Sort key: latest fetched first; among stories fetched together, latest published first."""
    return (-article.fetched_at.timestamp(), -(article.published or _EPOCH).timestamp())
