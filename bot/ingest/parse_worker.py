"""One feed-parsing process and its wire: pickled calls in on stdin, pickled answers out on a
pipe, in order. `WorkerProcess` is the bot's side of it (bot.ingest.parse_pool), `serve` the
process's own loop.

Calls are written as they come and answers read as they are ready, by two threads of the bot:
several calls can wait in the pipe, so the process goes on parsing while the bot's event loop is
busy with something else (a batch of new stories being settled), instead of waiting for the
loop to hand it the next feed. A process that dies fails every call it held (`WorkerDied`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from queue import SimpleQueue
from typing import IO, Any

_LENGTH = struct.Struct("!Q")


class WorkerDied(Exception):
    """The worker process ended (killed, out of memory) before it answered."""


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _frame(value: object) -> bytes:
    payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


def _send(stream: IO[bytes], value: object) -> None:
    stream.write(_frame(value))
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    return pickle.loads(_read_exactly(stream, size))


def serve() -> None:
    """A worker's loop: each call read from stdin, its result (or exception) written back.

    Answers go to a private copy of the stdout pipe, and stdout itself is pointed at stderr, so
    nothing a library prints can corrupt them. Stdin's end (the bot is gone) ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the bot decides
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    calls = sys.stdin.buffer
    while True:
        try:
            call = _receive(calls)
        except EOFError:
            return
        try:
            outcome: tuple[bool, object] = (True, call())
        except Exception as exc:  # the caller gets it raised, as from a call in a thread
            outcome = (False, exc)
        try:
            _send(answers, outcome)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(answers, (False, RuntimeError(f"unpicklable parse result: {exc!r}")))
        except BrokenPipeError:
            return


class WorkerProcess:
    def __init__(self, on_death: Callable[[WorkerProcess], object] = lambda worker: None) -> None:
        code = f"import sys; sys.path[:] = {sys.path!r}; from bot.ingest.parse_worker import serve; serve()"
        self.process = subprocess.Popen(
            [sys.executable, "-B", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._on_death = on_death
        self._lock = threading.Lock()
        self._pending: deque[Future[Any]] = deque()  # answers come back in the order calls went
        self._outbox: SimpleQueue[bytes | None] = SimpleQueue()
        self.dead = False
        self._threads = [
            threading.Thread(target=self._write, name="parse-writer", daemon=True),
            threading.Thread(target=self._read, name="parse-reader", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def load(self) -> int:
        """Calls sent and not yet answered."""
        return len(self._pending)

    def submit(self, fn: Callable[[], Any]) -> Future[Any]:
        """The call's answer, to come. Pickled here, so a call that cannot be sent fails alone."""
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()  # the answer will come whether or not anyone waits
        frame = _frame(fn)
        with self._lock:
            if self.dead:
                future.set_exception(WorkerDied("the parsing process has ended"))
                return future
            self._pending.append(future)
            self._outbox.put(frame)
        return future

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        while (frame := self._outbox.get()) is not None:
            try:
                stdin.write(frame)
                stdin.flush()
            except (OSError, ValueError) as exc:
                self._die(exc)
                return
        with contextlib.suppress(OSError):
            stdin.close()  # the worker's loop ends

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            try:
                ok, value = _receive(stdout)
            except (EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:
                self._die(exc)
                return
            with self._lock:
                future = self._pending.popleft()
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _die(self, exc: BaseException) -> None:
        with self._lock:
            if self.dead:
                return
            self.dead = True
            pending, self._pending = list(self._pending), deque()
        self._outbox.put(None)
        for future in pending:
            future.set_exception(WorkerDied(str(exc) or type(exc).__name__))
        self._on_death(self)

    def close(self) -> None:
        self._outbox.put(None)  # the writer closes stdin once the calls before it are sent
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for thread in self._threads:
            thread.join(2)
        if self.process.stdout is not None:
            self.process.stdout.close()
