"""Which event each new story reports: the key of the first story of the last EVENT_WINDOW that
reports the same event (bot.stories.events), or its own key when it is the first.

Each story's event is stored (`EventRepo`) when it is assigned, so that after a restart a later
report joins the event its first story started, even once that story has left the article cache
(it keeps 2,000 stories: a few hours of a large source list) or the rule has changed since. A
store from before events were stored has none: the window is rebuilt from the cache, once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.errors import StorageError
from bot.models import Article
from bot.ports import ArticleRepo, EventRepo
from bot.stories.events import EventIndex, EventTerms, event_terms
from bot.stories.near import StoryWords, story_words

log = logging.getLogger(__name__)
EVENT_WINDOW = timedelta(hours=24)


class EventTracker:
    def __init__(
        self, articles: ArticleRepo, window: timedelta = EVENT_WINDOW, stored: EventRepo | None = None
    ) -> None:
        self.articles = articles
        self.window = window
        self.stored = stored
        self.index: EventIndex | None = None  # loaded (or rebuilt) on first use

    def _index(self, now: datetime) -> EventIndex:
        since = (now - self.window).timestamp()
        if self.index is None:
            self.index = self._load(now)
        self.index.expire(since)
        return self.index

    def _load(self, now: datetime) -> EventIndex:
        since = now - self.window
        index = EventIndex.load(self.stored.recent(since)) if self.stored is not None else EventIndex()
        if len(index):
            return index
        # nothing stored (a store older than the events file): the cached stories, oldest first
        cached = sorted(self.articles.recent(since, 100_000), key=lambda a: a.fetched_at)
        for article in cached:
            self._assign(index, article, since.timestamp())
        self._store(index, [a.key for a in cached])
        return index

    def events(
        self,
        articles: Sequence[Article],
        now: datetime,
        words: Mapping[str, StoryWords] | None = None,
        terms: Mapping[str, EventTerms] | None = None,
    ) -> dict[str, str]:
        """Story key -> event id, for these new stories (in order: an earlier one may start an event).
        `words`, `terms`: the stories' StoryWords and EventTerms by key where already made (the
        never-seen filter's, the feed parser's)."""
        index = self._index(now)
        since = (now - self.window).timestamp()
        known = {a.key for a in articles if a.key in index}
        words, terms = words or {}, terms or {}
        found = {a.key: self._assign(index, a, since, words.get(a.key), terms.get(a.key)) for a in articles}
        self._store(index, [key for key in found if key not in known])
        return found

    def _store(self, index: EventIndex, keys: Sequence[str]) -> None:
        if self.stored is None or not keys:
            return
        try:
            self.stored.add([index.record(key) for key in dict.fromkeys(keys) if key in index])
        except StorageError:  # alerts still go out; only threading after a restart may suffer
            log.warning("could not store the events of %d stories", len(keys), exc_info=True)

    def prune(self, before: datetime) -> int:
        return self.stored.prune(before) if self.stored is not None else 0

    @staticmethod
    def _assign(
        index: EventIndex,
        article: Article,
        since: float,
        words: StoryWords | None = None,
        terms: EventTerms | None = None,
    ) -> str:
        known = index.event_of(article.key)
        if known is not None:
            return known
        if terms is None:
            words = words or story_words(article.title, article.text)
            terms = event_terms(article.title, article.text, words=words)
        found = index.match(terms, since, exclude=article.key)
        return index.add(article.key, terms, article.fetched_at.timestamp(), found.event if found else None)
