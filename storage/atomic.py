"""A crash-safe, read-cached TinyDB storage.

TinyDB's own JSONStorage truncates the file and rewrites it in place, so a kill
mid-write leaves a torn database, and it re-reads the file on every query. This
storage keeps the data in memory (this process is the only writer), writes each
change to a temporary file that is fsynced and then renamed over the old one,
and keeps the previous good file as `<name>.bak`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.errors import StorageError

log = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]
Render = Callable[[], Iterable[tuple[str, dict[str, Any]]]]  # an owned table's (doc id, document)s
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
CHUNK_DOCS = 2000  # documents of an owned table encoded and written together


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX needs the directory itself synced)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # platforms without directory handles (Windows): rename is already durable
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: Path, payload: bytes | Iterable[bytes], keep_backup: bool = False) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new file.

    `payload` may come in chunks, written as they are made: a 19 MB file then never exists
    whole in memory (as one str, then one bytes object, beside the pieces it was joined from)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            if isinstance(payload, bytes | bytearray | memoryview):
                fh.write(payload)
            else:
                for chunk in payload:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # the old file is untouched; a half-written copy helps no one
        raise
    if keep_backup and path.exists():
        _keep_backup(path)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _keep_backup(path: Path) -> None:
    """Point `<name>.bak` at the current (good) file; `path` itself never goes missing."""
    bak = backup_path(path)
    staged = bak.with_name(bak.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        staged.unlink()
    try:
        os.link(path, staged)  # a hard link: O(1), the old inode lives on as the backup
    except OSError:
        shutil.copyfile(path, staged)  # filesystems without hard links
    os.replace(staged, bak)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _parse(raw: bytes) -> Data:
    data = json.loads(raw)
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise ValueError("not a TinyDB document: expected an object of tables of documents")
    return data


def load_with_backup(path: Path, read_only: bool = False) -> Data | None:
    """The database at `path`, else its last good copy (with a warning); None when neither exists.

    Raises StorageError rather than starting empty over a file that exists but cannot be read.
    `read_only` (a reader beside the running bot) leaves a damaged file where it is.
    """
    bak = backup_path(path)
    problem = ""
    if path.exists():
        try:
            return _parse(path.read_bytes())
        except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            problem = f"{type(exc).__name__}: {exc}"
    elif not bak.exists():
        return None
    else:
        problem = "file is missing"
    if not bak.exists():
        raise StorageError(
            f"database file {path} cannot be read ({problem}) and there is no backup {bak.name}"
        )
    try:
        data = _parse(bak.read_bytes())
    except (OSError, ValueError) as exc:
        raise StorageError(
            f"database file {path} cannot be read ({problem}) and its backup {bak} is unreadable too "
            f"({type(exc).__name__}: {exc}); restore one of them or move both away to start empty"
        ) from None
    if read_only:
        return data
    log.warning("database file %s cannot be read (%s); using the last good copy %s", path, problem, bak)
    if path.exists():
        # Keep the damaged file for inspection; the next write must not make it the backup.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        corrupt = path.with_name(f"{path.name}.corrupt-{stamp}")
        os.replace(path, corrupt)
        log.warning("the unreadable file was kept as %s", corrupt)
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: read once, serve from memory, write through atomically with a backup.

    A repository may `adopt` a table: it then keeps the table in its own (compact) form and
    renders it at each write, so the file's parsed documents are not held twice in memory and
    a change to it can go to a journal (storage.journal) instead of a rewrite of the file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._deferred = 0
        self._dirty = False
        self._owned: dict[str, Render] = {}
        self._written: list[Callable[[], None]] = []
        try:
            loaded = load_with_backup(self.path)
        except OSError as exc:
            raise StorageError(f"cannot read database file {self.path}: {exc}") from None
        self._data: Data = loaded if loaded is not None else {}
        if loaded is None or not self.path.exists():
            self._flush()  # creates the file now, so an unusable path fails at start-up

    def read(self) -> Data:
        return self._data

    def write(self, data: Data) -> None:
        self._data = data
        self.flush()

    def adopt(self, table: str, render: Render) -> dict[str, dict[str, Any]]:
        """Hand `table` to an owner that renders it at each write; TinyDB no longer sees it.

        Returns the table's stored documents by id, for the owner to load."""
        self._owned[table] = render
        return self._data.pop(table, {})

    def after_write(self, hook: Callable[[], None]) -> None:
        """Call `hook` after each durable write of the file (a journal resets itself there)."""
        self._written.append(hook)

    @property
    def deferred(self) -> bool:
        """Inside batch(): changes become durable with the one write at its end."""
        return bool(self._deferred)

    def flush(self) -> None:
        """Write the file now, or at the end of the current batch."""
        if self._deferred:
            self._dirty = True
        else:
            self._flush()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group several TinyDB operations into one durable write."""
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            if not self._deferred:
                self._discard_unsaved()
            raise
        self._deferred -= 1
        if not self._deferred and self._dirty:
            self._flush()

    def _payload(self) -> Iterator[bytes]:
        """The whole file, in chunks of about `CHUNK_DOCS` documents of an owned table each:
        100,000 seen records are rendered and written a slice at a time, never held whole."""
        tables = [
            f"{_ENCODER.encode(name)}:{_ENCODER.encode(table)}"
            for name, table in self._data.items()
            if name not in self._owned
        ]
        yield ("{" + ",".join(tables)).encode("utf-8")
        first = not tables
        for name, render in self._owned.items():
            yield f"{'' if first else ','}{_ENCODER.encode(name)}:{{".encode()
            first = False
            docs: list[str] = []
            separator = ""  # before a chunk that follows another
            for doc_id, doc in render():
                docs.append(f'"{doc_id}":{_ENCODER.encode(doc)}')
                if len(docs) == CHUNK_DOCS:
                    yield (separator + ",".join(docs)).encode("utf-8")
                    docs, separator = [], ","
            yield ((separator if docs else "") + ",".join(docs) + "}").encode("utf-8")
        yield b"}"

    def _flush(self) -> None:
        try:
            write_atomically(self.path, self._payload(), keep_backup=True)
        except OSError as exc:
            self._discard_unsaved()
            raise StorageError(f"cannot write database file {self.path}: {exc}") from None
        self._dirty = False
        for hook in self._written:
            hook()

    def _discard_unsaved(self) -> None:
        """Forget in-memory changes that never reached disk: the file is the truth.

        Owned tables are left to their owners (their changes are journaled, hence durable)."""
        self._dirty = False
        try:
            self._data = _parse(self.path.read_bytes()) if self.path.exists() else {}
        except (OSError, ValueError):
            self._data = {}
            log.exception("re-reading %s after a failed write failed", self.path)
        for name in self._owned:
            self._data.pop(name, None)
