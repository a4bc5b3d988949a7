"""Which event each new story reports: the key of the first story of the last EVENT_WINDOW that
reports the same event (bot.stories.events), or its own key when it is the first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.models import Article
from bot.ports import ArticleRepo
from bot.stories.events import EventIndex, event_terms
from bot.stories.near import story_words

EVENT_WINDOW = timedelta(hours=24)


class EventTracker:
    def __init__(self, articles: ArticleRepo, window: timedelta = EVENT_WINDOW) -> None:
        self.articles = articles
        self.window = window
        self.index: EventIndex | None = None  # built from the article cache on first use

    def _index(self, now: datetime) -> EventIndex:
        since = (now - self.window).timestamp()
        if self.index is None:  # after a restart: the cached stories of the window, oldest first
            self.index = EventIndex()
            for article in sorted(
                self.articles.recent(now - self.window, 100_000), key=lambda a: a.fetched_at
            ):
                self._assign(self.index, article, since)
        self.index.expire(since)
        return self.index

    def events(self, articles: Sequence[Article], now: datetime) -> dict[str, str]:
        """Story key -> event id, for these new stories (in order: an earlier one may start an event)."""
        index = self._index(now)
        since = (now - self.window).timestamp()
        return {a.key: self._assign(index, a, since) for a in articles}

    @staticmethod
    def _assign(index: EventIndex, article: Article, since: float) -> str:
        known = index.event_of(article.key)
        if known is not None:
            return known
        terms = event_terms(article.title, article.text, words=story_words(article.title, article.text))
        found = index.match(terms, since, exclude=article.key)
        return index.add(article.key, terms, article.fetched_at.timestamp(), found.event if found else None)
