"""The atomic storage: backups, corrupt files at start-up, unusable paths, failed writes."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.models import Source, Subscription
from storage import Store, open_store
from storage.atomic import AtomicJSONStorage
from tests.storage.conftest import ALICE, T0, article


def _bak(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _source(name: str) -> Source:
    """Added sources are written through to the main file (subscriptions go to its journal)."""
    return Source(name, f"https://example.org/{name}.xml", added_by="telegram:100")


def _names(st: Store) -> list[str]:
    return [s.name for s in st.sources.list()]


def test_backup_holds_the_previous_good_file(store: Store) -> None:
    store.sources.add(_source("one"))
    store.sources.add(_source("two"))
    current = json.loads(store.paths.main.read_bytes())["sources"]
    previous = json.loads(_bak(store.paths.main).read_bytes())["sources"]
    assert len(current) == 2 and len(previous) == 1
    assert not list(store.paths.main.parent.glob("*.tmp"))


@pytest.mark.parametrize(
    "damage", [b"", b'{"subscriptions": {"1": {"chat": "tele', b"\x00\x00\x00", b"[1, 2]"]
)
def test_corrupt_main_file_falls_back_to_backup_with_a_warning(
    store: Store, reopen: Callable[[Store], Store], caplog: pytest.LogCaptureFixture, damage: bytes
) -> None:
    store.sources.add(_source("one"))
    store.sources.add(_source("two"))
    main = store.paths.main
    store.close()
    main.write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="storage.atomic"):
        again = reopen(store)
    assert _names(again) == ["one"]  # the last good copy, not an empty store
    assert str(main) in caplog.text and "last good copy" in caplog.text
    kept = list(main.parent.glob("newsbot.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damage  # evidence kept, never made the backup
    again.sources.add(_source("three"))
    assert _names(reopen(again)) == ["one", "three"]


def test_both_copies_corrupt_raises_storage_error_naming_the_file(store: Store) -> None:
    store.subscriptions.add(Subscription(ALICE, "one", T0))
    store.subscriptions.add(Subscription(ALICE, "two", T0))
    main = store.paths.main
    store.close()
    main.write_bytes(b"{broken")
    _bak(main).write_bytes(b"")
    with pytest.raises(StorageError, match=str(main)):
        open_store(main)
    assert main.read_bytes() == b"{broken"  # nothing was overwritten


def test_corrupt_main_without_backup_is_an_error_not_an_empty_store(tmp_path: Path) -> None:
    main = tmp_path / "newsbot.json"
    main.write_text("not json")
    with pytest.raises(StorageError, match="no backup"):
        open_store(main)


def test_missing_main_file_with_a_backup_uses_the_backup(
    store: Store, reopen: Callable[[Store], Store], caplog: pytest.LogCaptureFixture
) -> None:
    store.sources.add(_source("one"))
    store.sources.add(_source("two"))
    store.close()
    store.paths.main.unlink()
    with caplog.at_level(logging.WARNING, logger="storage.atomic"):
        again = reopen(store)
    assert _names(again) == ["one"]
    assert "missing" in caplog.text
    assert store.paths.main.exists()


def test_corrupt_articles_file_uses_its_backup(store: Store, reopen: Callable[[Store], Store]) -> None:
    store.articles.remember([article(1)])
    store.articles.remember([article(2)])
    store.close()
    store.paths.articles.write_bytes(b'{"seen": {"1": ')
    again = reopen(store)
    assert again.articles.seen({"key-1", "key-2"}) == {"key-1"}


def test_missing_directory_is_created(tmp_path: Path) -> None:
    st = open_store(tmp_path / "a" / "b" / "newsbot.json")
    st.close()
    assert (tmp_path / "a" / "b" / "newsbot.json").is_file()
    assert (tmp_path / "a" / "b" / "newsbot.outbox.jsonl").is_file()


def test_directory_as_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory"):
        open_store(tmp_path)


def test_parent_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="cannot create the database directory"):
        open_store(tmp_path / "file" / "newsbot.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    with pytest.raises(StorageError, match="not writable"):
        open_store(ro / "newsbot.json")


def test_failed_write_raises_and_keeps_memory_equal_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    st = open_store(tmp_path / "newsbot.json")
    st.sources.add(_source("kept"))

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("storage.atomic.os.replace", full_disk)
    with pytest.raises(StorageError, match="No space left"):
        st.sources.add(_source("lost"))
    monkeypatch.undo()
    assert st.sources.add(_source("lost"))  # not acknowledged, so not there: a retry works
    st.close()
    again = open_store(tmp_path / "newsbot.json")
    assert _names(again) == ["kept", "lost"]
    again.close()


def test_reads_are_served_from_memory(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "db.json")
    storage.write({"t": {"1": {"a": 1}}})
    (tmp_path / "db.json").write_text('{"t": {}}')  # only this process writes; the cache is the truth
    assert storage.read() == {"t": {"1": {"a": 1}}}
