"""Issue 12 through the real poll cycle: identity by guid, copies dropped, one title is not one story."""

from __future__ import annotations

from email.utils import format_datetime

import httpx
import pytest

from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from tests.core.test_pipeline import ALICE, RemoteFeeds
from tests.support.clock import FakeClock


@pytest.fixture(name="remote")
def _remote() -> RemoteFeeds:
    return RemoteFeeds()


@pytest.fixture(name="poller")
def _poller(repos: Repos, book: SubscriptionBook, clock: FakeClock, remote: RemoteFeeds) -> Poller:
    fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
    return Poller(repos, book, fetcher, clock, list, PollSettings(poll_seconds=60, fetch_pages=False))


LEAD = (
    "Police said a gunman opened fire in the baggage claim area of Fort Lauderdale airport on Friday, "
    "killing five people and wounding eight before he was taken into custody by deputies."
)
OTHER = (
    "The city council approved a plan to rebuild the harbour wall after winter storms damaged the "
    "promenade, with work due to start in the spring and to last two years."
)


def rss(*items: tuple[str, str, str, str], clock: FakeClock) -> bytes:
    body = "".join(
        f'<item><title>{t}</title><link>{link}</link><guid isPermaLink="false">{g}</guid>'
        f"<description>{d}</description><pubDate>{format_datetime(clock.now())}</pubDate></item>"
        for t, link, g, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'.encode()


async def _prime(poller, remote, clock, service, sources=("/feed",)) -> None:
    for path in sources:
        remote.bodies[path] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "airport OR harbour")


async def test_a_fixed_headline_and_slug_with_the_same_guid_is_one_story(
    poller, remote, clock, service, repos
):
    poller.sources = lambda: [Source("A", "https://a.example/feed")]
    await _prime(poller, remote, clock, service)
    remote.bodies["/feed"] = rss(
        ("Five killed at Fort Lauderale airport", "https://a.example/lauderale", "g-1", LEAD), clock=clock
    )
    await poller.poll_once()
    clock.advance(600)
    fixed = ("Five killed at Fort Lauderdale airport", "https://a.example/lauderdale", "g-1", LEAD)
    remote.bodies["/feed"] = rss(fixed, clock=clock)
    report = await poller.poll_once()
    assert report.new_stories == 0
    assert len(repos.outbox.pending()) == 1


async def test_one_generic_title_over_two_texts_is_two_stories(poller, remote, clock, service, repos):
    poller.sources = lambda: [Source("A", "https://a.example/feed"), Source("B", "https://b.example/feed")]
    await _prime(poller, remote, clock, service)
    remote.bodies["/feed"] = rss(("What we know so far", "https://a.example/1", "a-1", LEAD), clock=clock)
    await poller.poll_once()
    clock.advance(600)
    remote.bodies["/feed"] = rss(("What we know so far", "https://b.example/2", "b-2", OTHER), clock=clock)
    await poller.poll_once()
    assert [a.url for a in repos.outbox.pending()] == ["https://a.example/1", "https://b.example/2"]


async def test_a_wire_story_republished_under_a_new_url_is_a_copy(poller, remote, clock, service, repos):
    poller.sources = lambda: [Source("A", "https://a.example/feed")]
    await _prime(poller, remote, clock, service)
    title = "Gunman kills five at Fort Lauderdale airport"
    remote.bodies["/feed"] = rss((title, "https://a.example/wire/1", "w-1", LEAD), clock=clock)
    await poller.poll_once()
    clock.advance(3600)
    again = (
        title,
        "https://a.example/world/2",
        "w-2",
        "By Staff Reporter\n" + LEAD.replace("Friday", "Friday afternoon"),
    )
    remote.bodies["/feed"] = rss(again, clock=clock)
    report = await poller.poll_once()
    assert report.new_stories == 1  # recorded (so it is never alerted later) ...
    assert [a.url for a in repos.outbox.pending()] == ["https://a.example/wire/1"]  # ... but no alert


async def test_a_syndicated_copy_under_another_headline_from_another_source_is_dropped(
    poller, remote, clock, service, repos
):
    poller.sources = lambda: [Source("A", "https://a.example/feed"), Source("B", "https://b.example/feed")]
    await _prime(poller, remote, clock, service)
    remote.bodies["/feed"] = rss(
        ("Airport shooting: five dead", "https://a.example/1", "a-1", LEAD), clock=clock
    )
    await poller.poll_once()
    clock.advance(600)
    copy = (
        "Reuters: five dead after gunman opens fire at Florida airport",
        "https://b.example/x?utm_source=rss",
        "b-9",
        LEAD,
    )
    remote.bodies["/feed"] = rss(copy, clock=clock)
    await poller.poll_once()
    assert [a.url for a in repos.outbox.pending()] == ["https://a.example/1"]


async def test_copies_are_still_recognised_after_a_restart(poller, remote, clock, service, repos):
    poller.sources = lambda: [Source("A", "https://a.example/feed")]
    await _prime(poller, remote, clock, service)
    remote.bodies["/feed"] = rss(
        ("Airport shooting: five dead", "https://a.example/1", "a-1", LEAD), clock=clock
    )
    await poller.poll_once()
    poller.fresh.copies = None  # what a new process starts with: rebuilt from the article cache
    clock.advance(600)
    remote.bodies["/feed"] = rss(("Five dead at airport", "https://a.example/2", "a-2", LEAD), clock=clock)
    await poller.poll_once()
    assert len(repos.outbox.pending()) == 1
