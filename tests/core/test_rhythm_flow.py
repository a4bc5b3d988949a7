"""The rhythm end to end in the core, with an injected clock: poll -> held on disk -> due -> one
digest in the outbox -> delivered; across midnight and DST in two zones, through a restart, with
quiet hours, snoozes, bursts and missed digests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.delivery.digests import DigestMaker
from bot.delivery.dispatcher import DeliverySettings, Dispatcher
from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from bot.service import NewsService
from storage import open_store
from tests.core.conftest import RecordingNotifier
from tests.core.test_pipeline import RemoteFeeds, rss
from tests.support.clock import FakeClock

ALICE = ChatRef("telegram", "1")
SOURCES = [Source("Wire A", "https://a.example/feed")]


def story(n: int, word: str = "SOCAR") -> tuple[str, str, str]:
    return (
        f"{word} story number {n}",
        f"https://a.example/{word}/{n}",
        f"{word} did thing {n}. More follows.",
    )


class World:
    """The core over one store directory; `restart()` reopens it as a new process would."""

    def __init__(self, path: Path, clock: FakeClock, remote: RemoteFeeds, **poll: object) -> None:
        self.path, self.clock, self.remote, self.poll_options = path, clock, remote, poll
        self.notifier = RecordingNotifier()
        self._open()

    def _open(self) -> None:
        self.store = open_store(self.path)
        self.repos = Repos.of(self.store)
        book = SubscriptionBook()
        book.load(self.repos.subscriptions.all())
        self.service = NewsService(self.repos, book, self.clock)
        fetcher = FeedFetcher(transport=httpx.MockTransport(self.remote.handler))
        settings = PollSettings(poll_seconds=60, fetch_pages=False, **self.poll_options)  # type: ignore[arg-type]
        self.poller = Poller(self.repos, book, fetcher, self.clock, lambda: SOURCES, settings)
        self.digests = DigestMaker(self.repos, self.clock)
        self.dispatcher = Dispatcher(
            self.repos.outbox, self.repos.chats, [self.notifier], self.clock, DeliverySettings()
        )

    def restart(self) -> None:
        self.store.close()
        self._open()

    def to(self, moment: datetime) -> None:
        self.clock.advance((moment - self.clock.now()).total_seconds())

    async def publish(self, *items: tuple[str, str, str]) -> None:
        self.remote.bodies["/feed"] = rss(*items, clock=self.clock)
        await self.poller.poll_once()

    async def deliver(self) -> list:
        self.digests.run_due()
        before = len(self.notifier.sent)
        await self.dispatcher.drain()
        return self.notifier.sent[before:]


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock) -> World:
    w = World(tmp_path / "db" / "newsbot.json", clock, RemoteFeeds())
    yield w
    w.store.close()


async def primed(world: World, *subscriptions: str) -> None:
    await world.publish(("Old", "https://a.example/old", "Old news."))  # the first poll only records
    for text in subscriptions:
        world.service.subscribe(ALICE, text)


async def test_daily_digest_across_midnight_in_baku(world: World) -> None:  # clock: 25 Nov 12:00 UTC
    await primed(world, "SOCAR")
    world.service.rhythm.set_zone(ALICE, "Asia/Baku")
    done = world.service.rhythm.set_digest(ALICE, "SOCAR daily 08:00")
    assert done.next_due == datetime(2026, 11, 26, 4, tzinfo=UTC)  # 08:00 in Baku, the next day
    await world.publish(story(1), story(2))
    assert world.repos.outbox.pending() == [] and len(world.repos.held.held(ALICE)) == 2
    world.to(datetime(2026, 11, 25, 20, 30, tzinfo=UTC))  # 00:30 in Baku: past midnight, not due
    await world.publish(story(1), story(2), story(3))
    assert await world.deliver() == []
    world.to(datetime(2026, 11, 26, 4, 0, 5, tzinfo=UTC))
    [sent] = await world.deliver()
    assert sent.digest is not None and sent.title == "Daily digest · 3 stories since 16:00 yesterday"
    assert [a.title for a in sent.digest.items] == [f"SOCAR story number {n}" for n in (3, 2, 1)]
    assert sent.digest.items[0].zone == "Asia/Baku" and not sent.digest.late
    assert world.repos.held.held(ALICE) == []
    [following] = world.repos.held.schedules(ALICE)
    assert following.due == datetime(2026, 11, 27, 4, tzinfo=UTC) and following.since == sent.digest.due
    world.to(datetime(2026, 11, 27, 4, 1, tzinfo=UTC))
    assert await world.deliver() == []  # a period with nothing matched sends nothing


@pytest.mark.parametrize(
    ("zone", "start", "before", "after"),
    [  # the day before a change, and the day of it: 08:00 local both times
        ("Europe/Berlin", (2026, 3, 28, 5), (2026, 3, 28, 7), (2026, 3, 29, 6)),
        ("America/New_York", (2026, 3, 7, 10), (2026, 3, 7, 13), (2026, 3, 8, 12)),
        ("Europe/Berlin", (2026, 10, 24, 4), (2026, 10, 24, 6), (2026, 10, 25, 7)),
        ("America/New_York", (2026, 10, 31, 10), (2026, 10, 31, 12), (2026, 11, 1, 13)),
    ],
)
async def test_daily_digest_at_0800_local_on_both_sides_of_a_dst_change(
    tmp_path: Path, zone: str, start: tuple[int, ...], before: tuple[int, ...], after: tuple[int, ...]
) -> None:
    world = World(tmp_path / "newsbot.json", FakeClock(datetime(*start, tzinfo=UTC)), RemoteFeeds())
    try:
        await primed(world, "SOCAR")
        world.service.rhythm.set_zone(ALICE, zone)
        first = world.service.rhythm.set_digest(ALICE, "SOCAR daily 08:00").next_due
        assert first == datetime(*before, tzinfo=UTC)
        for n, due in enumerate((first, datetime(*after, tzinfo=UTC)), start=1):
            await world.publish(story(n))
            world.to(due - timedelta(minutes=1))
            assert await world.deliver() == []
            world.to(due)
            [sent] = await world.deliver()
            assert sent.digest is not None and [a.title for a in sent.digest.items] == [
                f"SOCAR story number {n}"
            ]
        assert world.repos.held.schedules(ALICE)[0].due == datetime(*after, tzinfo=UTC) + timedelta(days=1)
    finally:
        world.store.close()


async def test_a_restart_between_holding_and_sending_loses_nothing(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1), story(2))
    world.restart()
    await world.publish(story(1), story(2))  # already seen: not held twice
    assert len(world.repos.held.held(ALICE)) == 2
    world.to(datetime(2026, 11, 25, 13, tzinfo=UTC))
    [sent] = await world.deliver()
    assert sent.title == "Hourly digest · 2 stories since 12:00"
    world.restart()
    assert await world.deliver() == []  # sent once


async def test_quiet_hours_hold_instant_alerts_and_release_them_as_one_digest(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_quiet(ALICE, "11:00-14:30")
    await world.publish(story(1), story(2))
    assert world.repos.outbox.pending() == []
    world.to(datetime(2026, 11, 25, 14, 29, tzinfo=UTC))
    assert await world.deliver() == []
    world.to(datetime(2026, 11, 25, 14, 30, tzinfo=UTC))
    [sent] = await world.deliver()
    assert sent.title == "While you were quiet · 2 stories since 12:00"
    await world.publish(story(1), story(2), story(3))
    [instant] = await world.deliver()
    assert instant.digest is None and instant.title == "SOCAR story number 3"


async def test_a_snoozed_subscription_drops_its_matches_until_the_snooze_ends(world: World) -> None:
    await primed(world, "SOCAR", "Gazprom")
    world.service.rhythm.snooze(ALICE, "SOCAR 2h")
    await world.publish(story(1), story(1, "Gazprom"))
    sent = await world.deliver()
    assert [a.title for a in sent] == ["Gazprom story number 1"]
    assert world.repos.held.held(ALICE) == []  # dropped, not saved for later
    world.to(datetime(2026, 11, 25, 14, 0, 1, tzinfo=UTC))
    await world.publish(story(1), story(1, "Gazprom"), story(2))
    assert [a.title for a in await world.deliver()] == ["SOCAR story number 2"]


async def test_a_burst_is_folded_after_five_alerts_into_one_digest_at_the_window_end(world: World) -> None:
    await primed(world, "SOCAR")
    await world.publish(*(story(n) for n in range(1, 9)))
    sent = await world.deliver()
    assert len(sent) == 5 and all(a.digest is None for a in sent)
    assert len(world.repos.held.held(ALICE)) == 3
    world.to(datetime(2026, 11, 25, 12, 10, tzinfo=UTC))
    [folded] = await world.deliver()
    assert folded.title == "3 more stories matching SOCAR since 12:00"
    instant = {a.article_key for a in sent}
    assert not instant & {a.article_key for a in folded.digest.items}  # never repeated
    await world.publish(*(story(n) for n in range(1, 10)))  # a new window opens
    [again] = await world.deliver()
    assert again.digest is None and again.title == "SOCAR story number 9"


async def test_a_story_is_never_both_instant_and_in_a_digest(world: World) -> None:
    await primed(world, "SOCAR", "gas")
    world.service.rhythm.set_digest(ALICE, "gas daily 08:00")
    await world.publish(("SOCAR gas deal", "https://a.example/deal", "SOCAR sold gas."))
    [sent] = await world.deliver()
    assert sent.digest is None and set(sent.matched) == {"SOCAR", "gas"}
    assert world.repos.held.held(ALICE) == []
    world.to(datetime(2026, 11, 26, 8, tzinfo=UTC))
    assert await world.deliver() == []


async def test_a_paused_chat_gets_no_digest(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1))
    world.service.pause(ALICE)
    world.to(datetime(2026, 11, 25, 13, tzinfo=UTC))
    assert await world.deliver() == [] and world.repos.held.held(ALICE) == []
