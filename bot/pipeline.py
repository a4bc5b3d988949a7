"""One poll cycle: fetch every due source -> parse -> keep new stories -> match -> outbox.

Pure of any scheduler or chat platform: `poll_once()` is called by the runtime,
by the demo and by tests alike.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.alerts import AlertFactory, query_terms
from bot.book import SubscriptionBook
from bot.dedup import canonical_url
from bot.extract import extract_main_text
from bot.fetch import FeedFetcher, FetchStatus
from bot.matching import analyze
from bot.models import Alert, Article, PollReport, Source, SourceState
from bot.parse import parse_feed
from bot.ports import Clock
from bot.service import Repos
from bot.text import is_teaser

log = logging.getLogger(__name__)
CACHE_TEXT_CHARS = 20_000  # /latest needs the lead of a story, not 100 KB of it, on disk every cycle


@dataclass(frozen=True, slots=True)
class PollSettings:
    poll_seconds: float = 300.0
    concurrency: int = 8
    prime_new_sources: bool = True  # first poll of a source records, never alerts (no backlog flood)
    syndication_window: timedelta = timedelta(hours=48)
    max_story_age: timedelta = timedelta(days=3)  # an old story resurfacing in a feed is not news
    seen_retention: timedelta = timedelta(days=30)
    cache_retention: timedelta = timedelta(days=3)
    cache_max: int = 2000
    max_backoff: timedelta = timedelta(hours=6)
    fetch_pages: bool = True  # fetch the article page when the feed ships only a teaser
    guard_pages: bool = True  # article links come from third-party feeds: keep them off private networks
    page_concurrency: int = 4
    batch_seconds: float = 2.0  # sources finishing within this window share one write


@dataclass(frozen=True, slots=True)
class _SourceOutcome:
    source: Source
    state: SourceState
    articles: tuple[Article, ...] = ()
    status: str = "ok"  # ok | not_modified | failed


class Poller:
    def __init__(
        self,
        repos: Repos,
        book: SubscriptionBook,
        fetcher: FeedFetcher,
        clock: Clock,
        sources: Callable[[], Sequence[Source]],
        settings: PollSettings | None = None,
        alerts: AlertFactory | None = None,
    ) -> None:
        self.repos = repos
        self.book = book
        self.fetcher = fetcher
        self.clock = clock
        self.sources = sources
        self.settings = settings or PollSettings()
        self.alerts = alerts or AlertFactory()
        self._last_prune: datetime | None = None
        self.on_alerts: Callable[[], object] | None = None  # called when alerts were queued

    async def poll_once(self) -> PollReport:
        now = self.clock.now()
        due, skipped = [], 0
        for source in self.sources():
            state = self.repos.sources.state(source.url)
            if state.retry_at is not None and state.retry_at > now:
                skipped += 1
            else:
                due.append((source, state))
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def bounded(source: Source, state: SourceState) -> _SourceOutcome:
            async with gate:
                return await self._poll_source(source, state)

        tasks = [asyncio.ensure_future(bounded(s, st)) for s, st in due]
        order = {task: n for n, task in enumerate(tasks)}
        pending = set(tasks)
        outcomes: list[_SourceOutcome] = []
        fresh_count = queued = 0
        try:
            while pending:
                # Sources that answer within one window are handled together (one write); a slow or
                # hanging source is handled when it ends, so it never holds back the others' alerts.
                done, pending = await asyncio.wait(pending, timeout=self.settings.batch_seconds)
                # in sources-file order, so that the same story in two feeds is credited the same way
                batch = [task.result() for task in sorted(done, key=order.__getitem__)]
                if batch:
                    fresh, added = await self._settle(batch)
                    outcomes += batch
                    fresh_count += fresh
                    queued += added
        finally:
            for task in pending:
                task.cancel()
        self._maybe_prune()
        report = PollReport(
            polled=len(outcomes),
            not_modified=sum(o.status == "not_modified" for o in outcomes),
            failed=sum(o.status == "failed" for o in outcomes),
            skipped=skipped,
            new_stories=fresh_count,
            alerts_queued=queued,
            errors=tuple(f"{o.source.name}: {o.state.last_error}" for o in outcomes if o.status == "failed"),
        )
        log.info(
            "poll: %d sources polled, %d not modified, %d failed, %d backing off, "
            "%d new stories, %d alerts queued",
            report.polled,
            report.not_modified,
            report.failed,
            report.skipped,
            report.new_stories,
            report.alerts_queued,
        )
        return report

    async def _settle(self, outcomes: Sequence[_SourceOutcome]) -> tuple[int, int]:
        """New stories of these sources -> outbox, then seen; returns (new stories, alerts queued)."""
        fresh = self._new_articles(outcomes)
        alertable = [a for src_primed, a in fresh if src_primed and self._recent_enough(a)]
        alerts, enriched = await self._alerts_for(alertable)
        queued = self.repos.outbox.enqueue(alerts) if alerts else 0  # durable before "seen"
        if fresh:
            self.repos.articles.remember([_for_cache(enriched.get(a.key, a)) for _, a in fresh])
        self.repos.sources.save_states(
            [replace(o.state, primed=True) if o.status != "failed" else o.state for o in outcomes]
        )
        if queued and self.on_alerts is not None:
            self.on_alerts()
        return len(fresh), queued

    async def _poll_source(self, source: Source, state: SourceState) -> _SourceOutcome:
        try:
            result = await self.fetcher.fetch(
                source.url,
                etag=state.etag,
                last_modified=state.last_modified,
                guarded=source.added_by is not None,
            )
        except Exception as exc:  # the fetcher classifies errors; this is the last line of defence
            log.exception("fetching %s raised", source.name)
            return self._failed(source, state, f"internal error: {type(exc).__name__}")
        now = self.clock.now()
        if result.status is FetchStatus.NOT_MODIFIED:
            return _SourceOutcome(
                source, replace(state, failures=0, retry_at=None, last_success=now), (), "not_modified"
            )
        if result.status is FetchStatus.ERROR:
            return self._failed(source, state, result.error or "fetch failed")
        try:
            # a big feed takes feedparser seconds: keep the event loop (chat commands) responsive
            parsed = await asyncio.to_thread(
                parse_feed, result.body, source=source.name, url=result.url, headers=result.headers, now=now
            )
        except Exception as exc:
            log.exception("parsing %s raised", source.name)
            return self._failed(source, state, f"could not parse: {type(exc).__name__}")
        if not parsed.is_feed:
            return self._failed(source, state, parsed.problem or "not an RSS/Atom feed")
        if parsed.problem:
            log.info(
                "%s: feed is damaged (%s); using the %d entries read",
                source.name,
                parsed.problem,
                len(parsed.articles),
            )
        new_state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            failures=0,
            retry_at=None,
            last_success=now,
        )
        return _SourceOutcome(source, new_state, parsed.articles, "ok")

    def _failed(self, source: Source, state: SourceState, error: str) -> _SourceOutcome:
        now = self.clock.now()
        failures = state.failures + 1
        base = self.settings.poll_seconds * (2 ** min(failures - 1, 10))
        delay = min(base, self.settings.max_backoff.total_seconds()) * random.uniform(0.8, 1.0)
        retry_at = now + timedelta(seconds=delay) if failures > 1 else None  # one blip is not a pattern
        log.warning("source %s failed (%d in a row): %s", source.name, failures, error)
        new_state = replace(state, failures=failures, retry_at=retry_at, last_error=error, last_error_at=now)
        return _SourceOutcome(source, new_state, (), "failed")

    def _new_articles(self, outcomes: Sequence[_SourceOutcome]) -> list[tuple[bool, Article]]:
        """Stories never seen before, once each, across sources, URLs and syndicated titles."""
        primed_first = sorted(  # a story in a primed and a new source is alerted, not only recorded
            (
                (o.state.primed or not self.settings.prime_new_sources, a)
                for o in outcomes
                for a in o.articles
            ),
            key=lambda pair: not pair[0],
        )
        if not primed_first:
            return []
        now = self.clock.now()
        keys = {a.key for _, a in primed_first} | {canonical_url(a.url) for _, a in primed_first if a.url}
        seen_keys = self.repos.articles.seen(keys)
        # stories still served stay remembered however long they stay; only records past half the
        # retention are refreshed, so this is rarely a write
        if seen_keys:
            self.repos.articles.touch(seen_keys, now, now - self.settings.seen_retention / 2)
        since = now - self.settings.syndication_window
        syndicated: set[tuple[str, str]] = set()  # (source, title key) seen from another source
        for source in {a.source for _, a in primed_first}:
            titles = {a.title_key for _, a in primed_first if a.source == source and a.title_key}
            if titles:
                syndicated |= {(source, t) for t in self.repos.articles.seen_titles(titles, since, source)}
        fresh: list[tuple[bool, Article]] = []
        batch_keys: set[str] = set()
        batch_titles: dict[str, str] = {}  # title key -> the source that brought it in this batch
        for primed, article in primed_first:
            url_key = canonical_url(article.url) if article.url else article.key
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

    def _recent_enough(self, article: Article) -> bool:
        if article.published is None:
            return True
        return article.published >= self.clock.now() - self.settings.max_story_age

    async def _alerts_for(self, articles: Sequence[Article]) -> tuple[list[Alert], dict[str, Article]]:
        now = self.clock.now()
        matches = []
        for article in articles:
            try:
                hits = self.book.match(analyze(article.title, article.text))
            except Exception:  # one odd story must not stall every later poll cycle
                log.exception("matching %r failed; skipping it", article.title[:80])
                continue
            if hits:
                matches.append((article, hits))
        enriched = await self._enrich([a for a, _ in matches])
        alerts: list[Alert] = []
        for article, hits in matches:
            article = enriched.get(article.key, article)
            for terms in {query_terms(queries) for queries in hits.values()}:
                # highlights are CPU work: compute them off the event loop; build() reuses them
                await asyncio.to_thread(self.alerts.bullets, article, terms)
            for chat, queries in hits.items():
                state = self.repos.chats.get(chat)
                if state.active and not state.paused:
                    alerts.append(self.alerts.build(chat, article, queries, now))
        return alerts, enriched

    async def _enrich(self, articles: Sequence[Article]) -> dict[str, Article]:
        """Teaser-only stories get their page's text, one request per story; failures keep the teaser."""
        if not self.settings.fetch_pages:
            return {}
        teasers = [a for a in articles if a.url.startswith(("http://", "https://")) and is_teaser(a.text)]
        gate = asyncio.Semaphore(self.settings.page_concurrency)

        async def one(article: Article) -> Article | None:
            async with gate:
                try:
                    result = await self.fetcher.fetch_page(article.url, guarded=self.settings.guard_pages)
                    if result.status is not FetchStatus.OK:
                        log.info("page of %r not fetched: %s", article.title[:60], result.error)
                        return None
                    text = await asyncio.to_thread(extract_main_text, result.body, result.url)
                except Exception:
                    log.exception("extracting %s failed", article.url)
                    return None
                if not text or len(text) <= len(article.text):
                    return None
                return replace(article, text=text)

        done = await asyncio.gather(*(one(a) for a in teasers))
        return {a.key: a for a in done if a is not None}

    def _maybe_prune(self) -> None:
        now = self.clock.now()
        if self._last_prune is not None and now - self._last_prune < timedelta(hours=1):
            return
        self._last_prune = now
        removed = self.repos.articles.prune(
            now - self.settings.seen_retention, now - self.settings.cache_retention, self.settings.cache_max
        )
        if removed:
            log.info("pruned %d old story records", removed)


def _for_cache(article: Article) -> Article:
    if len(article.text) <= CACHE_TEXT_CHARS:
        return article
    return replace(article, text=article.text[:CACHE_TEXT_CHARS].rsplit("\n", 1)[0])
