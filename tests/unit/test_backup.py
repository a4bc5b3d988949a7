"""Backups: snapshot -> JSON -> validated snapshot -> restored store, and every refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backup import BackupError, parse_snapshot, restore, snapshot_json, take_snapshot
from bot.models import ChatRef, ChatRhythm, ChatState, Source, Subscription
from storage import Store, open_store
from storage.snapshot import batched, read_all, read_records

T0 = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
ALICE, GROUP = ChatRef("telegram", "1"), ChatRef("telegram", "-1001")
BAKU = ChatRhythm(  # every rhythm setting a chat can make
    ALICE,
    zone="Asia/Baku",
    default="hourly",
    rhythms={"socar": "daily 08:00", '"caspian sea"': "instant"},
    quiet="23:00-07:00",
    snoozes={"socar": T0 + timedelta(hours=2)},
)


def fill(store: Store) -> None:
    store.chats.save(ChatState(ALICE, paused=True))
    store.chats.save(ChatState(GROUP, active=False))
    store.subscriptions.add(Subscription(ALICE, "socar", T0))
    store.subscriptions.add(Subscription(ALICE, '"caspian sea"', T0))
    store.subscriptions.add(Subscription(GROUP, "gazprom OR rosneft", T0))
    store.sources.add(Source("Example", "https://example.org/rss.xml", added_by="telegram:7"))
    store.rhythms.save(BAKU)
    store.rhythms.save(ChatRhythm(GROUP, default="weekly mon 08:00", snoozed_until=T0 + timedelta(days=2)))


def exported(store: Store) -> dict:
    snap = take_snapshot(store.subscriptions, store.chats, store.sources, store.rhythms)
    return json.loads(json.dumps(snapshot_json(snap, T0, "0.1.0")))  # through real JSON text


def test_round_trip_restores_subscriptions_chats_rhythms_and_sources(tmp_path: Path) -> None:
    source = open_store(tmp_path / "a.json")
    fill(source)
    data = exported(source)
    assert data["counts"] == {"subscriptions": 3, "chats": 2, "sources": 1, "rhythms": 2}
    target = open_store(tmp_path / "b.json")
    snap = parse_snapshot(data)
    report = restore(snap, target.subscriptions, target.chats, target.sources, rhythms=target.rhythms)
    assert (report.subscriptions, report.chats, report.sources, report.skipped) == (3, 2, 1, 0)
    assert report.rhythms == 2
    assert target.subscriptions.all() == source.subscriptions.all()
    assert target.chats.all() == source.chats.all()
    assert target.sources.list() == source.sources.list()
    assert target.rhythms.all() == source.rhythms.all()
    target.close()
    reopened = open_store(tmp_path / "b.json")  # it is on disk, not only in memory
    assert reopened.subscriptions.all() == source.subscriptions.all()
    assert reopened.chats.get(ALICE).paused
    assert reopened.rhythms.get(ALICE) == BAKU  # zone, rhythms, quiet hours and snoozes
    assert reopened.rhythms.get(GROUP).snoozed_until == T0 + timedelta(days=2)


def test_restore_refuses_a_non_empty_store_unless_merge(tmp_path: Path) -> None:
    source = open_store(tmp_path / "a.json")
    fill(source)
    snap = parse_snapshot(exported(source))
    target = open_store(tmp_path / "b.json")
    target.subscriptions.add(Subscription(ALICE, "armenia", T0))
    target.chats.save(ChatState(ALICE))  # alice is not paused here: the store's own state wins
    target.rhythms.save(ChatRhythm(ALICE, zone="Europe/Berlin"))  # nor in Baku
    with pytest.raises(BackupError, match=r"not empty.*--merge"):
        restore(snap, target.subscriptions, target.chats, target.sources)
    assert len(target.subscriptions.all()) == 1
    report = restore(
        snap, target.subscriptions, target.chats, target.sources, merge=True, rhythms=target.rhythms
    )
    assert report.subscriptions == 3 and report.chats == 1 and report.rhythms == 1 and report.skipped == 2
    assert not target.chats.get(ALICE).paused
    assert target.rhythms.get(ALICE).zone == "Europe/Berlin" and target.rhythms.get(GROUP).default.startswith(
        "weekly"
    )
    assert {s.query for s in target.subscriptions.for_chat(ALICE)} == {"armenia", "socar", '"caspian sea"'}
    again = restore(snap, target.subscriptions, target.chats, target.sources, merge=True)
    assert again.subscriptions == again.chats == again.sources == 0


def test_a_batched_restore_is_one_write_of_the_main_file(tmp_path: Path, monkeypatch) -> None:
    source = open_store(tmp_path / "a.json")
    fill(source)
    snap = parse_snapshot(exported(source))
    target = open_store(tmp_path / "b.json")
    import storage.atomic as atomic

    writes: list[Path] = []
    real = atomic.write_atomically
    monkeypatch.setattr(atomic, "write_atomically", lambda p, *a, **k: (writes.append(p), real(p, *a, **k)))
    restore(snap, target.subscriptions, target.chats, target.sources, batch=lambda: batched(target))
    assert writes == [tmp_path / "b.json"]


def test_export_reads_the_file_without_opening_the_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.json")
    fill(store)
    subs, chats, sources = read_records(tmp_path / "a.json")  # while the "bot" still has it open
    assert subs == store.subscriptions.all()
    assert chats == store.chats.all()
    assert sources == store.sources.list()
    assert read_all(tmp_path / "a.json")[3] == store.rhythms.all()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="other"), "not a newsbot backup"),
        (lambda d: d.update(version=99), "newer"),
        (lambda d: d["subscriptions"][0].update(chat="nochat"), r"subscriptions\[0\]\.chat"),
        (lambda d: d["subscriptions"][1].update(query="-socar"), r"subscriptions\[1\]\.query"),
        (lambda d: d["subscriptions"][0].update(created="yesterday"), "ISO datetime"),
        (lambda d: d["subscriptions"][0].pop("query"), "query is missing"),
        (lambda d: d["subscriptions"].append(dict(d["subscriptions"][0])), "appears twice"),
        (lambda d: d["chats"][0].update(paused="yes"), r"chats\[0\]\.paused: expected bool"),
        (lambda d: d["sources"][0].update(url="file:///etc/passwd"), "not an http"),
        (lambda d: d.update(chats={}), "chats: expected a list"),
        (
            lambda d: d["rhythms"][0].update(zone="Mars/Olympus"),
            r"rhythms\[0\]\.zone: 'Mars/Olympus' is",
        ),
        (lambda d: d["rhythms"][0]["rhythms"].update(socar="daily 8am"), r"rhythms\[0\]\.rhythms\['socar'\]"),
        (lambda d: d["rhythms"][0].update(quiet="23:00"), r"rhythms\[0\]\.quiet"),
        (lambda d: d["rhythms"][1].update(default="sometimes"), r"rhythms\[1\]\.default"),
        (lambda d: d["rhythms"][0]["snoozes"].update(socar="soon"), r"snoozes\['socar'\]: expected an ISO"),
        (lambda d: d["rhythms"][0].update(rhythms=[]), r"rhythms\[0\]\.rhythms: expected an object"),
        (lambda d: d["rhythms"].append(dict(d["rhythms"][0])), "telegram:1 appears twice"),
    ],
)
def test_invalid_backups_are_refused_whole(tmp_path: Path, mutate, message: str) -> None:
    store = open_store(tmp_path / "a.json")
    fill(store)
    data = exported(store)
    mutate(data)
    with pytest.raises(BackupError, match=message):
        parse_snapshot(data)


def test_unknown_fields_from_a_newer_version_are_ignored(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.json")
    fill(store)
    data = exported(store)
    data["chats"][0]["colour"] = "blue"
    data["extra"] = []
    assert parse_snapshot(data).chats[0].chat == ALICE
