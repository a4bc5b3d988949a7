"""TinyDB-file specifics of the outbox: the JSON-lines journal, its replay, compaction and failed appends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.errors import StorageError
from bot.models import ChatRef
from storage import Store
from storage.outbox import COMPACT_MIN_LINES
from tests.storage.conftest import ALICE, T0, alert


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
