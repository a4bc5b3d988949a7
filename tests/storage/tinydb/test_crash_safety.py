"""kill -9 at random moments: the store must load, with every acknowledged change in it."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.models import ChatRef
from storage import open_store

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 10


def _run_and_kill(db_path: Path, start: int, rng: random.Random) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the store is open: from here on, any moment is fair
    if first != b"ready\n":
        child.kill()
        pytest.fail(f"writer failed to start: {first!r} {child.communicate()[1].decode()[-2000:]}")
    time.sleep(rng.uniform(0.05, 0.8))
    child.kill()
    out, _ = child.communicate()
    lines = out.decode("utf-8", errors="replace").split("\n")
    return lines[:-1]  # the part after the last newline was never fully acknowledged


def test_every_acknowledged_change_survives_sigkill(tmp_path: Path) -> None:
    rng = random.Random()
    db_path = tmp_path / "newsbot.json"
    subscribed: set[tuple[str, str]] = set()
    enqueued: set[str] = set()
    completed: set[str] = set()
    attempted: set[str] = set()  # completes that were under way: acknowledged or not, either state is fine
    for round_no in range(ROUNDS):
        for line in _run_and_kill(db_path, round_no * 1_000_000, rng):
            kind, _, rest = line.partition(" ")
            if kind == "S":
                chat, _, query = rest.partition(" ")
                subscribed.add((chat, query))
            elif kind == "E":
                enqueued.add(rest)
            elif kind == "X":
                attempted.add(rest)
            elif kind == "C":
                completed.add(rest)
        store = open_store(db_path)  # must load, whatever moment the kill hit
        try:
            stored = {(s.chat.key, s.query) for s in store.subscriptions.all()}
            assert subscribed <= stored
            pending = {a.id for a in store.outbox.pending()}
            assert (enqueued - attempted) <= pending
            assert not (pending & completed)
            assert len(attempted - completed) <= round_no + 1  # only the complete cut short by each kill
            assert all(store.subscriptions.for_chat(ChatRef.from_key(c)) for c, _ in list(subscribed)[:5])
        finally:
            store.close()
    assert len(subscribed) > ROUNDS  # the writer really got going each time
