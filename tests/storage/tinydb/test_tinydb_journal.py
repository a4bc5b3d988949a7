"""The main file's journal (storage.journal): a subscription is one appended line, replayed and
compacted at open; torn lines, stale journals, failed appends, batches and export readers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

import storage.journal as journal_module
from bot.errors import StorageError
from bot.models import ChatRef, ChatState, Source, Subscription
from storage import Store, open_store
from storage.snapshot import batched, read_records
from tests.storage.conftest import ALICE, BOB, T0


def _sub(query: str, chat: ChatRef = ALICE) -> Subscription:
    return Subscription(chat, query, T0)


def _queries(st: Store) -> list[str]:
    return [s.query for s in st.subscriptions.all()]


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def test_a_subscription_appends_one_line_and_leaves_the_main_file_alone(store: Store) -> None:
    before = store.paths.main.read_bytes()
    store.subscriptions.add(_sub("socar"))
    store.chats.save(ChatState(ALICE, paused=True))
    assert store.paths.main.read_bytes() == before  # no rewrite of the main file
    header, *changes = _lines(store.paths.journal)
    assert "generation" in header
    assert [c["c"][0][0] for c in changes] == ["subscriptions", "chats"]


def test_open_replays_then_compacts_into_the_main_file(
    store: Store, reopen: Callable[[Store], Store]
) -> None:
    store.subscriptions.add(_sub("socar"))
    store.subscriptions.add(_sub("bp"))
    store.subscriptions.remove(ALICE, "bp")
    again = reopen(store)
    assert _queries(again) == ["socar"]
    main = json.loads(again.paths.main.read_bytes())
    assert [d["query"] for d in main["subscriptions"].values()] == ["socar"]
    assert len(_lines(again.paths.journal)) == 1  # just the new generation's header
    assert main["_journal"]["1"]["generation"] == _lines(again.paths.journal)[0]["generation"]


def test_a_torn_last_line_is_ignored_and_never_glued_onto(
    store: Store, reopen: Callable[[Store], Store], caplog: pytest.LogCaptureFixture
) -> None:
    store.subscriptions.add(_sub("kept"))
    store.close()
    with store.paths.journal.open("ab") as fh:  # a crash in the middle of appending "lost"
        fh.write(b'{"c":[["subscriptions","9",{"chat":"telegram:100","que')
    with caplog.at_level(logging.WARNING, logger="storage.journal"):
        again = open_store(store.paths.main)
    assert "torn last line" in caplog.text
    assert _queries(again) == ["kept"]
    assert again.subscriptions.add(_sub("next"))
    again.close()
    third = open_store(store.paths.main)
    assert _queries(third) == ["kept", "next"]
    third.close()


def test_a_journal_older_than_the_main_file_is_not_applied_again(tmp_path: Path) -> None:
    """A crash after the main file was written but before the journal restarted."""
    st = open_store(tmp_path / "newsbot.json")
    st.subscriptions.add(_sub("a"))
    st.subscriptions.add(_sub("b"))
    old_journal = st.paths.journal.read_bytes()  # holds "add a", "add b"
    st.sources.add(Source("S", "https://s.example/feed"))  # a main write absorbs the journal
    st.subscriptions.remove(ALICE, "a")
    st.sources.add(Source("T", "https://t.example/feed"))  # and again, without "a"
    st.close()
    st.paths.journal.write_bytes(old_journal)
    again = open_store(tmp_path / "newsbot.json")
    assert _queries(again) == ["b"]  # "a" stays removed
    again.close()


def test_a_newer_journal_over_the_backup_copy_is_applied_with_a_warning(
    store: Store, reopen: Callable[[Store], Store], caplog: pytest.LogCaptureFixture
) -> None:
    store.subscriptions.add(_sub("one"))
    store = reopen(store)  # compacted: "one" is in the main file, its .bak predates it
    store.subscriptions.add(_sub("two"))
    store.close()
    store.paths.main.write_bytes(b"{torn")
    with caplog.at_level(logging.WARNING):
        again = open_store(store.paths.main)
    assert "newer than" in caplog.text
    assert "two" in _queries(again)  # the journal's changes are not lost with the main file
    again.close()


def test_a_failed_append_is_not_acknowledged_and_a_retry_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    st = open_store(tmp_path / "newsbot.json")
    st.subscriptions.add(_sub("kept"))

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module.os, "fsync", full_disk)
    with pytest.raises(StorageError, match="No space left"):
        st.subscriptions.add(_sub("lost"))
    monkeypatch.undo()
    assert _queries(st) == ["kept"]  # not acknowledged, not listed
    assert st.subscriptions.add(_sub("lost"))  # the retry starts a clean journal first
    st.close()
    again = open_store(tmp_path / "newsbot.json")
    assert _queries(again) == ["kept", "lost"]
    again.close()


def test_a_long_journal_is_compacted_into_the_main_file(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "COMPACT_LINES", 3)
    for query in ("a", "b", "c", "d"):
        store.subscriptions.add(_sub(query))
    main = json.loads(store.paths.main.read_bytes())
    assert [d["query"] for d in main["subscriptions"].values()] == ["a", "b", "c"]
    assert len(_lines(store.paths.journal)) == 2  # header + "d"
    store.close()
    again = open_store(store.paths.main)
    assert _queries(again) == ["a", "b", "c", "d"]
    again.close()


def test_changes_inside_a_batch_are_one_main_write_not_journal_lines(store: Store) -> None:
    with batched(store):
        store.subscriptions.add(_sub("a"))
        store.subscriptions.add(_sub("b", BOB))
        store.chats.save(ChatState(BOB, paused=True))
    assert len(_lines(store.paths.journal)) == 1
    main = json.loads(store.paths.main.read_bytes())
    assert sorted(d["query"] for d in main["subscriptions"].values()) == ["a", "b"]


def test_a_chat_migration_is_one_line(store: Store) -> None:
    group, supergroup = ChatRef("telegram", "-1"), ChatRef("telegram", "-1001")
    for query in ("a", "b", "c"):
        store.subscriptions.add(_sub(query, group))
    store.subscriptions.add(_sub("b", supergroup))
    store.subscriptions.move_chat(group, supergroup)
    last = _lines(store.paths.journal)[-1]["c"]
    assert len(last) == 3 and [c[2] is None for c in last] == [False, True, False]


def test_export_reads_journaled_changes_of_the_running_bot(store: Store) -> None:
    store.subscriptions.add(_sub("socar"))
    store.chats.save(ChatState(BOB, paused=True))
    subs, chats, _ = read_records(store.paths.main)  # the store is still open, nothing compacted
    assert [s.query for s in subs] == ["socar"]
    assert chats == [ChatState(BOB, paused=True)]
