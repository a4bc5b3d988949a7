"""Turning a matched article into the alert a user sees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.alerts.highlights import make_highlights
from bot.matching.query import Query
from bot.models import Alert, Article, ChatRef


def query_terms(queries: Sequence[Query]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for query in queries:
        for term in query.terms:
            seen.setdefault(term, None)
    return tuple(seen)


class AlertFactory:
    """Builds alerts; bullets are computed once per (article, terms) and reused across chats."""

    def __init__(self, max_bullets: int = 4) -> None:
        self._max_bullets = max_bullets
        self._bullets: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    def bullets(self, article: Article, terms: tuple[str, ...]) -> tuple[str, ...]:
        key = (article.key, terms)
        if key not in self._bullets:
            if len(self._bullets) > 4096:  # a cache per poll cycle's working set, not forever
                self._bullets.clear()
            made = make_highlights(article.title, article.text, terms, self._max_bullets)
            self._bullets[key] = tuple(made)
        return self._bullets[key]

    def build(self, chat: ChatRef, article: Article, queries: Sequence[Query], now: datetime) -> Alert:
        return Alert(
            chat=chat,
            article_key=article.key,
            title=article.title,
            url=article.url,
            source=article.source,
            published=article.published or article.fetched_at,  # undated: when it appeared
            matched=tuple(q.display for q in queries),
            bullets=self.bullets(article, query_terms(queries)),
            created=now,
            image=article.image,
            story_lang=article.lang,
        )
