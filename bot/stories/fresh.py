"""The never-seen filter: of a poll batch's stories, those not seen before, once each, across
sources, links (canonical URL) and syndicated titles; and whether a story is recent enough to alert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.ingest.poll import SourceOutcome
from bot.models import Article
from bot.ports import ArticleRepo


class FreshFilter:
    def __init__(
        self,
        articles: ArticleRepo,
        *,
        prime_new_sources: bool,
        syndication_window: timedelta,
        seen_retention: timedelta,
        max_story_age: timedelta,
    ) -> None:
        self.articles = articles
        self.prime_new_sources = prime_new_sources  # a new source's first poll records, never alerts
        self.syndication_window = syndication_window
        self.seen_retention = seen_retention
        self.max_story_age = max_story_age

    def new_articles(self, outcomes: Sequence[SourceOutcome], now: datetime) -> list[tuple[bool, Article]]:
        """(alertable source, story) for stories never seen before."""
        primed_first = sorted(  # a story in a primed and a new source is alerted, not only recorded
            ((o.state.primed or not self.prime_new_sources, a) for o in outcomes for a in o.articles),
            key=lambda pair: not pair[0],
        )
        if not primed_first:
            return []
        keys = {a.key for _, a in primed_first} | {a.url_key for _, a in primed_first if a.url_key}
        seen_keys = self.articles.seen(keys)
        # stories still served stay remembered however long they stay; only records past half the
        # retention are refreshed, so this is rarely a write
        if seen_keys:
            self.articles.touch(seen_keys, now, now - self.seen_retention / 2)
        syndicated = self._syndicated(primed_first, now - self.syndication_window)
        fresh: list[tuple[bool, Article]] = []
        batch_keys: set[str] = set()
        batch_titles: dict[str, str] = {}  # title key -> the source that brought it in this batch
        for primed, article in primed_first:
            url_key = article.url_key or article.key
            if any(k in seen_keys or k in batch_keys for k in (article.key, url_key)):
                continue
            title = article.title_key
            if title and (
                (article.source, title) in syndicated
                or batch_titles.get(title, article.source) != article.source
            ):
                continue
            batch_keys.update((article.key, url_key))
            if title:
                batch_titles.setdefault(title, article.source)
            fresh.append((primed, article))
        return fresh

    def _syndicated(self, stories: Sequence[tuple[bool, Article]], since: datetime) -> set[tuple[str, str]]:
        """(source, title key) pairs whose title another source brought since `since`."""
        found: set[tuple[str, str]] = set()
        for source in {a.source for _, a in stories}:
            titles = {a.title_key for _, a in stories if a.source == source and a.title_key}
            if titles:
                found |= {(source, t) for t in self.articles.seen_titles(titles, since, source)}
        return found

    def recent_enough(self, article: Article, now: datetime) -> bool:
        """An old story resurfacing in a feed is not news."""
        return article.published is None or article.published >= now - self.max_story_age
