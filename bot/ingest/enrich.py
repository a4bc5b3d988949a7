"""Teaser-only stories get their page's main text (one guarded, capped request per story)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.ingest.extract import extract_main_text
from bot.ingest.fetch import FeedFetcher, FetchStatus
from bot.ingest.images import page_image
from bot.models import Article
from bot.text.clean import is_teaser

log = logging.getLogger(__name__)


class PageEnricher:
    def __init__(self, fetcher: FeedFetcher, *, enabled: bool, guarded: bool, concurrency: int) -> None:
        self.fetcher = fetcher
        self.enabled = enabled
        self.guarded = guarded  # article links come from third-party feeds: keep them off private networks
        self.concurrency = concurrency

    async def enrich(self, articles: Sequence[Article]) -> dict[str, Article]:
        """Article key -> the story with its page's text; failures keep the teaser (absent here)."""
        if not self.enabled:
            return {}
        teasers = [a for a in articles if a.url.startswith(("http://", "https://")) and is_teaser(a.text)]
        gate = asyncio.Semaphore(self.concurrency)

        async def one(article: Article) -> Article | None:
            async with gate:
                return await self._page_text(article)

        done = await asyncio.gather(*(one(a) for a in teasers))
        return {a.key: a for a in done if a is not None}

    async def _page_text(self, article: Article) -> Article | None:
        try:
            result = await self.fetcher.fetch_page(article.url, guarded=self.guarded)
            if result.status is not FetchStatus.OK:
                log.info("page of %r not fetched: %s", article.title[:60], result.error)
                return None
            text = await asyncio.to_thread(extract_main_text, result.body, result.url)
            image = article.image or page_image(result.body, result.url) or ""
        except Exception:
            log.exception("extracting %s failed", article.url)
            return None
        if not text or len(text) <= len(article.text):
            return replace(article, image=image) if image != article.image else None
        return replace(article, text=text, image=image)
