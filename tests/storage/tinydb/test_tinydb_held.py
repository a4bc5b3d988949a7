"""TinyDB specifics of the held-story file: its own file beside the database, and a write that
fails changes nothing, in memory or on disk."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.errors import StorageError
from bot.models import HeldStory
from storage import Store
from tests.storage.conftest import ALICE, alert


def test_held_stories_live_in_their_own_file(store: Store) -> None:
    store.held.hold([HeldStory(alert(ALICE, 1), "hourly")])
    assert store.paths.held.name == "newsbot.held.json" and store.paths.held.exists()
    assert b"key-1" in store.paths.held.read_bytes() and b"key-1" not in store.paths.main.read_bytes()


def test_a_failed_write_changes_nothing(
    store: Store, reopen: Callable[[Store], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.held.hold([HeldStory(alert(ALICE, 1), "hourly")])

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("storage.atomic.write_atomically", refuse)
    with pytest.raises(StorageError, match="disk full"):
        store.held.hold([HeldStory(alert(ALICE, 2), "hourly")])
    assert [h.alert.article_key for h in store.held.held(ALICE)] == ["key-1"]
    monkeypatch.undo()
    assert [h.alert.article_key for h in reopen(store).held.held(ALICE)] == ["key-1"]
