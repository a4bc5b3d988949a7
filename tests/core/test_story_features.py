"""Story features made in the feed-parsing process change nothing: the same poll rounds through a
pipeline that works them out beside the parse (a worker process) and through one that works them
out itself give the same new stories, copies, alerts and events."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx

from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, PollReport, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from bot.service import NewsService
from bot.stories.near import story_words
from storage import open_store
from tests.core.test_pipeline import RemoteFeeds
from tests.support.clock import FakeClock

ALICE, BOB = ChatRef("telegram", "1"), ChatRef("telegram", "2")
LEAD = (
    "Police said a gunman opened fire in the baggage claim area of Fort Lauderdale airport on Friday, "
    "killing five people and wounding eight before he was taken into custody by deputies."
)
HARBOUR = (
    "The city council approved a plan to rebuild the harbour wall after winter storms damaged the "
    "promenade, with work due to start in the spring and to last two years."
)
SHOOTING = ("5 dead, 8 injured in Fort Lauderdale airport shooting", "https://a.example/1", "a1", LEAD)
# the wire story again under another headline and address: a copy
COPY = ("Airport gunman kills five in Florida", "https://b.example/copy", "b1", "By Staff Writer\n" + LEAD)
FOLLOW_UP = (  # another report of the same event
    "Fort Lauderdale airport shooting suspect named as Esteban Santiago",
    "https://c.example/2",
    "c1",
    "The gunman who killed five people and injured eight at Fort Lauderdale airport on Friday is "
    "Esteban Santiago, 26, now in custody.",
)
COUNCIL = ("Council approves harbour wall rebuild", "https://a.example/h", "a2", HARBOUR)
# one guid for two entries of a feed, and a guid another feed uses for another story: the parser
# tells them apart by link and by source, and the notes go by the keys it gives
TWICE = ("Harbour works start date set", "https://b.example/h1", "dup", "Work on the harbour starts soon.")
TWICE_AGAIN = ("Harbour works delayed", "https://b.example/h2", "dup", "The harbour works are delayed.")
SHARED_GUID = ("Storm damage in the harbour", "https://c.example/h", "a2", "Storms damaged the harbour wall.")
LATER = ("Harbour wall contract awarded", "https://a.example/h3", "a3", HARBOUR + " A firm was chosen.")
SOURCES = [Source(f"Wire {c.upper()}", f"https://{c}.example/feed") for c in "abc"]


def rss(*items: tuple[str, str, str, str], clock: FakeClock) -> bytes:
    body = "".join(
        f'<item><title>{t}</title><link>{link}</link><guid isPermaLink="false">{g}</guid>'
        f"<description>{d}</description><pubDate>{format_datetime(clock.now())}</pubDate></item>"
        for t, link, g, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'.encode()


class Feeds(RemoteFeeds):
    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(
            200,
            content=self.bodies.get(request.url.host, b""),
            headers={"Content-Type": "application/rss+xml"},
        )


async def _rounds(root: Path, clock: FakeClock, *, annotated: bool) -> dict[str, object]:
    store = open_store(root / "newsbot.json")
    repos, book, remote = Repos.of(store), SubscriptionBook(), Feeds()
    fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
    settings = PollSettings(poll_seconds=60, fetch_pages=False, parse_workers=1 if annotated else 0)
    poller = Poller(repos, book, fetcher, clock, lambda: SOURCES, settings)
    if not annotated:
        poller.ingest.annotate = None  # every feature worked out in settle, as before
    service = NewsService(repos, book, clock, admins=frozenset({"1"}))
    reports: list[PollReport] = []
    try:
        for host in ("a.example", "b.example", "c.example"):
            remote.bodies[host] = rss(clock=clock)
        reports.append(await poller.poll_once())  # primes the sources
        service.subscribe(ALICE, "airport OR harbour")
        service.subscribe(BOB, "shooting")
        clock.advance(600)
        remote.bodies["a.example"] = rss(SHOOTING, COUNCIL, clock=clock)
        remote.bodies["b.example"] = rss(COPY, TWICE, TWICE_AGAIN, clock=clock)
        reports.append(await poller.poll_once())
        clock.advance(1800)  # a changed feed keeps its old entries: only the new ones are annotated
        remote.bodies["a.example"] = rss(LATER, SHOOTING, COUNCIL, clock=clock)
        remote.bodies["c.example"] = rss(FOLLOW_UP, SHARED_GUID, clock=clock)
        reports.append(await poller.poll_once())
        since = clock.now() - timedelta(days=1)
        assert poller.fresh.copies is not None and poller.events.index is not None
        return {
            "reports": [(r.polled, r.failed, r.new_stories, r.alerts_queued) for r in reports],
            "alerts": [
                (a.chat, a.article_key, a.title, a.event, a.edit_of, a.also) for a in repos.outbox.pending()
            ],
            "events": repos.events.recent(since),
            "copies": poller.fresh.copies.dump(),
            "index": poller.events.index.dump(),
            "cached": sorted(a.key for a in repos.articles.recent(since, 100)),
            "remembered": poller.ingest._last_keys,
        }
    finally:
        poller.close()
        await fetcher.aclose()
        store.close()


async def test_features_from_the_parsing_process_change_no_outcome(tmp_path: Path, clock: FakeClock) -> None:
    start = clock.now()
    (tmp_path / "plain").mkdir()
    (tmp_path / "noted").mkdir()
    plain = await _rounds(tmp_path / "plain", clock, annotated=False)
    clock.advance((start - clock.now()).total_seconds())
    misses = story_words.cache_info().misses
    noted = await _rounds(tmp_path / "noted", clock, annotated=True)
    assert story_words.cache_info().misses == misses  # this process tokenised no story: the worker did
    assert plain.pop("remembered") == {}
    assert set(noted.pop("remembered")) == {s.url for s in SOURCES}  # type: ignore[arg-type]
    assert noted == plain
    # the scenario holds what could differ: copies recorded, not alerted, and a report joining an event
    alerted = {key for _, key, _, _, _, _ in plain["alerts"]}  # type: ignore[attr-defined]
    assert "Wire A#a1" in alerted and "Wire C#c1" in alerted
    assert "Wire B#b1" not in alerted and "Wire A#a3" not in alerted
    assert {r["key"]: r["event"] for r in plain["events"]}["Wire A#a3"] == "Wire A#a2"  # type: ignore[attr-defined]
    assert [r[2] for r in plain["reports"]] == [0, 5, 3]  # type: ignore[attr-defined]
