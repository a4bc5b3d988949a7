"""A teaser story's article page is fetched in its own source's task: a page that hangs holds
back that source's alert only, never another source's (the loopback server is the only fake)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from email.utils import format_datetime

from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from bot.scheduler import SourceLoop
from bot.service import NewsService
from tests.support.clock import FakeClock
from tests.support.feedserver import FeedServer

ALICE = ChatRef("telegram", "1")
BAKU = (
    "The city council of Baku approved a new tram line on Monday. Construction starts in spring. "
    "Residents asked for quieter streets and more trees along the route. Engineers expect the first "
    "trams to run within three years. The budget was raised twice during the debate. Opposition "
    "members wanted buses instead. Shop owners fear months of roadworks outside their doors. "
    "The mayor promised compensation for lost trade and a public hearing every quarter."
)
OSLO = (
    "Norwegian salmon farmers reported record exports to Asia this autumn. Prices climbed sharply "
    "after a cold summer cut supply from rivals. Fishermen in the north welcomed the news but warned "
    "about sea lice. Regulators will inspect every farm before winter. Analysts think the boom may "
    "fade next year. Retailers in Europe are already paying more. Consumers switched to cheaper fish "
    "in many supermarkets. The industry body plans a campaign about sustainable farming."
)
FAST = (
    "SOCAR signed a supply contract with a European utility on Tuesday. The deal covers ten years of "
    "deliveries through the southern corridor. Officials in Brussels called it a step towards energy "
    "security. Traders said volumes were larger than expected. The company will expand a compressor "
    "station to carry the extra gas. Environmental groups criticised the length of the contract. "
    "Shares of partner firms rose after the announcement. Further talks are planned for next month."
)


def rss(clock: FakeClock, *items: tuple[str, str, str]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description>"
        f"<pubDate>{format_datetime(clock.now())}</pubDate></item>"
        for title, link, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def queued(repos: Repos, word: str) -> bool:
    return any(word in alert.title for alert in repos.outbox.pending())


async def test_a_hanging_article_page_delays_no_other_source(
    repos: Repos, book: SubscriptionBook, clock: FakeClock, service: NewsService
) -> None:
    with FeedServer() as server:
        server.route("/page-hangs", hang=True)
        server.route("/slow.xml", body=rss(clock, ("Old one", server.url("/old1"), BAKU)))
        server.route("/fast.xml", body=rss(clock, ("Old two", server.url("/old2"), OSLO)))
        sources = [Source("Slow", server.url("/slow.xml")), Source("Fast", server.url("/fast.xml"))]
        settings = PollSettings(poll_seconds=60, guard_pages=False)  # the pages are on loopback
        fetcher = FeedFetcher()
        poller = Poller(repos, book, fetcher, clock, lambda: sources, settings)
        service.subscribe(ALICE, "SOCAR")
        loop = SourceLoop(poller)
        loop.start()
        try:
            await wait_until(lambda: all(repos.sources.state(s.url).primed for s in sources))
            teaser = ("SOCAR teaser waits for its page", server.url("/page-hangs"), "SOCAR said more.")
            server.route("/slow.xml", body=rss(clock, teaser))
            clock.advance(61)
            loop.wake()
            await wait_until(lambda: server.hits("/page-hangs") == 1)  # the page hangs from now on
            server.route("/fast.xml", body=rss(clock, ("SOCAR fast story", server.url("/f"), FAST)))
            clock.advance(61)
            loop.wake()
            await wait_until(lambda: queued(repos, "fast story"))
            assert server.hits("/page-hangs") == 1 and not queued(repos, "teaser")
        finally:
            await loop.stop()
            await fetcher.aclose()
