"""Sources in and out as feed lists: /import, /export and `newsbot opml import|export`.

An import vets every listed feed exactly like /addsource (public address, fetchable, really a
feed), a few at a time, and reports what was added, what was already there and what was
refused with the reason. An export is an OPML 2.0 document of every polled source; for anyone
but the bot's admins, addresses lose their credentials and key-like query parameters.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.errors import NewsbotError, PermissionDenied, SourceError
from bot.ingest.opml import ExportedFeed, FeedListError, export_opml, parse_feed_list
from bot.models import Source
from bot.text.urls import display_url, normalize_url
from bot.texts import N_

if TYPE_CHECKING:
    from bot.service import NewsService
    from bot.sources_service import Actor

CONCURRENCY = 4  # feeds vetted at once: each is a fetch of up to the fetcher's timeout
_SECRET_PARAMS = ("key", "token", "secret", "password", "passwd", "auth", "sig", "signature", "session")


@dataclass(slots=True)
class ImportReport:
    added: list[Source] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # names of sources already polled
    refused: list[tuple[str, str]] = field(default_factory=list)  # (address as shown, why)
    truncated: int = 0  # feeds beyond the per-import limit, not looked at

    @property
    def total(self) -> int:
        return len(self.added) + len(self.existing) + len(self.refused) + self.truncated


def public_feed_url(url: str) -> str:
    """The address without credentials or query parameters that look like keys."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _secret(k)]
    return urlunsplit((parts.scheme, host, parts.path, urlencode(query), ""))


def _secret(name: str) -> bool:
    lowered = name.lower().replace("-", "_")
    return any(word in lowered for word in _SECRET_PARAMS)


class FeedLists:
    def __init__(self, service: NewsService) -> None:
        self.service = service

    async def import_list(self, actor: Actor, data: bytes) -> ImportReport:
        """Raises PermissionDenied for non-admins and SourceError for a file that is no feed list."""
        if not self.service.is_admin(actor):
            raise PermissionDenied(N_("Only the bot's admins can import sources."))
        try:
            listed = parse_feed_list(data)
        except FeedListError as exc:
            raise SourceError(N_("I could not read that file: {problem}."), problem=str(exc)) from None
        report = ImportReport(truncated=listed.truncated)
        known = {s.url: s.name for s in self.service.all_sources()}
        todo: dict[str, str | None] = {}  # url -> the list's title for it
        for feed in listed.feeds:
            try:
                url = normalize_url(feed.url)
            except SourceError as exc:
                report.refused.append((feed.url[:200], exc.text))
                continue
            if url in known:
                report.existing.append(known[url])
            else:
                todo.setdefault(url, feed.title)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(url: str, title: str | None) -> Source | tuple[str, str]:
            async with gate:
                taken = {s.name.casefold() for s in self.service.all_sources()}
                name = title if title and title.casefold() not in taken else None
                try:
                    return await self.service.add_source(actor, url, name)
                except NewsbotError as exc:
                    return (display_url(url), exc.text)

        for outcome in await asyncio.gather(*(one(u, t) for u, t in todo.items())):
            if isinstance(outcome, Source):
                report.added.append(outcome)
            elif "already" in outcome[1]:
                report.existing.append(outcome[0])
            else:
                report.refused.append(outcome)
        return report

    def export_list(self, actor: Actor | None = None) -> bytes:
        """OPML 2.0 of every source; `actor=None` is the operator (the command line): full addresses."""
        full = actor is None or self.service.is_admin(actor)
        feeds = [
            ExportedFeed(s.url if full else public_feed_url(s.url), s.name)
            for s in self.service.all_sources()
        ]
        return export_opml(feeds, now=self.service.clock.now())
