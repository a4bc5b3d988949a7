"""Issue 12: a later report of an event already alerted to a chat edits that alert, no new ping."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import Alert, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import DeliveryResult, DeliveryStatus, Repos
from storage import open_store
from tests.core.test_pipeline import ALICE, RemoteFeeds
from tests.support.clock import FakeClock

FIRST = (
    "5 dead, 8 injured in Fort Lauderdale airport shooting",
    "https://a.example/1",
    "A gunman opened fire Friday at Fort Lauderdale-Hollywood airport, killing five people and injuring "
    "eight. The suspect, Esteban Santiago, was in custody.",
)
SECOND = (
    "Fort Lauderdale airport shooting suspect named as Esteban Santiago",
    "https://b.example/2",
    "The gunman who killed five people and injured eight at Fort Lauderdale airport on Friday is "
    "Esteban Santiago, 26, now in custody.",
)


class EditingNotifier:
    platforms = ("telegram",)

    def __init__(self) -> None:
        self.sent: list[Alert] = []
        self.edits: list[tuple[str, Alert]] = []
        self.edit_result: DeliveryResult | None = None

    async def send(self, alert: Alert) -> DeliveryResult:
        self.sent.append(alert)
        return DeliveryResult(DeliveryStatus.SENT, message_id=str(100 + len(self.sent)))

    async def edit(self, alert: Alert, message_id: str) -> DeliveryResult:
        self.edits.append((message_id, alert))
        return self.edit_result or DeliveryResult(DeliveryStatus.SENT, message_id=message_id)


def rss(item: tuple[str, str, str] | None, clock: FakeClock) -> bytes:
    body = ""
    if item:
        t, link, d = item
        body = (
            f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
            f"<pubDate>{format_datetime(clock.now())}</pubDate></item>"
        )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{body}</channel></rss>'.encode()


@pytest.fixture(name="remote")
def _remote() -> RemoteFeeds:
    return RemoteFeeds()


@pytest.fixture(name="poller")
def _poller(repos: Repos, book: SubscriptionBook, clock: FakeClock, remote: RemoteFeeds) -> Poller:
    fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
    sources = [Source("Wire A", "https://a.example/feed"), Source("Wire B", "https://b.example/other")]
    return Poller(
        repos, book, fetcher, clock, lambda: sources, PollSettings(poll_seconds=60, fetch_pages=False)
    )


async def _run(poller, remote, clock, service, dispatcher, second_after=timedelta(minutes=30)) -> None:
    remote.bodies["/feed"] = remote.bodies["/other"] = rss(None, clock)
    await poller.poll_once()
    service.subscribe(ALICE, "airport")
    remote.bodies["/feed"] = rss(FIRST, clock)
    await poller.poll_once()
    await dispatcher.drain()
    clock.advance(second_after.total_seconds())
    remote.bodies["/other"] = rss(SECOND, clock)
    await poller.poll_once()
    await dispatcher.drain()


async def test_a_later_report_edits_the_first_alert_instead_of_pinging(poller, remote, clock, service, repos):
    notifier = EditingNotifier()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    await _run(poller, remote, clock, service, dispatcher)
    assert [a.url for a in notifier.sent] == [FIRST[1]]  # one ping
    [(message_id, edited)] = notifier.edits
    assert message_id == "101" and edited.url == FIRST[1]
    assert edited.also == (("Wire B", SECOND[1]),)
    assert repos.outbox.pending() == []
    assert repos.sent.get(ALICE, edited.event).alert.also == edited.also  # kept for the next edit


async def test_a_second_story_from_the_first_alerts_outlet_is_alerted(poller, remote, clock, service, repos):
    """Same event, same outlet, not a copy: an update the "Also reported by" line could not show."""
    notifier = EditingNotifier()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    remote.bodies["/feed"] = remote.bodies["/other"] = rss(None, clock)
    await poller.poll_once()
    service.subscribe(ALICE, "airport")
    remote.bodies["/feed"] = rss(FIRST, clock)
    await poller.poll_once()
    await dispatcher.drain()
    clock.advance(1800)
    remote.bodies["/feed"] = rss((SECOND[0], "https://a.example/2", SECOND[2]), clock)
    await poller.poll_once()
    await dispatcher.drain()
    assert [a.url for a in notifier.sent] == [FIRST[1], "https://a.example/2"] and notifier.edits == []


async def test_threads_off_gets_every_report_as_its_own_alert(poller, remote, clock, service, repos):
    notifier = EditingNotifier()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    repos.chats.save(replace(repos.chats.get(ALICE), threads=False))
    await _run(poller, remote, clock, service, dispatcher)
    assert [a.url for a in notifier.sent] == [FIRST[1], SECOND[1]] and notifier.edits == []


async def test_a_report_a_day_later_pings_again(poller, remote, clock, service, repos):
    notifier = EditingNotifier()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    await _run(poller, remote, clock, service, dispatcher, second_after=timedelta(hours=25))
    assert len(notifier.sent) == 2 and notifier.edits == []


async def test_a_refused_edit_is_not_retried(poller, remote, clock, service, repos):
    notifier = EditingNotifier()
    notifier.edit_result = DeliveryResult(DeliveryStatus.FAILED, detail="Message to edit not found")
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    await _run(poller, remote, clock, service, dispatcher)
    assert len(notifier.edits) == 1 and repos.outbox.pending() == []
    await dispatcher.drain()
    assert len(notifier.edits) == 1


async def test_edits_work_after_a_restart(tmp_path, poller, remote, clock, service, repos, store):
    notifier = EditingNotifier()
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent)
    remote.bodies["/feed"] = remote.bodies["/other"] = rss(None, clock)
    await poller.poll_once()
    service.subscribe(ALICE, "airport")
    remote.bodies["/feed"] = rss(FIRST, clock)
    await poller.poll_once()
    await dispatcher.drain()
    store.close()
    again = open_store(store.paths.main)
    assert again.sent is not None
    [sent] = [again.sent.get(ALICE, a.event) for a in notifier.sent]
    assert sent is not None and sent.message_id == "101"
    again.close()


async def test_a_later_report_after_a_restart_edits_the_first_alert(poller, remote, clock, service, store):
    """The event is stored: the first story has left the article cache (2,000 stories, a few hours
    of a large source list) by the time the bot restarts, and the next report still joins it."""
    notifier = EditingNotifier()
    dispatcher = Dispatcher(store.outbox, store.chats, [notifier], clock, sent=store.sent)
    remote.bodies["/feed"] = remote.bodies["/other"] = rss(None, clock)
    await poller.poll_once()
    service.subscribe(ALICE, "airport")
    remote.bodies["/feed"] = rss(FIRST, clock)
    await poller.poll_once()
    await dispatcher.drain()
    store.articles.prune(clock.now() - timedelta(days=30), clock.now() + timedelta(days=1), 0)
    assert store.articles.recent(clock.now() - timedelta(days=1), 10) == []
    store.close()

    again = open_store(store.paths.main)
    try:
        repos = Repos.of(again)
        book = SubscriptionBook()
        book.load(repos.subscriptions.all())
        sources = [Source("Wire A", "https://a.example/feed"), Source("Wire B", "https://b.example/other")]
        fetcher = FeedFetcher(transport=httpx.MockTransport(remote.handler))
        restarted = Poller(
            repos, book, fetcher, clock, lambda: sources, PollSettings(poll_seconds=60, fetch_pages=False)
        )
        clock.advance(1800)
        remote.bodies["/other"] = rss(SECOND, clock)
        await restarted.poll_once()
        await Dispatcher(repos.outbox, repos.chats, [notifier], clock, sent=repos.sent).drain()
    finally:
        again.close()
    assert [a.url for a in notifier.sent] == [FIRST[1]]  # one ping, before the restart
    [(message_id, edited)] = notifier.edits
    assert message_id == "101" and edited.also == (("Wire B", SECOND[1]),)


def test_an_old_store_without_stored_events_rebuilds_them_from_the_cache(repos, clock):
    from bot.models import Article
    from bot.stories.threads import EventTracker

    def article(item: tuple[str, str, str], minutes: int) -> Article:
        return Article(
            key=item[1], source="W", title=item[0], url=item[1], published=None, text=item[2],
            fetched_at=clock.now() + timedelta(minutes=minutes), url_key=item[1],
        )  # fmt: skip

    repos.articles.remember([article(FIRST, 0)])
    clock.advance(600)
    tracker = EventTracker(repos.articles, stored=repos.events)  # nothing stored yet
    assert tracker.events([article(SECOND, 10)], clock.now()) == {SECOND[1]: FIRST[1]}
    assert {r["key"]: r["event"] for r in repos.events.recent(clock.now() - timedelta(days=1))} == {
        FIRST[1]: FIRST[1],
        SECOND[1]: FIRST[1],
    }


def test_latest_shows_one_entry_per_event_with_the_other_sources(repos, service, clock):
    from bot.models import Article

    def article(item: tuple[str, str, str], source: str, minutes: int) -> Article:
        return Article(
            key=item[1], source=source, title=item[0], url=item[1], published=None, text=item[2],
            fetched_at=clock.now() + timedelta(minutes=minutes), url_key=item[1],
        )  # fmt: skip

    other = (
        "Harbour wall rebuilt after storms",
        "https://c.example/3",
        "The council will rebuild the harbour wall.",
    )
    repos.articles.remember(
        [article(FIRST, "Wire A", 0), article(SECOND, "Wire B", 5), article(other, "C", 6)]
    )
    service.subscribe(ALICE, "airport OR harbour")
    clock.advance(600)
    latest = service.latest(ALICE)
    assert [a.url for a in latest] == [other[1], SECOND[1]]  # newest report stands for its event
    assert latest[1].also == (("Wire A", FIRST[1]),) and latest[0].also == ()
