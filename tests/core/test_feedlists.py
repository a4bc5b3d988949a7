"""/import and /export through the real service and store; remote feeds behind a mock transport."""

from __future__ import annotations

import httpx
import pytest

from bot.errors import PermissionDenied, SourceError
from bot.feedlists import FeedLists, public_feed_url
from bot.ingest.fetch import FeedFetcher
from bot.ingest.opml import parse_feed_list
from bot.models import Source
from bot.sources_service import Actor
from storage import Store
from tests.support.clock import FakeClock
from tests.support.services import build_service

ADMIN, USER = Actor("telegram", "1", admin_id="1"), Actor("telegram", "2", admin_id="2")
BBC = Source("BBC", "https://feeds.example/bbc.xml")
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>
<item><title>Story</title><link>https://x.example/s</link></item></channel></rss>"""
OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
<outline text="Folder">
  <outline text="Good one" xmlUrl="https://good.example/rss"/>
  <outline text="BBC again" xmlUrl="https://feeds.example/bbc.xml"/>
</outline>
<outline text="Missing" xmlUrl="https://good.example/404"/>
<outline text="Page" xmlUrl="https://other.example/page"/>
<outline text="Internal" xmlUrl="http://10.0.0.1/rss"/>
<outline text="Not a URL" xmlUrl="ftp://good.example/rss"/>
<outline text="Untitled feed" xmlUrl="https://good.example/untitled"/>
</body></opml>"""


def transport(request: httpx.Request) -> httpx.Response:
    url = str(request.url)
    if url == "https://good.example/rss":
        return httpx.Response(
            200, content=RSS % b"Good feed", headers={"content-type": "application/rss+xml"}
        )
    if url == "https://good.example/untitled":
        return httpx.Response(200, content=RSS % b"", headers={"content-type": "application/rss+xml"})
    if url == "https://other.example/page":
        return httpx.Response(
            200, content=b"<html><body>hello</body></html>", headers={"content-type": "text/html"}
        )
    return httpx.Response(404)


@pytest.fixture
def lists(store: Store, clock: FakeClock) -> FeedLists:
    fetcher = FeedFetcher(transport=httpx.MockTransport(transport))
    service = build_service(store, clock, config_sources=[BBC], admins=frozenset({"1"}), fetcher=fetcher)
    return FeedLists(service)


async def test_import_adds_vetted_feeds_and_reports_the_rest(lists: FeedLists, store: Store) -> None:
    report = await lists.import_list(ADMIN, OPML)
    assert [(s.name, s.url) for s in report.added] == [
        ("Good one", "https://good.example/rss"),
        ("Untitled feed", "https://good.example/untitled"),
    ]
    assert report.existing == ["BBC"]
    reasons = dict(report.refused)
    assert "HTTP 404" in reasons["https://good.example/404"]
    assert "web page, and I found no RSS/Atom feed" in reasons["https://other.example/page"]
    assert "not a public address" in reasons["http://10.0.0.1/rss"]
    assert "http://" in reasons["ftp://good.example/rss"]
    assert report.total == 7
    assert {s.url for s in store.sources.list()} == {
        "https://good.example/rss",
        "https://good.example/untitled",
    }
    again = await lists.import_list(ADMIN, b"https://good.example/rss\nhttps://feeds.example/bbc.xml\n")
    assert again.added == [] and sorted(again.existing) == ["BBC", "Good one"]


async def test_import_is_for_admins_and_a_bad_file_is_explained(lists: FeedLists) -> None:
    with pytest.raises(PermissionDenied):
        await lists.import_list(USER, OPML)
    with pytest.raises(SourceError, match=r"could not read that file: .*not OPML"):
        await lists.import_list(ADMIN, b"<rss/>")


async def test_export_round_trips_and_hides_secrets_from_non_admins(lists: FeedLists, store: Store) -> None:
    store.sources.add(Source("Keyed", "https://u:p@api.example/rss?format=rss&api_key=XYZ", added_by="t:1"))
    full = parse_feed_list(lists.export_list())
    assert [f.url for f in full.feeds] == [BBC.url, "https://u:p@api.example/rss?format=rss&api_key=XYZ"]
    shown = parse_feed_list(lists.export_list(USER))
    assert [f.url for f in shown.feeds] == [BBC.url, "https://api.example/rss?format=rss"]
    assert [f.title for f in shown.feeds] == ["BBC", "Keyed"]
    assert parse_feed_list(lists.export_list(ADMIN)).feeds == full.feeds


def test_public_feed_url() -> None:
    assert (
        public_feed_url("https://x.example/f?feed=rss2&Token=1&x-auth-key=2")
        == "https://x.example/f?feed=rss2"
    )
