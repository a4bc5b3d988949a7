"""What a user-proposed address offers: the feed itself, or the feeds its page leads to.

`/addsource https://site.example/` with a page instead of a feed: the page's announced feeds
(`<link rel="alternate">`) are vetted like any proposed feed, then, when none works, a few
common paths on the site. Every candidate goes through `check_candidate_source` (public
address, fetchable, really a feed), so discovery can never reach further than /addsource.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import SourceError
from bot.ingest.discover import common_feed_urls, feed_links
from bot.ingest.fetch import FeedFetcher, FetchStatus
from bot.ingest.netguard import AddressGuard, BlockedAddressError
from bot.ingest.sources import CandidateSource, check_candidate_source
from bot.text.urls import display_url, normalize_url
from bot.texts import N_

MAX_CANDIDATES = 8
CONCURRENCY = 4
_HTML_HINTS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<meta", b"<link")


@dataclass(frozen=True, slots=True)
class FoundFeeds:
    feeds: tuple[CandidateSource, ...]
    page: str | None = None  # the page they were found on; None: the address was a feed


class SeveralFeeds(SourceError):
    """The page offers more than one feed: the user picks (buttons; the message lists them)."""

    def __init__(self, page: str, feeds: tuple[CandidateSource, ...]) -> None:
        listed = "\n".join(f"/addsource {f.url}" + (f"  ({f.title})" if f.title else "") for f in feeds)
        super().__init__(
            N_("{page} is a web page with {count} feeds; add one of them:\n{listed}"),
            page=display_url(page),
            count=len(feeds),
            listed=listed,
        )
        self.page = page
        self.feeds = feeds


def _looks_like_html(body: bytes) -> bool:
    head = body[:4096].lstrip().lower()
    return any(hint in head for hint in _HTML_HINTS)


async def find_feeds(url: str, fetcher: FeedFetcher) -> FoundFeeds:
    """The feed at `url`, or the working feeds of the page at `url`. Raises SourceError."""
    url = normalize_url(url)
    host = urlsplit(url).hostname or url
    try:
        AddressGuard().check_host_literal(host)
    except BlockedAddressError:
        raise SourceError(N_("{host} is not a public address."), host=host) from None
    try:
        return FoundFeeds((await check_candidate_source(url, fetcher),))
    except SourceError as exc:
        refusal = exc  # not a feed, or not reachable: maybe a page that links to feeds
    result = await fetcher.fetch_page(url, guarded=True)
    if result.status is not FetchStatus.OK or not _looks_like_html(result.body):
        raise refusal
    announced = feed_links(result.body, result.url)
    titles = {link.url: link.title for link in announced}
    found = await _vet_all([link.url for link in announced], fetcher)
    if not found:
        found = await _vet_all(common_feed_urls(result.url), fetcher)
    if not found:
        raise SourceError(
            N_(
                "{url} is a web page, and I found no RSS/Atom feed on it or its site. "
                "Give the feed's own address (look for RSS or a feed icon on the site)."
            ),
            url=display_url(url),
        )
    named = tuple(
        c if c.title else CandidateSource(c.url, titles.get(c.url)) for c in found
    )  # the page's own label when the feed has no title
    return FoundFeeds(named, page=result.url)


async def _vet_all(urls: list[str], fetcher: FeedFetcher) -> list[CandidateSource]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(candidate: str) -> CandidateSource | None:
        async with gate:
            try:
                return await check_candidate_source(candidate, fetcher)
            except SourceError:
                return None

    vetted = await asyncio.gather(*(one(u) for u in urls[:MAX_CANDIDATES]))
    unique: dict[str, CandidateSource] = {}
    for candidate in vetted:
        if candidate is not None:
            unique.setdefault(candidate.url, candidate)
    return list(unique.values())
