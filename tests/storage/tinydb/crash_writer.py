"""Run by test_crash_safety.py as a child process: writes in a tight loop, printing every
acknowledged change, until the parent kills it with SIGKILL."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.models import Alert, ChatRef, Subscription
from storage import open_store


def main(db_path: str, start: int) -> None:
    store = open_store(Path(db_path))
    now = datetime.now(UTC)
    print("ready", flush=True)
    i = start
    while True:
        chat = ChatRef("telegram", str(i % 97))
        if store.subscriptions.add(Subscription(chat, f"query {i}", now)):
            print(f"S {chat.key} query {i}", flush=True)
        alert = Alert(chat, f"story-{i}", f"Story {i}", f"https://e.org/{i}", "E", None, ("q",), ("b",), now)
        store.outbox.enqueue([alert])
        print(f"E {alert.id}", flush=True)
        if i % 3:  # leave every third alert pending, complete the others
            print(f"X {alert.id}", flush=True)  # about to complete: may be gone though never acknowledged
            store.outbox.complete(alert.id)
            print(f"C {alert.id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
