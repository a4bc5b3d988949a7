"""Contract of OutboxRepo on the JSON-lines journal: order, update, complete, replay, compaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.errors import StorageError
from bot.models import ChatRef
from storage import Store
from storage.outbox import COMPACT_MIN_LINES
from tests.storage.conftest import ALICE, BOB, T0, alert


def test_enqueue_keeps_order_and_skips_pending_ids(store: Store) -> None:
    first = [alert(ALICE, 1), alert(BOB, 1), alert(ALICE, 2)]
    assert store.outbox.enqueue(first) == 3
    assert store.outbox.enqueue([alert(ALICE, 2, title="again"), alert(ALICE, 3), alert(ALICE, 3)]) == 1
    assert [a.id for a in store.outbox.pending()] == [a.id for a in first] + [alert(ALICE, 3).id]
    assert store.outbox.pending()[2].title == alert(ALICE, 2).title
    assert store.outbox.enqueue([]) == 0


def test_update_replaces_in_place_and_complete_removes(store: Store) -> None:
    store.outbox.enqueue([alert(ALICE, 1), alert(ALICE, 2)])
    retried = alert(ALICE, 1, attempts=2, next_attempt=T0 + timedelta(seconds=30), plain=True)
    store.outbox.update(retried)
    store.outbox.update(alert(BOB, 9, attempts=1))  # not pending: nothing to replace
    assert store.outbox.pending() == [retried, alert(ALICE, 2)]
    store.outbox.complete(retried.id)
    store.outbox.complete("telegram:1|unknown")
    assert store.outbox.pending() == [alert(ALICE, 2)]
    assert store.outbox.enqueue([alert(ALICE, 1)]) == 1  # a completed id may come again


def test_discard_and_move_chat(store: Store, reopen: Callable[[Store], Store]) -> None:
    group, supergroup = ChatRef("telegram", "-1"), ChatRef("telegram", "-1001")
    store.outbox.enqueue(
        [alert(group, 1), alert(ALICE, 1), alert(group, 2), alert(supergroup, 2), alert(BOB, 1)]
    )
    assert store.outbox.move_chat(group, supergroup) == 1  # story 2 is already queued for the new id
    assert [a.id for a in store.outbox.pending()] == [
        alert(supergroup, 1).id,
        alert(ALICE, 1).id,
        alert(supergroup, 2).id,
        alert(BOB, 1).id,
    ]
    assert store.outbox.discard_chat(BOB) == 1
    assert store.outbox.discard_chat(BOB) == 0
    expected = store.outbox.pending()
    again = reopen(store)
    assert again.outbox.pending() == expected


def test_replay_after_reopen_is_exact(store: Store, reopen: Callable[[Store], Store]) -> None:
    store.outbox.enqueue([alert(ALICE, i) for i in range(5)])
    store.outbox.update(alert(ALICE, 3, attempts=4, next_attempt=T0 + timedelta(minutes=5)))
    store.outbox.complete(alert(ALICE, 1).id)
    expected = store.outbox.pending()
    again = reopen(store)
    assert again.outbox.pending() == expected
    assert again.outbox.pending()[2].next_attempt == T0 + timedelta(minutes=5)
    assert again.paths.outbox.read_text().count("\n") == 4  # compacted at open: one line per pending alert


def test_torn_last_line_is_ignored(
    store: Store, reopen: Callable[[Store], Store], caplog: pytest.LogCaptureFixture
) -> None:
    store.outbox.enqueue([alert(ALICE, 1), alert(ALICE, 2)])
    store.outbox.complete(alert(ALICE, 1).id)
    path = store.paths.outbox
    store.close()
    with path.open("ab") as fh:
        fh.write(b'{"op":"add","alert":{"chat":"telegram:100","arti')  # the crash came mid-append
    with caplog.at_level(logging.WARNING, logger="storage.outbox"):
        again = reopen(store)
    assert again.outbox.pending() == [alert(ALICE, 2)]
    assert "torn last line" in caplog.text
    again.outbox.enqueue([alert(ALICE, 3)])  # appends after a clean compaction, not glued to the fragment
    assert reopen(again).outbox.pending() == [alert(ALICE, 2), alert(ALICE, 3)]


def test_journal_is_compacted_as_it_grows(store: Store, reopen: Callable[[Store], Store]) -> None:
    batch = [alert(ChatRef("telegram", str(i)), 1) for i in range(COMPACT_MIN_LINES)]
    store.outbox.enqueue(batch)
    for a in batch[:-3]:
        store.outbox.complete(a.id)
    lines = store.paths.outbox.read_text().count("\n")
    assert lines < COMPACT_MIN_LINES + 1  # rewritten once the done records outgrew the pending ones
    assert store.outbox.pending() == batch[-3:]
    assert reopen(store).outbox.pending() == batch[-3:]


def test_failed_append_is_not_acknowledged_and_not_replayed(
    store: Store, reopen: Callable[[Store], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.outbox.enqueue([alert(ALICE, 1)])

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("storage.outbox.os.fsync", failing_fsync)
    with pytest.raises(StorageError, match="outbox journal"):
        store.outbox.enqueue([alert(ALICE, 2)])
    monkeypatch.undo()
    assert store.outbox.pending() == [alert(ALICE, 1)]
    assert store.outbox.enqueue([alert(ALICE, 3)]) == 1  # rewrites the journal first: no half-written record
    assert reopen(store).outbox.pending() == [alert(ALICE, 1), alert(ALICE, 3)]
