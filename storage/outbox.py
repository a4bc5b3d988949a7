"""The outbox as an append-only JSON-lines journal.

The outbox changes once per delivered alert; rewriting a whole JSON file each
time would make a 1,000-alert broadcast quadratic. Each change appends one
fsynced line instead, the journal is replayed at open (a torn last line from a
crash is ignored), and it is compacted, by an atomic rewrite holding only the
pending alerts, at open and whenever it has grown well past the pending count.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from bot.errors import StorageError
from bot.models import Alert, ChatRef
from storage.atomic import fsync_dir, write_atomically
from storage.codec import alert_doc
from storage.journal_ops import apply_record, move_pending

log = logging.getLogger(__name__)

COMPACT_MIN_LINES = 1000  # below this a journal is cheap to replay whatever it holds
COMPACT_FACTOR = 4  # compact once the journal holds this many lines per pending alert


class JournalOutboxRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: dict[str, Alert] = {}  # id -> alert, in enqueue order
        self._lines = 0
        self._torn = False
        self._replay()
        self._fh: BinaryIO | None = None
        self._compact()
        self._fh = self._open_append()

    # -- the OutboxRepo protocol

    def enqueue(self, alerts: Sequence[Alert]) -> int:
        added: dict[str, Alert] = {}
        for alert in alerts:
            if alert.id not in self._pending and alert.id not in added:
                added[alert.id] = alert
        if added:
            self._append([{"op": "add", "alert": alert_doc(a)} for a in added.values()])
            self._pending.update(added)
            self._maybe_compact()
        return len(added)

    def pending(self) -> list[Alert]:
        return list(self._pending.values())

    def update(self, alert: Alert) -> None:
        current = self._pending.get(alert.id)
        if current is None or current == alert:
            return
        self._append([{"op": "update", "alert": alert_doc(alert)}])
        self._pending[alert.id] = alert
        self._maybe_compact()

    def complete(self, alert_id: str) -> None:
        if alert_id not in self._pending:
            return
        # Not fsynced: a "done" line survives a killed process (it is in the OS) and becomes durable
        # with the next fsynced write; only a power cut in between can send that alert again
        # (at-least-once). An fsync per delivered alert capped paid broadcasts at ~40 sends/s.
        self._append([{"op": "done", "id": alert_id}], durable=False)
        del self._pending[alert_id]
        self._maybe_compact()

    def discard_chat(self, chat: ChatRef) -> int:
        doomed = [a.id for a in self._pending.values() if a.chat == chat]
        if doomed:
            self._append([{"op": "done", "id": alert_id} for alert_id in doomed])
            for alert_id in doomed:
                del self._pending[alert_id]
            self._maybe_compact()
        return len(doomed)

    def move_chat(self, old: ChatRef, new: ChatRef) -> int:
        if old == new or not any(a.chat == old for a in self._pending.values()):
            return 0
        self._append([{"op": "move", "old": old.key, "new": new.key}])
        self._pending, moved = move_pending(self._pending, old.key, new.key)
        self._maybe_compact()
        return moved

    def close(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            try:
                fh.close()
            except OSError:  # only unacknowledged bytes of a failed append can be lost here
                log.warning("closing outbox journal %s failed", self.path, exc_info=True)

    # -- the journal

    def _replay(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot read outbox journal {self.path}: {exc}") from None
        lines = raw.split(b"\n")
        complete_upto = len(lines) - 1  # text after the last newline was never acknowledged
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                self._pending = apply_record(self._pending, json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                if number > complete_upto:
                    log.warning("outbox journal %s: ignoring a torn last line (a crash mid-write)", self.path)
                else:
                    log.warning("outbox journal %s: skipping unreadable line %d: %s", self.path, number, exc)
                continue
            self._lines += 1

    def _compact(self) -> None:
        """Rewrite the journal atomically with just the pending alerts."""
        payload = b"".join(_encode({"op": "add", "alert": alert_doc(a)}) for a in self._pending.values())
        reopen = self._fh is not None
        self.close()
        try:
            write_atomically(self.path, payload)
            self._lines = len(self._pending)
        except OSError as exc:
            raise StorageError(f"cannot write outbox journal {self.path}: {exc}") from None
        finally:
            if reopen:
                self._fh = self._open_append()

    def _open_append(self) -> BinaryIO:
        try:
            fh = open(self.path, "ab")  # noqa: SIM115 - held open for appends until close()
        except OSError as exc:
            raise StorageError(f"cannot open outbox journal {self.path}: {exc}") from None
        fsync_dir(self.path.parent)
        return fh

    def _append(self, records: list[dict[str, Any]], durable: bool = True) -> None:
        if self._fh is None:
            raise StorageError(f"outbox journal {self.path} is closed")
        if self._torn:
            self._compact()  # never glue a new record onto a partly written one
            self._torn = False
        try:
            self._fh.write(b"".join(_encode(r) for r in records))
            self._fh.flush()  # in the OS from here: a killed process loses nothing
            if durable:
                os.fsync(self._fh.fileno())
        except OSError as exc:
            self._torn = True
            raise StorageError(f"cannot write outbox journal {self.path}: {exc}") from None
        self._lines += len(records)

    def _maybe_compact(self) -> None:
        """Called once memory reflects the last append: rewriting costs O(pending) and happens
        only after ~3x pending appends, so it stays amortised O(1) per change."""
        if self._lines > max(COMPACT_MIN_LINES, COMPACT_FACTOR * len(self._pending)):
            try:
                self._compact()
            except StorageError:  # the change itself is durable; a longer journal is still correct
                log.warning("compacting outbox journal %s failed; will retry later", self.path, exc_info=True)


def _encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
