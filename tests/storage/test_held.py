"""Held stories, digest schedules and recent sends: durable per call, read back after a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from bot.alerts.plan import ChatRhythm, DigestSchedule, HeldStory
from bot.models import Alert, ChatRef
from storage.atomic import AtomicJSONStorage
from storage.held import TinyDBHeldRepo
from storage.rhythms import TinyDBRhythmRepo

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ALICE = ChatRef("telegram", "100")
BOB = ChatRef("telegram", "200")


def alert(chat: ChatRef, n: int) -> Alert:
    return Alert(
        chat, f"key-{n}", f"Story {n}", f"https://example.org/{n}", "Wire", T0, ("socar",), ("a",), T0
    )


def story(chat: ChatRef, n: int, bucket: str = "daily 08:00") -> HeldStory:
    return HeldStory(alert(chat, n), bucket)


@pytest.fixture
def open_repos(tmp_path: Path) -> Iterator[Callable[[], tuple[TinyDBHeldRepo, TinyDBRhythmRepo]]]:
    dbs: list[TinyDB] = []

    def _open() -> tuple[TinyDBHeldRepo, TinyDBRhythmRepo]:
        for db in dbs:
            db.close()
        held_db = TinyDB(tmp_path / "newsbot.held.json", storage=AtomicJSONStorage)
        main = TinyDB(tmp_path / "newsbot.json", storage=AtomicJSONStorage)
        dbs.extend((held_db, main))
        return TinyDBHeldRepo(held_db, held_db.storage), TinyDBRhythmRepo(main)  # type: ignore[arg-type]

    yield _open
    for db in dbs:
        db.close()


def test_hold_is_durable_and_once_per_chat_and_story(open_repos) -> None:
    held, _ = open_repos()
    due = DigestSchedule(ALICE, "daily 08:00", T0 + timedelta(hours=20), T0)
    assert held.hold([story(ALICE, 1), story(ALICE, 2), story(BOB, 1)], [due], {ALICE: [T0]}) == 3
    assert held.hold([story(ALICE, 1, "hourly")]) == 0  # a story is held once for a chat
    held, _ = open_repos()  # restart
    assert [h.alert.article_key for h in held.held(ALICE)] == ["key-1", "key-2"]
    assert held.held(ALICE, "hourly") == [] and len(held.held(BOB)) == 1
    assert held.schedules() == [due] and held.schedules(BOB) == []
    assert held.sends(ALICE) == [T0]
    assert held.held(ALICE)[0].alert == alert(ALICE, 1)


def test_release_drops_the_digest_stories_and_moves_the_schedule_on(open_repos) -> None:
    held, _ = open_repos()
    first = DigestSchedule(ALICE, "daily 08:00", T0, T0 - timedelta(days=1))
    held.hold([story(ALICE, 1), story(ALICE, 2), story(ALICE, 3, "hourly")], [first])
    following = DigestSchedule(ALICE, "daily 08:00", T0 + timedelta(days=1), T0)
    held.release(ALICE, "daily 08:00", ["key-1", "key-2", "key-3"], following)
    held, _ = open_repos()
    assert [h.bucket for h in held.held(ALICE)] == ["hourly"]  # another bucket's story stays
    assert held.schedules(ALICE) == [following]
    held.release(ALICE, "daily 08:00", [], None)
    assert held.schedules(ALICE) == []


def test_replace_schedules_keeps_only_the_buckets_still_in_use(open_repos) -> None:
    held, _ = open_repos()
    old = [DigestSchedule(ALICE, b, T0, T0) for b in ("daily 08:00", "hourly", "quiet")]
    held.hold([], old)
    new = DigestSchedule(ALICE, "daily 09:00", T0 + timedelta(hours=1), T0)
    held.replace_schedules(ALICE, [new], keep=["quiet"])
    assert {s.bucket for s in open_repos()[0].schedules(ALICE)} == {"daily 09:00", "quiet"}


def test_discard_and_move_chat(open_repos) -> None:
    held, _ = open_repos()
    held.hold([story(ALICE, 1), story(ALICE, 2), story(BOB, 2)], [DigestSchedule(ALICE, "hourly", T0, T0)])
    assert held.move_chat(ALICE, BOB) == 1  # BOB already held story 2
    held, _ = open_repos()
    assert held.held(ALICE) == [] and held.schedules(ALICE) == []
    assert {h.alert.article_key for h in held.held(BOB)} == {"key-1", "key-2"}
    assert all(h.alert.chat == BOB for h in held.held(BOB)) and held.schedules(BOB)[0].chat == BOB
    assert held.discard_chat(BOB) == 2
    assert open_repos()[0].held(BOB) == []


def test_a_failed_write_changes_nothing(open_repos, monkeypatch: pytest.MonkeyPatch) -> None:
    held, _ = open_repos()
    held.hold([story(ALICE, 1)])

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("storage.atomic.write_atomically", refuse)
    with pytest.raises(Exception, match="disk full"):
        held.hold([story(ALICE, 2)])
    assert [h.alert.article_key for h in held.held(ALICE)] == ["key-1"]
    monkeypatch.undo()
    assert [h.alert.article_key for h in open_repos()[0].held(ALICE)] == ["key-1"]


def test_rhythm_settings_round_trip_and_defaults_need_no_document(open_repos) -> None:
    _, rhythms = open_repos()
    assert rhythms.get(ALICE) == ChatRhythm(ALICE)
    prefs = ChatRhythm(
        ALICE,
        zone="Asia/Baku",
        default="daily 08:00",
        rhythms={"socar": "hourly"},
        quiet="23:00-07:00",
        snoozed_until=T0,
        snoozes={"gazprom": T0 + timedelta(days=7)},
    )
    rhythms.save(prefs)
    _, rhythms = open_repos()
    assert rhythms.get(ALICE) == prefs and rhythms.all() == [prefs]
    rhythms.save(ChatRhythm(ALICE))
    _, rhythms = open_repos()
    assert rhythms.all() == [] and rhythms.get(ALICE) == ChatRhythm(ALICE)
