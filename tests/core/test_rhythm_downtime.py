"""Digests and crashes, with an injected clock: a crash between making a digest and releasing its
stories, digests missed while the bot was down (however long), and a kill -9 in the middle of a
digest sent in several parts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Alert
from bot.ports import DeliveryResult, DeliveryStatus, Progress
from tests.core.test_pipeline import RemoteFeeds
from tests.core.test_rhythm_flow import ALICE, World, primed, story
from tests.support.clock import FakeClock


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    w = World(tmp_path / "db" / "newsbot.json", clock, RemoteFeeds())
    yield w
    w.store.close()


class Killed(BaseException):
    """The process died here (kill -9): nothing after this point runs, no handler sees it."""


class PartedNotifier:
    """Sends every digest as `parts` messages, reporting each but the last to `progress` as the real
    notifiers do; `die_at`: the process is killed once that part has reached the platform."""

    platforms = ("telegram",)

    def __init__(self, parts: int, die_at: int | None = None) -> None:
        self.parts, self.die_at = parts, die_at
        self.sent: list[tuple[str, int]] = []  # (alert id, part number) as the chat received them

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        for number in range(alert.parts_sent + 1, self.parts + 1):
            self.sent.append((alert.id, number))
            if number == self.die_at:
                raise Killed
            if progress is not None and number < self.parts:
                progress(number)
        return DeliveryResult(DeliveryStatus.SENT)


async def test_a_crash_between_enqueue_and_release_makes_no_second_digest(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1))
    world.to(datetime(2026, 11, 25, 13, tzinfo=UTC))
    release = world.repos.held.release
    world.repos.held.release = lambda *a, **k: (_ for _ in ()).throw(OSError("killed"))  # type: ignore[method-assign]
    with pytest.raises(OSError):
        world.digests._make(world.repos.held.schedules()[0], world.clock.now())
    world.repos.held.release = release  # type: ignore[method-assign]
    world.restart()  # the digest is in the outbox and its story still held
    sent = await world.deliver()
    assert len(sent) == 1 and len(world.repos.outbox.pending()) == 0


async def test_missed_digests_go_out_once_at_start_up_merged_and_marked_late(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "SOCAR daily 08:00")
    await world.publish(story(1))
    world.store.close()  # down for three days
    world.to(datetime(2026, 11, 28, 10, tzinfo=UTC))
    world._open()
    [sent] = await world.deliver()
    assert sent.digest is not None and sent.digest.late
    assert sent.digest.due == datetime(2026, 11, 28, 8, tzinfo=UTC)  # the last missed period
    assert sent.title.startswith("Daily digest (late: due 28 Nov 2026 08:00 UTC) · 1 story since Wed 12:00")
    assert world.repos.held.schedules(ALICE)[0].due == datetime(2026, 11, 29, 8, tzinfo=UTC)


async def test_max_alert_age_counts_from_the_due_time(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "weekly mon 08:00")  # due 30 Nov, five days on
    await world.publish(story(1))
    world.to(datetime(2026, 11, 30, 8, tzinfo=UTC))
    [sent] = await world.deliver()  # found five days before: still sent (max age is 24 h)
    assert sent.digest is not None and sent.created == datetime(2026, 11, 30, 8, tzinfo=UTC)


async def test_a_digest_missed_for_longer_than_the_max_age_is_sent_once_late(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "SOCAR weekly mon 08:00")  # first due Mon 30 Nov
    world.service.rhythm.set_quiet(ALICE, "12:30-13:00")
    await world.publish(story(1))
    world.to(datetime(2026, 11, 25, 12, 40, tzinfo=UTC))
    await world.publish(story(1), story(2, "gas"))  # held for the quiet hours' end, 13:00
    world.service.subscribe(ALICE, "gas")
    await world.publish(story(1), story(3, "gas"))
    world.store.close()  # down for seventeen days: both missed by far more than the 24 h max age
    world.to(datetime(2026, 12, 12, 9, tzinfo=UTC))
    world._open()
    sent = sorted(await world.deliver(), key=lambda a: a.title)
    assert [a.digest.late for a in sent if a.digest] == [True, True]
    weekly, quiet = sent
    assert weekly.digest and weekly.digest.due == datetime(2026, 12, 7, 8, tzinfo=UTC)  # the last missed
    assert weekly.title.startswith("Weekly digest (late: due 07 Dec 2026 08:00 UTC) · 1 story")
    assert quiet.title.startswith("While you were quiet (late: due 25 Nov 2026 13:00 UTC) · 1 story")
    world.restart()
    assert await world.deliver() == []  # once
    assert world.repos.held.schedules(ALICE)[0].due == datetime(2026, 12, 14, 8, tzinfo=UTC)


async def test_a_digest_queued_before_a_long_downtime_is_sent_late_not_dropped(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1))
    world.to(datetime(2026, 11, 25, 13, tzinfo=UTC))
    assert world.digests.run_due() == 1  # queued on time; the process dies before sending it
    world.store.close()
    world.to(datetime(2026, 11, 28, 13, tzinfo=UTC))  # three days later
    world._open()
    [sent] = await world.deliver()
    assert sent.digest is not None and sent.digest.late
    assert sent.title == "Hourly digest (late: due 25 Nov 2026 13:00 UTC) · 1 story since 12:00"
    world.restart()
    assert await world.deliver() == [] and world.repos.outbox.pending() == []


async def test_an_undelivered_late_digest_still_ages_out(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1))
    world.store.close()
    world.to(datetime(2026, 11, 28, 13, 30, tzinfo=UTC))
    world._open()
    world.notifier.fail("1", *[DeliveryResult(DeliveryStatus.RETRY)] * 3)
    assert await world.deliver() == []  # made late at start-up, the platform failing
    world.to(datetime(2026, 11, 29, 13, 31, tzinfo=UTC))  # over 24 h after it was made
    assert await world.deliver() == [] and world.repos.outbox.pending() == []


async def test_kill_9_mid_multipart_digest_resends_only_the_part_in_flight(world: World) -> None:
    await primed(world, "SOCAR")
    world.service.rhythm.set_digest(ALICE, "hourly")
    await world.publish(story(1), story(2))
    world.notifier = PartedNotifier(parts=4, die_at=3)  # type: ignore[assignment]
    world.restart()
    world.to(datetime(2026, 11, 25, 13, tzinfo=UTC))
    with pytest.raises(Killed):
        await world.deliver()
    [pending] = world.repos.outbox.pending()
    assert pending.parts_sent == 2  # on disk: parts 1 and 2 are out
    killed = world.notifier.sent
    world.notifier = PartedNotifier(parts=4)  # type: ignore[assignment]
    world.restart()
    await world.deliver()
    received = [n for _, n in killed + world.notifier.sent]
    assert received == [1, 2, 3, 3, 4]  # part 3 was in flight: the only one repeated
    assert world.repos.outbox.pending() == []
