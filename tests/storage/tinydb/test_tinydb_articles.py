"""TinyDB-file specifics of ArticleRepo: seen records, syndicated titles, the /latest cache and pruning."""

from __future__ import annotations

import json
from collections.abc import Callable

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
