"""/addsource with a page: announced feeds, then common paths, each vetted like a proposed feed."""

from __future__ import annotations

import httpx
import pytest

from bot.errors import SourceError
from bot.ingest.fetch import FeedFetcher
from bot.ingest.finder import SeveralFeeds, find_feeds

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>
<item><title>Story</title><link>https://site.example/s</link></item></channel></rss>"""


def page(*links: str) -> bytes:
    tags = "".join(f'<link rel="alternate" type="application/rss+xml" href="{h}" title="L{n}">'
                   for n, h in enumerate(links))  # fmt: skip
    return f"<!doctype html><html><head><title>Site</title>{tags}</head><body>hi</body></html>".encode()


def fetcher(routes: dict[str, tuple[str, bytes]]) -> tuple[FeedFetcher, list[str]]:
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if str(request.url) not in routes:
            return httpx.Response(404)
        kind, body = routes[str(request.url)]
        return httpx.Response(200, content=body, headers={"content-type": kind})

    return FeedFetcher(transport=httpx.MockTransport(handle)), asked


async def test_a_feed_is_taken_as_it_is() -> None:
    f, asked = fetcher({"https://site.example/rss.xml": ("application/rss+xml", RSS % b"Site news")})
    found = await find_feeds("https://site.example/rss.xml", f)
    assert [(c.url, c.title) for c in found.feeds] == [("https://site.example/rss.xml", "Site news")]
    assert found.page is None and len(asked) == 1


async def test_a_page_with_one_working_feed_among_its_links() -> None:
    f, _ = fetcher(
        {
            "https://site.example/": ("text/html", page("/broken.xml", "/feed.xml")),
            "https://site.example/feed.xml": ("application/rss+xml", RSS % b""),
        }
    )
    found = await find_feeds("site.example", f)
    assert [(c.url, c.title) for c in found.feeds] == [("https://site.example/feed.xml", "L1")]
    assert found.page == "https://site.example/"


async def test_a_page_without_links_falls_back_to_common_paths() -> None:
    f, asked = fetcher(
        {
            "https://site.example/": ("text/html", page()),
            "https://site.example/atom.xml": ("application/atom+xml", RSS % b"Atom"),
        }
    )
    found = await find_feeds("https://site.example/", f)
    assert [c.url for c in found.feeds] == ["https://site.example/atom.xml"]
    assert "https://site.example/feed" in asked


async def test_several_feeds_are_all_offered() -> None:
    f, _ = fetcher(
        {
            "https://site.example/": ("text/html", page("/a.xml", "/b.xml")),
            "https://site.example/a.xml": ("application/rss+xml", RSS % b"A"),
            "https://site.example/b.xml": ("application/rss+xml", RSS % b"B"),
        }
    )
    found = await find_feeds("https://site.example/", f)
    assert [c.title for c in found.feeds] == ["A", "B"]
    choice = SeveralFeeds(found.page or "", found.feeds)
    assert "/addsource https://site.example/a.xml" in str(choice) and isinstance(choice, SourceError)


async def test_a_page_with_no_feed_anywhere_says_so() -> None:
    f, _ = fetcher({"https://site.example/": ("text/html", page())})
    with pytest.raises(SourceError, match="web page, and I found no RSS/Atom feed"):
        await find_feeds("https://site.example/", f)


async def test_unreachable_and_internal_addresses_keep_their_reasons() -> None:
    f, _ = fetcher({})
    with pytest.raises(SourceError, match="could not be fetched: HTTP 404"):
        await find_feeds("https://site.example/", f)
    with pytest.raises(SourceError, match="not a public address"):
        await find_feeds("http://127.0.0.1/", f)


async def test_discovered_links_to_internal_hosts_are_refused() -> None:
    f, asked = fetcher(
        {
            "https://site.example/": ("text/html", page("http://127.0.0.1/feed", "http://localhost/rss")),
        }
    )
    with pytest.raises(SourceError, match="found no RSS/Atom feed"):
        await find_feeds("https://site.example/", f)
    assert not any("127.0.0.1" in u or "localhost" in u for u in asked)
