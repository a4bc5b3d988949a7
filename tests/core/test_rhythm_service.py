"""/digest, /timezone, /quiet, /snooze and the /list view over real repositories in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from bot.alerts.plan import rhythm_of
from bot.alerts.preferences import RhythmService
from bot.errors import RhythmError, SubscriptionError
from bot.models import Alert, ChatRef, HeldStory, Subscription
from storage.atomic import AtomicJSONStorage
from storage.held import TinyDBHeldRepo
from storage.journal import TableJournal, journal_path
from storage.rhythms import TinyDBRhythmRepo
from storage.subscriptions import TinyDBSubscriptionRepo
from tests.support.clock import FakeClock

CHAT = ChatRef("telegram", "7")
NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # a Saturday; Berlin springs forward tomorrow


@pytest.fixture
def parts(
    tmp_path: Path,
) -> Iterator[tuple[RhythmService, TinyDBSubscriptionRepo, TinyDBHeldRepo, FakeClock]]:
    main = TinyDB(tmp_path / "newsbot.json", storage=AtomicJSONStorage)
    held_db = TinyDB(tmp_path / "newsbot.held.json", storage=AtomicJSONStorage)
    journal = TableJournal(journal_path(tmp_path / "newsbot.json"), main.storage)  # type: ignore[arg-type]
    subs = TinyDBSubscriptionRepo(main.storage, journal)  # type: ignore[arg-type]
    held = TinyDBHeldRepo(held_db, held_db.storage)  # type: ignore[arg-type]
    clock = FakeClock(NOW)
    for query in ("socar", '"caspian sea"'):
        subs.add(Subscription(CHAT, query, NOW))
    yield RhythmService(TinyDBRhythmRepo(main), held, subs, clock), subs, held, clock
    main.close()
    held_db.close()


def test_digest_for_one_subscription_stores_its_next_due_time(parts) -> None:
    service, _, held, _ = parts
    done = service.set_digest(CHAT, "SOCAR daily 08:00")
    assert (done.query, done.rhythm.key) == ("socar", "daily 08:00")
    assert done.next_due == datetime(2026, 3, 29, 8, tzinfo=UTC)
    [schedule] = held.schedules(CHAT)
    assert (schedule.bucket, schedule.due, schedule.since) == ("daily 08:00", done.next_due, NOW)
    assert rhythm_of(service.settings(CHAT), '"caspian sea"').instant


def test_the_query_as_typed_or_as_listed(parts) -> None:
    service, *_ = parts
    assert service.set_digest(CHAT, '"Caspian Sea" hourly').query == '"caspian sea"'
    assert service.set_digest(CHAT, '"caspian sea" instant').next_due is None
    with pytest.raises(SubscriptionError, match="not subscribed to gazprom"):
        service.set_digest(CHAT, "Gazprom daily 08:00")
    with pytest.raises(RhythmError, match="Examples"):
        service.set_digest(CHAT, "SOCAR sometimes")


def test_default_rhythm_covers_subscriptions_without_their_own(parts) -> None:
    service, _, held, _ = parts
    service.set_digest(CHAT, "SOCAR instant")
    done = service.set_digest(CHAT, "weekly mon 07:00")
    assert done.query is None and done.next_due == datetime(2026, 3, 30, 7, tzinfo=UTC)
    view = service.overview(CHAT)
    assert [(v.query, v.rhythm.key, v.own_rhythm) for v in view.subscriptions] == [
        ("socar", "instant", True),
        ('"caspian sea"', "weekly mon 07:00", False),
    ]
    assert [s.bucket for s in held.schedules(CHAT)] == ["weekly mon 07:00"]


def test_a_new_zone_moves_due_times_to_the_same_local_time_there(parts) -> None:
    service, _, held, _ = parts
    service.set_digest(CHAT, "SOCAR daily 08:00")
    assert service.set_zone(CHAT, "europe/berlin") == "Europe/Berlin"
    [schedule] = held.schedules(CHAT)
    assert schedule.due == datetime(2026, 3, 29, 6, tzinfo=UTC)  # 08:00 CEST, the day DST starts
    assert schedule.since == NOW
    with pytest.raises(RhythmError, match="not a time zone"):
        service.set_zone(CHAT, "Mars/Olympus")


def test_a_rhythm_nobody_uses_loses_its_schedule_unless_it_still_holds_stories(parts) -> None:
    service, subs, held, _ = parts
    service.set_digest(CHAT, "SOCAR weekly mon 09:00")
    service.set_digest(CHAT, "SOCAR hourly")
    assert [s.bucket for s in held.schedules(CHAT)] == ["hourly"]  # the weekly one held nothing
    story = Alert(CHAT, "a", "A", "https://example.org/a", "Wire", NOW, ("socar",), (), NOW)
    held.hold([HeldStory(story, "hourly")])
    service.set_digest(CHAT, "SOCAR daily 08:00")
    assert [s.bucket for s in held.schedules(CHAT)] == ["hourly", "daily 08:00"]  # a story waits in hourly
    subs.remove(CHAT, "socar")
    service.forget(CHAT)
    assert "socar" not in service.settings(CHAT).rhythms


def test_quiet_hours(parts) -> None:
    service, *_ = parts
    assert service.set_quiet(CHAT, "23:00-07:00").key == "23:00-07:00"
    assert service.overview(CHAT).quiet is not None
    assert service.set_quiet(CHAT, "off") is None and service.overview(CHAT).quiet is None


def test_snoozes_end_by_themselves(parts) -> None:
    service, _, _, clock = parts
    done = service.snooze(CHAT, "SOCAR 2h")
    assert (done.query, done.until) == ("socar", NOW + timedelta(hours=2))
    assert [v.snoozed_until for v in service.overview(CHAT).subscriptions] == [NOW + timedelta(hours=2), None]
    assert service.snooze(CHAT, "all 30m").until == NOW + timedelta(minutes=30)
    assert service.overview(CHAT).snoozed_until == NOW + timedelta(minutes=30)
    clock.advance(3 * 3600)
    view = service.overview(CHAT)
    assert view.snoozed_until is None and all(v.snoozed_until is None for v in view.subscriptions)
    service.snooze(CHAT, "socar 7d")
    assert service.snooze(CHAT, "SOCAR off").until is None
    assert service.settings(CHAT).snoozes == {}
    with pytest.raises(RhythmError, match="at most 90 days"):
        service.snooze(CHAT, "all 91d")
