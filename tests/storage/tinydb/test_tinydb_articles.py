"""TinyDB-file specifics of ArticleRepo: seen records, syndicated titles, the /latest cache and pruning."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.errors import StorageError
from storage import Store
from tests.storage.conftest import T0, article


def test_remember_is_one_write_and_survives_reopen(store: Store, reopen: Callable[[Store], Store]) -> None:
    batch = [article(i, minutes=i) for i in range(20)]
    inode = store.paths.articles.stat().st_ino
    store.articles.remember(batch)
    data = json.loads(store.paths.articles.read_bytes())
    assert len(data["seen"]) == 20 and len(data["cache"]) == 20
    backup = json.loads(store.paths.articles.with_name(store.paths.articles.name + ".bak").read_bytes())
    assert not backup.get("seen") and not backup.get("cache")  # the state just before: one replace
    assert store.paths.articles.stat().st_ino != inode
    main = json.loads(store.paths.main.read_bytes())
    assert "seen" not in main and "cache" not in main  # bulky data stays out of the main file
    again = reopen(store)
    assert again.articles.recent(T0, 50) == list(reversed(batch))
    assert again.articles.seen({"key-0", "https://example.org/story/19"}) == {
        "key-0",
        "https://example.org/story/19",
    }


def test_a_failed_write_leaves_seen_records_as_on_disk(
    store: Store, reopen: Callable[[Store], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seen table is held as records and rendered at each write: a write that fails must not
    leave records in memory that the file does not have (nor lose ones it has)."""
    store.articles.remember([article(1)])

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("storage.atomic.os.replace", full_disk)
    with pytest.raises(StorageError, match="No space left"):
        store.articles.remember([article(2)])
    with pytest.raises(StorageError):
        store.articles.prune(seen_before=T0 + timedelta(days=1), cache_before=T0, cache_max=0)
    monkeypatch.undo()
    assert store.articles.seen({"key-1", "key-2"}) == {"key-1"}
    store.articles.remember([article(3)])
    again = reopen(store)
    assert again.articles.seen({"key-1", "key-2", "key-3"}) == {"key-1", "key-3"}
    on_disk = json.loads(again.paths.articles.read_bytes())["seen"]
    assert sorted(d["key"] for d in on_disk.values()) == ["key-1", "key-3"]
    assert len(set(on_disk)) == 2  # ids stay distinct
