"""One source's poll: fetch (conditional GET) -> parse -> an outcome with the new poll state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from types import MappingProxyType

from bot.ingest.fetch import FeedFetcher, FetchResult, FetchStatus
from bot.ingest.hints import read_feed_hints
from bot.ingest.parse_pool import Annotate, ParsePool
from bot.ingest.websub import Discovery, discover
from bot.models import Article, FeedHints, Source, SourceState
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
    http_status: int | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    hints: FeedHints | None = None  # from the document (None: no document)
    discovery: Discovery | None = None  # WebSub hub and self links (None: no document)
    pushed: bool = False  # content a hub delivered, not a fetch
    # pages fetched for this source's new stories before settling (bot.pipeline.Poller.prepare):
    # key -> the story with its page's text; `paged` holds every key whose page was tried
    enriched: Mapping[str, Article] = field(default_factory=lambda: MappingProxyType({}))
    paged: frozenset[str] = frozenset()
    # the parser's `annotate` notes (bot.ingest.parse_pool) on the stories new to this document
    notes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


class SourcePoller:
    def __init__(
        self,
        fetcher: FeedFetcher,
        clock: Clock,
        *,
        parser: ParsePool | None = None,
        annotate: Annotate | None = None,
    ) -> None:
        self.parser = parser or ParsePool()
        self.fetcher = fetcher
        self.clock = clock
        self.annotate = annotate
        # source URL -> the story keys of its last document: a changed feed's stories that were
        # already in it are not annotated again. Memory only: a restart annotates each feed once.
        self._last_keys: dict[str, frozenset[str]] = {}

    def retain(self, urls: Collection[str]) -> None:
        """Forget the last documents of sources that are no longer polled."""
        for url in self._last_keys.keys() - set(urls):
            del self._last_keys[url]

    async def poll(
        self, source: Source, state: SourceState, gate: asyncio.Semaphore | None = None
    ) -> SourceOutcome:
        """Fetch and parse one source; `gate`, when given, bounds the fetch only: a fetched feed
        waits for the parser without holding up the next source's fetch."""
        try:
            async with gate or contextlib.nullcontext():
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
            return SourceOutcome(
                source,
                replace(state, failures=0, last_success=now),
                (),
                Outcome.NOT_MODIFIED,
                http_status=304,
                headers=result.headers,
            )
        if result.status is FetchStatus.ERROR:
            return self.failed(
                source, state, result.error or "fetch failed", result.http_status, result.headers
            )
        return await self.document(source, state, result.body, result.url, result.headers, now, result)

    async def document(
        self,
        source: Source,
        state: SourceState,
        body: bytes,
        url: str,
        headers: Mapping[str, str],
        now: datetime,
        result: FetchResult | None = None,
    ) -> SourceOutcome:
        """A feed document (fetched, or delivered by a WebSub hub) -> its outcome."""
        try:
            # a big feed takes feedparser seconds: keep the event loop (chat commands) responsive
            parsed = await self.parser.parse(
                body,
                source=source.name,
                url=url,
                headers=headers,
                now=now,
                annotate=self.annotate,
                skip=self._last_keys.get(source.url, frozenset()),
            )
        except Exception as exc:
            log.exception("parsing %s raised", source.name)
            return self.failed(source, state, f"could not parse: {type(exc).__name__}")
        if not parsed.is_feed:
            return self.failed(source, state, parsed.problem or "not an RSS/Atom feed")
        if self.annotate is not None:
            self._last_keys[source.url] = frozenset(a.key for a in parsed.articles)
        if parsed.problem:
            log.info(
                "%s: feed is damaged (%s); using the %d entries read",
                source.name,
                parsed.problem,
                len(parsed.articles),
            )
        new_state = replace(state, failures=0, last_success=now)
        if result is not None:  # a fetch (not a push): its validators are the feed's from now on
            new_state = replace(
                new_state,
                etag=getattr(result, "etag", None),
                last_modified=getattr(result, "last_modified", None),
            )
        return SourceOutcome(
            source,
            new_state,
            parsed.articles,
            Outcome.OK,
            http_status=result.http_status if result is not None else None,
            headers=headers,
            hints=read_feed_hints(body),
            discovery=discover(body, headers, url),
            pushed=result is None,
            notes=MappingProxyType(parsed.notes),
        )

    def failed(
        self,
        source: Source,
        state: SourceState,
        error: str,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SourceOutcome:
        now = self.clock.now()
        new_state = replace(state, failures=state.failures + 1, last_error=error, last_error_at=now)
        log.warning("source %s failed (%d in a row): %s", source.name, new_state.failures, error)
        return SourceOutcome(
            source,
            new_state,
            (),
            Outcome.FAILED,
            http_status=http_status,
            headers=headers if headers is not None else MappingProxyType({}),
        )
