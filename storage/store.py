"""Opens the files of the store and wires the repositories onto them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB

from bot.config import db_path_problem
from bot.errors import StorageError
from storage.articles import TinyDBArticleRepo
from storage.atomic import AtomicJSONStorage
from storage.chats import TinyDBChatRepo
from storage.events import JournalEventRepo
from storage.held import TinyDBHeldRepo
from storage.journal import TableJournal, journal_path
from storage.leases import TinyDBLeaseRepo
from storage.outbox import JournalOutboxRepo
from storage.rhythms import TinyDBRhythmRepo
from storage.sent import TinyDBSentRepo
from storage.sources import TinyDBSourceRepo
from storage.subscriptions import TinyDBSubscriptionRepo


@dataclass(frozen=True, slots=True)
class StorePaths:
    main: Path
    articles: Path
    outbox: Path
    held: Path
    journal: Path  # the main file's journal of small changes (storage.journal)
    events: Path


def store_paths(db_path: Path) -> StorePaths:
    """The files of a store: the main database and its companions beside it."""
    db_path = Path(db_path)
    stem = db_path.name[: -len(".json")] if db_path.name.endswith(".json") else db_path.name
    return StorePaths(
        main=db_path,
        articles=db_path.with_name(f"{stem}.articles.json"),
        outbox=db_path.with_name(f"{stem}.outbox.jsonl"),
        held=db_path.with_name(f"{stem}.held.json"),
        journal=journal_path(db_path),
        events=db_path.with_name(f"{stem}.events.jsonl"),
    )


@dataclass
class Store:
    subscriptions: TinyDBSubscriptionRepo
    chats: TinyDBChatRepo
    sources: TinyDBSourceRepo
    articles: TinyDBArticleRepo
    outbox: JournalOutboxRepo
    rhythms: TinyDBRhythmRepo
    held: TinyDBHeldRepo
    paths: StorePaths
    sent: TinyDBSentRepo | None = None
    leases: TinyDBLeaseRepo | None = None
    events: JournalEventRepo | None = None
    _dbs: tuple[TinyDB, ...] = field(default=(), repr=False)
    _journal: TableJournal | None = field(default=None, repr=False)

    def close(self) -> None:
        """Release file handles; every acknowledged change is already on disk."""
        self.outbox.close()
        if self._journal is not None:
            self._journal.close()
        if self.events is not None:
            self.events.close()
        for db in self._dbs:
            db.close()


def open_store(db_path: Path) -> Store:
    paths = store_paths(db_path)
    _check_usable(paths.main)
    main = TinyDB(paths.main, storage=AtomicJSONStorage)
    articles_db = TinyDB(paths.articles, storage=AtomicJSONStorage)
    main_storage: AtomicJSONStorage = main.storage  # type: ignore[assignment]
    articles_storage: AtomicJSONStorage = articles_db.storage  # type: ignore[assignment]
    held_db = TinyDB(paths.held, storage=AtomicJSONStorage)
    held_storage: AtomicJSONStorage = held_db.storage  # type: ignore[assignment]
    journal = TableJournal(paths.journal, main_storage)
    return Store(
        subscriptions=TinyDBSubscriptionRepo(main_storage, journal),
        chats=TinyDBChatRepo(main_storage, journal),
        sources=TinyDBSourceRepo(main, main_storage),
        articles=TinyDBArticleRepo(articles_db, articles_storage),
        outbox=JournalOutboxRepo(paths.outbox),
        rhythms=TinyDBRhythmRepo(main),
        held=TinyDBHeldRepo(held_db, held_storage),
        paths=paths,
        sent=TinyDBSentRepo(main_storage, journal),
        leases=TinyDBLeaseRepo(main),
        events=JournalEventRepo(paths.events),
        _dbs=(main, articles_db, held_db),
        _journal=journal,
    )


def _check_usable(path: Path) -> None:
    problem = db_path_problem(path)
    if problem:
        raise StorageError(problem)
    if path.is_dir():
        raise StorageError(f"database path {path} is a directory; NEWSBOT_DB must name a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the database directory {path.parent}: {exc}") from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StorageError(f"database directory {path.parent} is not writable")
