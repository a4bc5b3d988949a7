"""One source's poll: fetch (conditional GET) -> parse -> an outcome with the new poll state."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.ingest import schedule
from bot.ingest.fetch import FeedFetcher, FetchStatus
from bot.ingest.parse_pool import ParsePool
from bot.models import Article, Source, SourceState
from bot.ports import Clock

log = logging.getLogger(__name__)


class Outcome(Enum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    source: Source
    state: SourceState
    articles: tuple[Article, ...] = ()
    status: Outcome = Outcome.OK


class SourcePoller:
    def __init__(
        self,
        fetcher: FeedFetcher,
        clock: Clock,
        *,
        poll_seconds: float,
        max_backoff: timedelta,
        parser: ParsePool | None = None,
    ) -> None:
        self.parser = parser or ParsePool()
        self.fetcher = fetcher
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.max_backoff = max_backoff

    async def poll(self, source: Source, state: SourceState) -> SourceOutcome:
        try:
            result = await self.fetcher.fetch(
                source.url,
                etag=state.etag,
                last_modified=state.last_modified,
                guarded=source.added_by is not None,
            )
        except Exception as exc:  # the fetcher classifies errors; this is the last line of defence
            log.exception("fetching %s raised", source.name)
            return self.failed(source, state, f"internal error: {type(exc).__name__}")
        now = self.clock.now()
        if result.status is FetchStatus.NOT_MODIFIED:
            return SourceOutcome(source, schedule.after_not_modified(state, now), (), Outcome.NOT_MODIFIED)
        if result.status is FetchStatus.ERROR:
            return self.failed(source, state, result.error or "fetch failed")
        try:
            # a big feed takes feedparser seconds: keep the event loop (chat commands) responsive
            parsed = await self.parser.parse(
                result.body, source=source.name, url=result.url, headers=result.headers, now=now
            )
        except Exception as exc:
            log.exception("parsing %s raised", source.name)
            return self.failed(source, state, f"could not parse: {type(exc).__name__}")
        if not parsed.is_feed:
            return self.failed(source, state, parsed.problem or "not an RSS/Atom feed")
        if parsed.problem:
            log.info(
                "%s: feed is damaged (%s); using the %d entries read",
                source.name,
                parsed.problem,
                len(parsed.articles),
            )
        new_state = schedule.after_success(state, now, result.etag, result.last_modified)
        return SourceOutcome(source, new_state, parsed.articles, Outcome.OK)

    def failed(self, source: Source, state: SourceState, error: str) -> SourceOutcome:
        new_state = schedule.after_failure(
            state, error, self.clock.now(), poll_seconds=self.poll_seconds, max_backoff=self.max_backoff
        )
        log.warning("source %s failed (%d in a row): %s", source.name, new_state.failures, error)
        return SourceOutcome(source, new_state, (), Outcome.FAILED)
