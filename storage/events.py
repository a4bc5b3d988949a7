"""Which event each recent story reports (issue 12), as an append-only JSON-lines file.

Every poll cycle adds the records of its new stories (bot.stories.events: key, event, time, terms)
and nothing else changes them, so one fsynced append per cycle is all a write costs, whatever the
window holds; the hourly prune rewrites the file atomically with the records still in the window.
A torn last line (a crash mid-append) or an unreadable one is skipped at open. A store made before
this file existed opens with none: the tracker rebuilds the window from the article cache once.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from bot.errors import StorageError
from storage.atomic import fsync_dir, write_atomically

log = logging.getLogger(__name__)
Record = dict[str, Any]


class JournalEventRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._records: dict[str, Record] = {}  # story key -> record, in the order added
        self._torn = False  # the file ends inside a line: the next append starts a new one
        self._replay()
        self._fh: BinaryIO | None = None

    def recent(self, since: datetime) -> list[Record]:
        cutoff = since.timestamp()
        return [r for r in self._records.values() if r["at"] >= cutoff]

    def add(self, records: Sequence[Mapping[str, Any]]) -> None:
        fresh = [dict(r) for r in records if str(r["key"]) not in self._records]
        if not fresh:
            return
        fh = self._handle()
        try:
            fh.write((b"\n" if self._torn else b"") + b"".join(_encode(r) for r in fresh))
            fh.flush()
            os.fsync(fh.fileno())
            self._torn = False
        except OSError as exc:
            self.close()
            self._torn = True  # the torn line is skipped at open
            raise StorageError(f"cannot write event records {self.path}: {exc}") from None
        for record in fresh:
            self._records[str(record["key"])] = record

    def prune(self, before: datetime) -> int:
        cutoff = before.timestamp()
        old = [key for key, r in self._records.items() if r["at"] < cutoff]
        if not old:
            return 0
        keep = {key: r for key, r in self._records.items() if r["at"] >= cutoff}
        self.close()
        try:
            write_atomically(self.path, b"".join(_encode(r) for r in keep.values()))
        except OSError as exc:
            raise StorageError(f"cannot write event records {self.path}: {exc}") from None
        self._records, self._torn = keep, False
        return len(old)

    def close(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            try:
                fh.close()
            except OSError:
                log.warning("closing %s failed", self.path, exc_info=True)

    def _handle(self) -> BinaryIO:
        if self._fh is None:
            try:
                self._fh = open(self.path, "ab")  # noqa: SIM115 - held open for appends until close()
            except OSError as exc:
                raise StorageError(f"cannot open event records {self.path}: {exc}") from None
            fsync_dir(self.path.parent)
        return self._fh

    def _replay(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot read event records {self.path}: {exc}") from None
        self._torn = bool(raw) and not raw.endswith(b"\n")
        skipped = 0
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                record["at"] = float(record["at"])
                self._records.setdefault(str(record["key"]), record)
            except (ValueError, KeyError, TypeError):
                skipped += 1
        if skipped:
            log.warning("%s: skipped %d unreadable line(s) (a crash mid-write?)", self.path, skipped)


def _encode(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
