"""Small, frequent changes to tables of a TinyDB file, as an append-only journal beside it.

TinyDB files are rewritten whole, so at 50,000 subscriptions one /subscribe cost a 6 MB
rewrite (~600 ms). Tables handed to a `TableJournal` (subscriptions, chats, sent alerts)
change by appending one fsynced line instead; the main file stays the compacted state.

- A line is one acknowledged change: `{"c": [[table, doc id, document or null], ...]}` (null
  deletes), so a change of several documents (a chat migration) applies whole or not at all.
- The first line is `{"generation": N}`; the main file holds the generation it was compacted
  to in its `_journal` table. Each write of the main file (a poll batch writes it anyway, and
  the journal asks for one once it has grown) includes every journaled change, bumps the
  generation and starts a fresh journal. A journal older than the main file is already in it
  (a crash between the two writes); a journal newer than it (the main file came back from its
  `.bak`) is applied with a warning.
- At open the journal is replayed onto the main file's documents; a torn last line (a crash
  mid-append) was never acknowledged and is ignored; anything replayed is compacted at once.
- Inside the main storage's `batch()` a change is not journaled: the batch's one write holds it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from bot.errors import StorageError
from storage.atomic import AtomicJSONStorage, Data, fsync_dir, load_with_backup, write_atomically

log = logging.getLogger(__name__)

META = "_journal"  # the main file's table holding the generation it was compacted to
COMPACT_LINES = 2000  # a journal this long asks for a rewrite of the main file
READ_RETRIES = 5

Change = tuple[str, str, dict[str, Any] | None]  # (table, doc id, document; None deletes)


def journal_path(main: Path) -> Path:
    stem = main.name[: -len(".json")] if main.name.endswith(".json") else main.name
    return main.with_name(f"{stem}.journal.jsonl")


def _generation(data: Data) -> int:
    return int(data.get(META, {}).get("1", {}).get("generation", 0))


def _header(generation: int) -> bytes:
    return json.dumps({"generation": generation}).encode() + b"\n"


def read_journal(path: Path) -> tuple[int | None, list[list[Change]], bool]:
    """(generation or None without a journal, changes line by line, whether the last line is torn)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [], False
    except OSError as exc:
        raise StorageError(f"cannot read journal {path}: {exc}") from None
    lines = raw.split(b"\n")
    torn = bool(lines[-1].strip())  # bytes after the last newline were never acknowledged
    generation = 0
    changes: list[list[Change]] = []
    for number, line in enumerate(lines[:-1], start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if number == 1 and "generation" in record:
                generation = int(record["generation"])
                continue
            changes.append([(str(t), str(i), d) for t, i, d in record["c"]])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("journal %s: skipping unreadable line %d: %s", path, number, exc)
    if torn:
        log.warning("journal %s: ignoring a torn last line (a crash mid-write)", path)
    return generation, changes, torn


def apply_changes(data: Data, changes: Sequence[Sequence[Change]]) -> None:
    for line in changes:
        for table, doc_id, doc in line:
            docs = data.setdefault(table, {})
            if doc is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = doc


def read_tables(main: Path) -> Data | None:
    """The main file's tables with its journal applied, without writing anything (for export).

    The bot writes the main file before it resets the journal, so a journal newer than the
    main file just read means a compaction happened in between: read both again."""
    for _ in range(READ_RETRIES):
        data = load_with_backup(main, read_only=True)
        if data is None:
            return None
        generation, changes, _ = read_journal(journal_path(main))
        if generation is None or generation < _generation(data):
            return data
        if generation == _generation(data):
            apply_changes(data, changes)
            return data
    apply_changes(data, changes)  # the main file is older (its backup): the journal is still news
    return data


class TableJournal:
    """The journal of one main file; repositories write their changes through it."""

    def __init__(self, path: Path, storage: AtomicJSONStorage) -> None:
        self.path = path
        self._storage = storage
        self._fh: BinaryIO | None = None
        self._torn = False
        self._bump = False  # the main file being written absorbs this journal
        data = storage.read()
        self.generation = _generation(data)
        found, changes, torn = read_journal(path)
        if found is not None and found > self.generation:
            log.warning(
                "journal %s is newer than %s (generation %d > %d): applying it over the older file",
                path,
                storage.path,
                found,
                self.generation,
            )
        if found is not None and found >= self.generation:
            apply_changes(data, changes)
        self.lines = len(changes) if found is not None and found >= self.generation else 0
        storage.adopt(META, self._meta)
        storage.after_write(self._reset)
        if self.lines or torn or found != self.generation:
            storage.flush()  # compaction at open: the main file holds it all, the journal restarts
        else:
            self._fh = self._open()

    def write(self, changes: Sequence[Change], durable: bool = True) -> None:
        """Make `changes` durable as one line (or as part of the current batch's write)."""
        if not changes:
            return
        if self._storage.deferred:
            self._storage.flush()  # marks the batch dirty: its one write renders these tables
            return
        if self._torn or self._fh is None or self.lines >= COMPACT_LINES:
            # Here, not after an append: the repositories' memory (what the main file is rendered
            # from) reflects every earlier change but not yet this one, which goes to the new journal.
            # A torn line is never glued onto either.
            self._storage.flush()
            if self._fh is None:
                raise StorageError(f"journal {self.path} cannot be written (see the warning before)")
        line = {"c": [[t, i, d] for t, i, d in changes]}
        payload = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        fh = self._fh
        assert fh is not None
        try:
            fh.write(payload)
            fh.flush()  # in the OS from here: a killed process loses nothing
            if durable:
                os.fsync(fh.fileno())
        except OSError as exc:
            self._torn = True
            raise StorageError(f"cannot write journal {self.path}: {exc}") from None
        self.lines += 1

    def close(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            try:
                fh.close()
            except OSError:
                log.warning("closing journal %s failed", self.path, exc_info=True)

    def _meta(self) -> list[tuple[str, dict[str, Any]]]:
        """The generation the main file being written holds: one past the journal it absorbs."""
        self._bump = bool(self.lines) or self._torn or self._fh is None
        return [("1", {"generation": self.generation + self._bump})]

    def _reset(self) -> None:
        """The main file now holds every journaled change: start the next generation's journal."""
        if not self._bump:
            return  # nothing was journaled since the last reset: the journal is still current
        self.close()
        self.generation += 1
        try:
            write_atomically(self.path, _header(self.generation))
        except OSError as exc:
            # The main file is ahead of this journal, so at open it is ignored either way; appends
            # wait for a journal that could be written.
            self._torn = True
            log.warning("cannot reset journal %s: %s", self.path, exc)
            return
        self.lines = 0
        self._torn = False
        self._fh = self._open()

    def _open(self) -> BinaryIO:
        try:
            fh = open(self.path, "ab")  # noqa: SIM115 - held open for appends until close()
        except OSError as exc:
            raise StorageError(f"cannot open journal {self.path}: {exc}") from None
        fsync_dir(self.path.parent)
        return fh
