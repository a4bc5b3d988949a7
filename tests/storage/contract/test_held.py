"""Contract of HeldRepo and RhythmRepo: held stories, digest schedules, recent sends and chat
rhythm settings; each change durable, read back after a restart. Digests round-trip the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.models import Alert, ChatRef, ChatRhythm, Digest, DigestSchedule, HeldStory
from storage import Store
from tests.storage.conftest import ALICE, BOB, T0, alert

Reopen = Callable[[Store], Store]


def story(chat: ChatRef, n: int, bucket: str = "daily 08:00") -> HeldStory:
    return HeldStory(alert(chat, n), bucket)


def test_hold_is_durable_and_once_per_chat_and_story(store: Store, reopen: Reopen) -> None:
    due = DigestSchedule(ALICE, "daily 08:00", T0 + timedelta(hours=20), T0)
    assert store.held.hold([story(ALICE, 1), story(ALICE, 2), story(BOB, 1)], [due], {ALICE: [T0]}) == 3
    assert store.held.hold([story(ALICE, 1, "hourly")]) == 0  # a story is held once for a chat
    held = reopen(store).held
    assert [h.alert.article_key for h in held.held(ALICE)] == ["key-1", "key-2"]
    assert held.held(ALICE, "hourly") == [] and len(held.held(BOB)) == 1
    assert held.schedules() == [due] and held.schedules(BOB) == []
    assert held.sends(ALICE) == [T0] and held.sends(BOB) == []
    assert held.held(ALICE)[0].alert == alert(ALICE, 1)


def test_release_drops_the_digest_stories_and_moves_the_schedule_on(store: Store, reopen: Reopen) -> None:
    first = DigestSchedule(ALICE, "daily 08:00", T0, T0 - timedelta(days=1))
    store.held.hold([story(ALICE, 1), story(ALICE, 2), story(ALICE, 3, "hourly")], [first])
    following = DigestSchedule(ALICE, "daily 08:00", T0 + timedelta(days=1), T0)
    store.held.release(ALICE, "daily 08:00", ["key-1", "key-2", "key-3"], following)
    store = reopen(store)
    assert [h.bucket for h in store.held.held(ALICE)] == ["hourly"]  # another bucket's story stays
    assert store.held.schedules(ALICE) == [following]
    store.held.release(ALICE, "daily 08:00", [], None)
    assert reopen(store).held.schedules(ALICE) == []


def test_schedules_are_soonest_first_and_replace_keeps_the_buckets_in_use(
    store: Store, reopen: Reopen
) -> None:
    old = [DigestSchedule(ALICE, b, T0 + timedelta(hours=n), T0) for n, b in enumerate(("hourly", "quiet"))]
    store.held.hold([], [*old, DigestSchedule(BOB, "hourly", T0 - timedelta(hours=1), T0)])
    assert [(s.chat, s.bucket) for s in store.held.schedules()] == [
        (BOB, "hourly"),
        (ALICE, "hourly"),
        (ALICE, "quiet"),
    ]
    new = DigestSchedule(ALICE, "daily 09:00", T0 + timedelta(hours=5), T0)
    store.held.replace_schedules(ALICE, [new], keep=["quiet"])
    assert {s.bucket for s in reopen(store).held.schedules(ALICE)} == {"daily 09:00", "quiet"}


def test_discard_and_move_chat(store: Store, reopen: Reopen) -> None:
    store.held.hold(
        [story(ALICE, 1), story(ALICE, 2), story(BOB, 2)], [DigestSchedule(ALICE, "hourly", T0, T0)]
    )
    assert store.held.move_chat(ALICE, BOB) == 1  # BOB already held story 2
    store = reopen(store)
    assert store.held.held(ALICE) == [] and store.held.schedules(ALICE) == []
    assert {h.alert.article_key for h in store.held.held(BOB)} == {"key-1", "key-2"}
    assert all(h.alert.chat == BOB for h in store.held.held(BOB)) and store.held.schedules(BOB)[0].chat == BOB
    assert store.held.discard_chat(BOB) == 2
    assert reopen(store).held.held(BOB) == []


def test_rhythm_settings_round_trip_and_defaults_need_no_document(store: Store, reopen: Reopen) -> None:
    assert store.rhythms.get(ALICE) == ChatRhythm(ALICE)
    prefs = ChatRhythm(
        ALICE,
        zone="Asia/Baku",
        default="daily 08:00",
        rhythms={"socar": "hourly"},
        quiet="23:00-07:00",
        snoozed_until=T0,
        snoozes={"gazprom": T0 + timedelta(days=7)},
    )
    store.rhythms.save(prefs)
    store = reopen(store)
    assert store.rhythms.get(ALICE) == prefs and store.rhythms.all() == [prefs]
    store.rhythms.save(ChatRhythm(ALICE))
    store = reopen(store)
    assert store.rhythms.all() == [] and store.rhythms.get(ALICE) == ChatRhythm(ALICE)


def test_a_digest_round_trips_the_outbox(store: Store, reopen: Reopen) -> None:
    items = (alert(ALICE, 1, zone="Asia/Baku"), alert(ALICE, 2, bullets=()))
    digest = Digest("daily 08:00", T0 - timedelta(days=1), T0, "Asia/Baku", items, late=True)
    entry = Alert(
        ALICE, "digest:daily 08:00:x", "Daily digest", "", "", T0, ("socar",), (), T0, zone="Asia/Baku",
        digest=digest, parts_sent=1,
    )  # fmt: skip
    store.outbox.enqueue([entry, alert(ALICE, 3)])
    assert reopen(store).outbox.pending() == [entry, alert(ALICE, 3)]
