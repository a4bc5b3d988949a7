"""The never-seen filter: of a poll batch's stories, those not seen before, once each, across
sources, links (canonical URL), syndicated titles and near-duplicate texts (bot.stories.near);
and whether a story is recent enough to alert."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping, Sequence
from datetime import datetime, timedelta

from bot.ingest.poll import SourceOutcome
from bot.models import Article
from bot.ports import ArticleRepo
from bot.stories.events import EventTerms
from bot.stories.features import StoryFeatures
from bot.stories.near import MIN_LEAD_WORDS, NearIndex, StoryWords, fingerprint, story_words

log = logging.getLogger(__name__)


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
        self.copies: NearIndex | None = None  # built from the article cache on first use

    def _copies(self, now: datetime) -> NearIndex:
        if self.copies is None:  # after a restart: the cached stories of the window
            self.copies = NearIndex()
            since = now - self.syndication_window
            for article in sorted(self.articles.recent(since, 100_000), key=lambda a: a.fetched_at):
                self.copies.add(
                    article.key, fingerprint(article.title, article.text), article.fetched_at.timestamp()
                )
        self.copies.expire((now - self.syndication_window).timestamp())
        return self.copies

    def new_articles(
        self,
        outcomes: Sequence[SourceOutcome],
        now: datetime,
        words: MutableMapping[str, StoryWords] | None = None,
        terms: MutableMapping[str, EventTerms] | None = None,
    ) -> list[tuple[bool, Article]]:
        """(alertable, story) for stories never seen before. A copy of a story of the window (near-
        duplicate title and lead, any source) comes back not alertable: recorded, never alerted.
        `words`, when given, receives each returned story's StoryWords by key, for the event check
        (story_words' cache holds 1,024: a first poll of many sources brings far more); `terms`
        its EventTerms where the parser worked them out (its outcome's StoryFeatures notes)."""
        primed_first = sorted(  # a story in a primed and a new source is alerted, not only recorded
            (
                (o.state.primed or not self.prime_new_sources, a, o.notes.get(a.key))
                for o in outcomes
                for a in o.articles
            ),
            key=lambda triple: not triple[0],
        )
        if not primed_first:
            return []
        keys = {a.key for _, a, _ in primed_first} | {a.url_key for _, a, _ in primed_first if a.url_key}
        seen_keys = self.articles.seen(keys)
        # stories still served stay remembered however long they stay; only records past half the
        # retention are refreshed, so this is rarely a write
        if seen_keys:
            self.articles.touch(seen_keys, now, now - self.seen_retention / 2)
        syndicated = self._syndicated([a for _, a, _ in primed_first], now - self.syndication_window)
        copies = self._copies(now)
        words_out = words
        fresh: list[tuple[bool, Article]] = []
        batch_keys: set[str] = set()
        batch_titles: dict[str, str] = {}  # title key -> the source that brought it in this batch
        for primed, article, note in primed_first:
            url_key = article.url_key or article.key
            if any(k in seen_keys or k in batch_keys for k in (article.key, url_key)):
                continue
            # notes are by key within the story's own outcome: another feed's story of that key
            # may have other text
            made = note if isinstance(note, StoryFeatures) else None
            words = made.words if made is not None else story_words(article.title, article.text)
            title = article.title_key
            # one title over two different texts is two stories ("What we know so far"): the title
            # decides only when there is no text to compare
            if (
                title
                and len(words.lead) < MIN_LEAD_WORDS
                and (
                    (article.source, title) in syndicated
                    or batch_titles.get(title, article.source) != article.source
                )
            ):
                continue
            batch_keys.update((article.key, url_key))
            if title:
                batch_titles.setdefault(title, article.source)
            if words_out is not None:
                words_out[article.key] = words
            if terms is not None and made is not None:
                terms[article.key] = made.terms
            print_ = made.print_ if made is not None else fingerprint(article.title, article.text, words)
            # a story that cannot alert (a new source's first poll) needs no look-up: only adding it
            copy = copies.copy_of(print_, exclude=article.key) if primed else None
            copies.add(article.key, print_, article.fetched_at.timestamp())
            if copy is not None:
                log.info(
                    "%r (%s) is a copy of %s (%.2f)", article.title[:60], article.source, copy.key, copy.score
                )
            fresh.append((primed and copy is None, article))
        return fresh

    def _syndicated(self, stories: Sequence[Article], since: datetime) -> set[tuple[str, str]]:
        """(source, title key) pairs whose title another source brought since `since`."""
        by_source: dict[str, set[str]] = {}
        for a in stories:
            titles = by_source.setdefault(a.source, set())
            if a.title_key:
                titles.add(a.title_key)
        found: set[tuple[str, str]] = set()
        for source, titles in by_source.items():
            if titles:
                found |= {(source, t) for t in self.articles.seen_titles(titles, since, source)}
        return found

    def recent_enough(self, article: Article, now: datetime) -> bool:
        """An old story resurfacing in a feed is not news."""
        return article.published is None or article.published >= now - self.max_story_age
