"""The poll cycle on the real fetcher, parser, matcher and store; remote remote are an httpx transport."""

from __future__ import annotations

import asyncio
from email.utils import format_datetime

import httpx
import pytest

from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from bot.service import NewsService
from tests.support.clock import FakeClock

ALICE, BOB = ChatRef("telegram", "1"), ChatRef("telegram", "2")


def rss(*items: tuple[str, str, str], clock: FakeClock) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>{format_datetime(clock.now())}</pubDate></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'.encode()


class RemoteFeeds:
    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.status: dict[str, int] = {}
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        status = self.status.get(path, 200)
        if status != 200:
            return httpx.Response(status)
        return httpx.Response(
            200, content=self.bodies.get(path, b""), headers={"Content-Type": "application/rss+xml"}
        )


@pytest.fixture
def remote() -> RemoteFeeds:
    return RemoteFeeds()


@pytest.fixture
def poller(repos: Repos, book: SubscriptionBook, clock: FakeClock, remote: RemoteFeeds) -> Poller:
    sources = [Source("Wire A", "https://a.example/feed"), Source("Wire B", "https://b.example/feed")]
    fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
    return Poller(
        repos, book, fetcher, clock, lambda: sources, PollSettings(poll_seconds=60, fetch_pages=False)
    )


STORY = (
    "SOCAR ships gas to Ukraine",
    "https://a.example/socar",
    "SOCAR began supplying gas via Europe. More follows.",
)


async def test_first_poll_primes_then_new_stories_alert_once(poller, remote, clock, service, repos) -> None:
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(("Old SOCAR story", "https://a.example/old", "SOCAR old news."), clock=clock)
    first = await poller.poll_once()
    assert first.new_stories == 1 and first.alerts_queued == 0  # backlog recorded, not pushed
    remote.bodies["/feed"] = rss(
        ("Old SOCAR story", "https://a.example/old", "SOCAR old."), STORY, clock=clock
    )
    second = await poller.poll_once()
    assert second.alerts_queued == 1
    [alert] = repos.outbox.pending()
    assert alert.chat == ALICE and alert.title == STORY[0] and alert.matched and alert.bullets
    third = await poller.poll_once()
    assert third.new_stories == 0 and third.alerts_queued == 0


async def test_one_alert_per_user_naming_every_matched_subscription(
    poller, remote, clock, service, repos
) -> None:
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    service.subscribe(ALICE, "gas Ukraine")
    service.subscribe(BOB, "SOCAR")
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    await poller.poll_once()
    alerts = {a.chat: a for a in repos.outbox.pending()}
    assert len(repos.outbox.pending()) == 2  # the same story appears in both remote: still one each
    assert len(alerts[ALICE].matched) == 2 and len(alerts[BOB].matched) == 1


async def test_tracking_parameters_and_syndicated_titles_are_the_same_story(
    poller, remote, clock, service, repos
):
    poller.sources = lambda: [Source("A", "https://a.example/feed"), Source("B", "https://b.example/other")]
    remote.bodies["/feed"] = remote.bodies["/other"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    await poller.poll_once()
    tracked = (STORY[0], STORY[1] + "?utm_source=tw&fbclid=x", STORY[2])
    syndicated = (STORY[0] + "!", "https://c.example/copy", "A copy of the SOCAR story.")
    remote.bodies["/feed"] = rss(tracked, clock=clock)
    remote.bodies["/other"] = rss(syndicated, clock=clock)
    await poller.poll_once()
    assert len(repos.outbox.pending()) == 1


async def test_a_feed_reusing_its_own_headline_is_a_new_story(poller, remote, clock, service, repos) -> None:
    poller.sources = lambda: [Source("A", "https://a.example/feed")]
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(
        ("SOCAR daily market report today", "https://a.example/1", "SOCAR."), clock=clock
    )
    await poller.poll_once()
    clock.advance(24 * 3600)
    remote.bodies["/feed"] = rss(
        ("SOCAR daily market report today", "https://a.example/2", "SOCAR."), clock=clock
    )
    await poller.poll_once()
    assert [a.url for a in repos.outbox.pending()] == ["https://a.example/1", "https://a.example/2"]


async def test_a_story_in_a_new_and_a_primed_source_is_still_alerted(poller, remote, clock, service, repos):
    poller.sources = lambda: [Source("A", "https://a.example/feed")]
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = remote.bodies["/new"] = rss(STORY, clock=clock)
    # the new source comes first in the file: it must not swallow the primed source's story
    poller.sources = lambda: [Source("New", "https://n.example/new"), Source("A", "https://a.example/feed")]
    await poller.poll_once()
    assert [a.title for a in repos.outbox.pending()] == [STORY[0]]


async def test_paused_chat_gets_nothing_and_new_subscription_gets_no_old_story(
    poller, remote, clock, service, repos
):
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    service.pause(ALICE)
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    await poller.poll_once()
    assert repos.outbox.pending() == []
    service.resume(ALICE)
    service.subscribe(BOB, "SOCAR")
    await poller.poll_once()
    assert repos.outbox.pending() == []  # seen stories never come back for new or resumed subscribers


async def test_a_failing_source_backs_off_without_hurting_the_other(poller, remote, clock, repos) -> None:
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    poller.sources = lambda: [
        Source("Good", "https://a.example/feed"),
        Source("Bad", "https://b.example/broken"),
    ]
    remote.status["/broken"] = 500
    for _ in range(3):
        report = await poller.poll_once()
        clock.advance(1)
    assert report.failed + report.skipped == 1 and report.polled >= 1
    bad = repos.sources.state("https://b.example/broken")
    assert bad.failures >= 2 and bad.retry_at is not None and bad.last_error
    assert repos.sources.state("https://a.example/feed").last_success is not None


async def test_latest_finds_cached_stories(poller, remote, clock, service: NewsService) -> None:
    remote.bodies["/feed"] = rss(
        STORY, ("Rosneft results", "https://a.example/r", "Rosneft profit."), clock=clock
    )
    await poller.poll_once()
    assert [a.title for a in service.latest(ALICE, "Rosneft OR SOCAR")] and len(
        service.latest(ALICE, "SOCAR")
    ) == 1
    assert service.latest(ALICE, "Gazprom") == []


async def test_teaser_story_gets_bullets_from_its_page(repos, book, clock, service, remote) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} explains how SOCAR expanded its gas exports to Europe in detail, "
        f"with volumes, routes and prices for the year ahead number {i}.</p>"
        for i in range(8)
    )
    page = f"<html><body><nav>Home</nav><article><h1>SOCAR story</h1>{paragraphs}</article></body></html>"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/story":
            return httpx.Response(200, text=page, headers={"Content-Type": "text/html"})
        return remote.handler(request)

    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    poller = Poller(repos, book, fetcher, clock, lambda: [Source("A", "https://a.example/feed")])
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(("SOCAR expands", "https://a.example/story", "SOCAR grows."), clock=clock)
    await poller.poll_once()
    [alert] = repos.outbox.pending()
    assert len(alert.bullets) >= 2 and all("Paragraph" in b for b in alert.bullets)
    assert "Home" not in " ".join(alert.bullets)
    [cached] = [a for a in service.latest(ALICE, "SOCAR")]
    assert cached.bullets == alert.bullets  # /latest shows the page's bullets too


async def test_a_hanging_source_does_not_hold_back_the_others_alerts(
    repos, book, clock, service, remote
) -> None:
    released = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "slow.example":
            await released.wait()  # hangs until the test has seen the other source's alert
            return httpx.Response(503)
        return remote.handler(request)

    sources = [Source("Fast", "https://a.example/feed"), Source("Slow", "https://slow.example/feed")]
    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    settings = PollSettings(fetch_pages=False, batch_seconds=0.05, prime_new_sources=False)
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    queued_while_hanging: list[int] = []

    def on_alerts() -> None:
        queued_while_hanging.append(len(repos.outbox.pending()))
        released.set()

    poller = Poller(repos, book, fetcher, clock, lambda: sources, settings, on_alerts=on_alerts)
    report = await asyncio.wait_for(poller.poll_once(), 5)
    assert queued_while_hanging == [1]  # queued (and delivery woken) before the slow source ended
    assert report.polled == 2 and report.failed == 1 and report.alerts_queued == 1


async def test_commands_during_a_poll_cycle_lose_no_write(
    tmp_path, repos, book, clock, service, remote
) -> None:
    from storage import open_store

    gate = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await gate.wait()  # the cycle is mid-fetch while users subscribe
        return remote.handler(request)

    sources = [Source("A", "https://a.example/feed"), Source("B", "https://b.example/other")]
    remote.bodies["/feed"] = rss(STORY, clock=clock)
    remote.bodies["/other"] = rss(("Rosneft item", "https://b.example/r", "Rosneft."), clock=clock)
    poller = Poller(repos, book, FeedFetcher(transport=httpx.MockTransport(handler)), clock, lambda: sources)
    cycle = asyncio.create_task(poller.poll_once())
    await asyncio.sleep(0)
    for n in range(50):
        service.subscribe(ChatRef("telegram", str(n)), f"topic{n} OR SOCAR")
        await asyncio.sleep(0)
    gate.set()
    report = await cycle
    assert report.polled == 2 and report.new_stories == 2
    reopened = open_store(tmp_path / "newsbot.json")  # what a restart would see
    try:
        assert len(reopened.subscriptions.all()) == 50
        assert all(reopened.sources.state(s.url).primed for s in sources)
        assert len(reopened.articles.seen({"https://a.example/socar", "https://b.example/r"})) == 2
    finally:
        reopened.close()


async def test_an_undated_story_that_stays_in_the_feed_is_never_alerted_twice(
    poller, remote, clock, service, repos
):
    undated = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>SOCAR opens a '
        b"new terminal in Baku</title><link>https://a.example/terminal</link><description>SOCAR did."
        b"</description></item></channel></rss>"
    )
    remote.bodies["/feed"] = rss(clock=clock)
    await poller.poll_once()
    service.subscribe(ALICE, "SOCAR")
    remote.bodies["/feed"] = undated
    alerted = 0
    for _day in range(70):  # past the 30-day retention of seen records, twice
        report = await poller.poll_once()
        alerted += report.alerts_queued
        for alert in repos.outbox.pending():  # delivered
            repos.outbox.complete(alert.id)
        clock.advance(24 * 3600)
    assert alerted == 1
