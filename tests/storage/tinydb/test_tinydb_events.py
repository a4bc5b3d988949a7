"""The events file: one appended line per story, a torn or unreadable line skipped, a store made
before the file existed opens with none, and pruning rewrites the file with what is kept."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from storage import open_store, store_paths
from tests.storage.conftest import T0
from tests.storage.contract.test_events import record


def test_one_line_per_record_and_pruning_rewrites(db_path: Path) -> None:
    store = open_store(db_path)
    assert store.events is not None
    store.events.add([record(1, "key-1"), record(2, "key-1", minutes=5)])
    path = store.paths.events
    assert path == db_path.with_name("newsbot.events.jsonl")
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == ["key-1", "key-2"]
    store.events.prune(T0 + timedelta(minutes=1))
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == ["key-2"]
    store.events.add([record(3, "key-1", minutes=6)])
    assert path.read_text().count("\n") == 2
    store.close()


def test_a_torn_last_line_is_skipped_and_the_next_append_starts_clean(db_path: Path) -> None:
    store = open_store(db_path)
    assert store.events is not None
    store.events.add([record(1, "key-1")])
    store.close()
    path = store_paths(db_path).events
    with path.open("ab") as fh:  # a crash in the middle of an append
        fh.write(json.dumps(record(2, "key-1")).encode()[:40])
    again = open_store(db_path)
    assert again.events is not None
    assert [r["key"] for r in again.events.recent(T0 - timedelta(days=1))] == ["key-1"]
    again.events.add([record(3, "key-1")])
    again.close()
    third = open_store(db_path)
    assert third.events is not None
    assert [r["key"] for r in third.events.recent(T0 - timedelta(days=1))] == ["key-1", "key-3"]
    third.close()


def test_a_store_from_before_the_events_file_opens_with_none(db_path: Path) -> None:
    store = open_store(db_path)
    store.close()
    store_paths(db_path).events.unlink(missing_ok=True)
    again = open_store(db_path)
    assert again.events is not None and again.events.recent(T0 - timedelta(days=3650)) == []
    again.close()
    db_path.with_name("newsbot.events.jsonl").write_text('{"not": "a record"}\nnot json\n')
    again = open_store(db_path)
    assert again.events is not None and again.events.recent(T0 - timedelta(days=3650)) == []
    again.close()
