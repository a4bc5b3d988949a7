"""One poll cycle, stage by stage: due sources -> ingest (fetch, parse) -> stories (never seen,
recent) -> alerts (match, enrich teasers, build) -> outbox, then seen records and poll states.

Orchestration only: each stage lives in its package. Pure of any scheduler or chat platform:
`poll_once()` is called by the runtime, by the demo and by tests alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.alerts.burst import BURST_WINDOW, DEFAULT_BURST
from bot.alerts.factory import AlertFactory
from bot.alerts.plan import BurstRule
from bot.alerts.router import AlertRouter, RhythmRouter
from bot.delivery.threads import EDIT_WINDOW
from bot.ingest import schedule
from bot.ingest.enrich import PageEnricher
from bot.ingest.fetch import FeedFetcher
from bot.ingest.parse_pool import ParsePool
from bot.ingest.planner import Planner
from bot.ingest.poll import Outcome, SourceOutcome, SourcePoller
from bot.ingest.schedule import ScheduleSettings
from bot.matching.audience import SubscriptionBook
from bot.models import Article, PollReport, Source, SourceState
from bot.ports import Clock, Repos
from bot.stories.events import EventTerms
from bot.stories.features import story_features
from bot.stories.fresh import FreshFilter
from bot.stories.near import StoryWords
from bot.stories.threads import EventTracker

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
    min_poll_seconds: float = 60.0  # the adaptive interval's bounds (bot.ingest.schedule)
    max_poll_seconds: float = 3600.0
    requests_per_minute: float | None = None  # None: one request per source per poll_seconds
    fetch_pages: bool = True  # fetch the article page when the feed ships only a teaser
    guard_pages: bool = True  # article links come from third-party feeds: keep them off private networks
    page_concurrency: int = 4
    batch_seconds: float = 2.0  # sources finishing within this window share one write
    parse_workers: int = 0  # processes parsing feeds (0: a thread; see bot.ingest.parse_pool)
    burst: int = DEFAULT_BURST  # NEWSBOT_BURST: instant alerts a chat gets in one burst window
    burst_window: timedelta = BURST_WINDOW


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
        on_alerts: Callable[[], object] | None = None,  # called when alerts were queued
        housekeeping: Sequence[Callable[[], object]] = (),  # run with the hourly pruning
        pushed: Callable[[str], bool] | None = None,  # a WebSub lease is active for this URL
        on_held: Callable[[], object] | None = None,  # called when stories were held for digests
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.sources = sources
        self.settings = s = settings or PollSettings()
        self.on_alerts = on_alerts
        self.housekeeping = tuple(housekeeping)
        self.parser = ParsePool(s.parse_workers)
        # each new story's copy and event features are worked out beside its feed's parse, in a
        # parsing process when there are some: on a first round they cost the main process seconds
        self.ingest = SourcePoller(fetcher, clock, parser=self.parser, annotate=story_features)
        self.planner = Planner(
            ScheduleSettings(
                poll_seconds=s.poll_seconds,
                min_seconds=s.min_poll_seconds,
                max_seconds=s.max_poll_seconds,
                max_backoff_seconds=s.max_backoff.total_seconds(),
            ),
            lambda: [repos.sources.state(source.url) for source in sources()],
            requests_per_minute=s.requests_per_minute,
            pushed=pushed or (lambda url: False),
        )
        self.fresh = FreshFilter(
            repos.articles,
            prime_new_sources=s.prime_new_sources,
            syndication_window=s.syndication_window,
            seen_retention=s.seen_retention,
            max_story_age=s.max_story_age,
        )
        self.router = AlertRouter(book, repos.chats, alerts or AlertFactory(), sent=repos.sent)
        self.rhythm = RhythmRouter(
            repos.rhythms, repos.held, BurstRule(s.burst, s.burst_window), on_held=on_held
        )
        self.events = EventTracker(repos.articles, stored=repos.events)
        self.enricher = PageEnricher(
            fetcher, enabled=s.fetch_pages, guarded=s.guard_pages, concurrency=s.page_concurrency
        )
        self._last_prune: datetime | None = None

    def close(self) -> None:
        """Stop the feed-parsing processes, if any."""
        self.parser.close()

    async def poll_once(self) -> PollReport:
        now = self.clock.now()
        due: list[tuple[Source, SourceState]] = []
        skipped = 0
        sources = self.sources()
        self.ingest.retain([source.url for source in sources])
        for source in sources:
            state = self.repos.sources.state(source.url)
            if schedule.is_due(state, now):
                due.append((source, state))
            else:
                skipped += 1
        outcomes, fresh, queued = await self._poll_all(due)
        self._maybe_prune()
        report = PollReport(
            polled=len(outcomes),
            not_modified=sum(o.status is Outcome.NOT_MODIFIED for o in outcomes),
            failed=sum(o.status is Outcome.FAILED for o in outcomes),
            skipped=skipped,
            new_stories=fresh,
            alerts_queued=queued,
            errors=tuple(
                f"{o.source.name}: {o.state.last_error}" for o in outcomes if o.status is Outcome.FAILED
            ),
            fetch_errors=tuple(o.state.last_error or "" for o in outcomes if o.status is Outcome.FAILED),
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

    async def _poll_all(
        self, due: Sequence[tuple[Source, SourceState]]
    ) -> tuple[list[SourceOutcome], int, int]:
        gate = asyncio.Semaphore(self.settings.concurrency)

        tasks = [asyncio.ensure_future(self.ingest.poll(s, st, gate)) for s, st in due]
        order = {task: n for n, task in enumerate(tasks)}
        pending = set(tasks)
        outcomes: list[SourceOutcome] = []
        fresh_count = queued = 0
        try:
            while pending:
                # Sources that answer within one window are handled together (one write); a slow or
                # hanging source is handled when it ends, so it never holds back the others' alerts.
                done, pending = await asyncio.wait(pending, timeout=self.settings.batch_seconds)
                # in sources-file order, so that the same story in two feeds is credited the same way
                batch = [task.result() for task in sorted(done, key=order.__getitem__)]
                if batch:
                    fresh, added = await self.settle(batch)
                    outcomes += batch
                    fresh_count += fresh
                    queued += added
        finally:
            for task in pending:
                task.cancel()
        return outcomes, fresh_count, queued

    async def prepare(self, outcome: SourceOutcome) -> SourceOutcome:
        """Fetch the pages of this source's likely alerts (new, recent, matched teasers) now, in
        its own task, so that a slow page delays only its own source; `settle` decides for good."""
        if not self.enricher.enabled or not outcome.articles or not outcome.state.primed:
            return outcome
        now = self.clock.now()
        keys = {a.key for a in outcome.articles}
        seen = self.repos.articles.seen(keys)
        candidates = [a for a in outcome.articles if a.key not in seen and self.fresh.recent_enough(a, now)]
        matched = [a for a, _ in self.router.match(candidates)] if candidates else []
        if not matched:
            return outcome
        enriched = await self.enricher.enrich(matched)
        return replace(outcome, enriched=enriched, paged=frozenset(a.key for a in matched))

    async def settle(self, outcomes: Sequence[SourceOutcome]) -> tuple[int, int]:
        """New stories of these sources -> outbox (or held for digests: `RhythmRouter`), then seen;
        returns (new stories, alerts queued)."""
        now = self.clock.now()
        words: dict[str, StoryWords] = {}  # each new story tokenised once, for both checks
        terms: dict[str, EventTerms] = {}  # and its event terms, where the parser made them
        fresh = self.fresh.new_articles(outcomes, now, words, terms)
        alertable = [a for primed, a in fresh if primed and self.fresh.recent_enough(a, now)]
        matches = self.router.match(alertable)
        # copies too: a copy reports its event
        events = self.events.events([a for _, a in fresh], now, words, terms)
        del words, terms
        paged = {key for o in outcomes for key in o.paged}
        enriched = {key: a for o in outcomes for key, a in o.enriched.items()}
        enriched |= await self.enricher.enrich([a for a, _ in matches if a.key not in paged])
        alerts = await self.router.alerts(matches, enriched, now, events)
        # no await from here on: held stories and queued alerts are durable before "seen"
        alerts, _held = self.rhythm.route(alerts, now) if alerts else ([], 0)
        queued = self.repos.outbox.enqueue(alerts) if alerts else 0
        if fresh:
            self.repos.articles.remember(
                [_for_cache(enriched.get(a.key, a)) for _, a in fresh], self.settings.cache_max
            )
        by_source: dict[str, list[tuple[bool, Article]]] = {}
        for pair in fresh:
            by_source.setdefault(pair[1].source, []).append(pair)
        self.repos.sources.save_states(
            [self._planned(o, by_source.get(o.source.name, []), now) for o in outcomes]
        )
        if queued and self.on_alerts is not None:
            self.on_alerts()
        return len(fresh), queued

    def _planned(
        self, outcome: SourceOutcome, mine: Sequence[tuple[bool, Article]], now: datetime
    ) -> SourceState:
        """The outcome's state with its next fetch planned (and primed after a good poll);
        `mine`: the new stories of this outcome's source."""
        ok = outcome.status is not Outcome.FAILED
        state = replace(outcome.state, primed=True) if ok else outcome.state
        # a first poll shows the feed's past: its dates are the rhythm; later, first-seen times are
        new = (
            [a.published for primed, a in mine if a.published]
            if not outcome.state.primed
            else [now] * len(mine)
        )
        return self.planner.plan(
            state,
            now,
            ok=ok,
            http_status=outcome.http_status,
            headers=outcome.headers,
            hints=outcome.hints,
            new=new,
        )

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
        if self.repos.sent is not None:
            self.repos.sent.prune(now - EDIT_WINDOW)  # no longer edited: forgotten
        self.events.prune(now - self.events.window)  # no later report can join these events
        for chore in self.housekeeping:
            try:
                chore()
            except Exception:  # e.g. the store is unwritable: try again in an hour
                log.exception("housekeeping %s failed", getattr(chore, "__name__", chore))


def _for_cache(article: Article) -> Article:
    if len(article.text) <= CACHE_TEXT_CHARS:
        return article
    return replace(article, text=article.text[:CACHE_TEXT_CHARS].rsplit("\n", 1)[0])
