"""Contract of EventRepo: the event each recent story reports, kept across restarts (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from storage import Store
from tests.storage.conftest import T0


def record(n: int, event: str, minutes: int = 0) -> dict[str, object]:
    return {
        "key": f"key-{n}",
        "event": event,
        "at": (T0 + timedelta(minutes=minutes)).timestamp(),
        "terms": {"lauderdale": 5.2, "airport": 2.0},
        "title": ["lauderdale", "airport"],
        "names": ["lauderdale"],
    }


def test_add_recent_and_prune(store: Store) -> None:
    assert store.events is not None
    assert store.events.recent(T0 - timedelta(days=1)) == []
    store.events.add([record(1, "key-1"), record(2, "key-1", minutes=30)])
    store.events.add([record(1, "other")])  # a key already kept is ignored
    assert [r["event"] for r in store.events.recent(T0)] == ["key-1", "key-1"]
    assert [r["key"] for r in store.events.recent(T0 + timedelta(minutes=10))] == ["key-2"]
    assert store.events.prune(T0 + timedelta(minutes=10)) == 1
    assert store.events.prune(T0 + timedelta(minutes=10)) == 0
    assert [r["key"] for r in store.events.recent(T0 - timedelta(days=1))] == ["key-2"]


def test_records_survive_a_restart_as_given(store: Store, reopen: Callable[[Store], Store]) -> None:
    assert store.events is not None
    store.events.add([record(1, "key-1"), record(2, "key-1", minutes=5)])
    store.events.prune(T0 + timedelta(minutes=1))
    store.events.add([record(3, "key-1", minutes=6)])
    again = reopen(store)
    assert again.events is not None
    assert again.events.recent(T0 - timedelta(days=1)) == [record(2, "key-1", 5), record(3, "key-1", 6)]
