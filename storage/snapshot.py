"""Read-only access to a store's main file for `newsbot export`, safe while the bot runs.

The bot replaces the main file atomically (rename) and journals small changes beside it;
`read_tables` reads the two as one consistent version. Nothing here writes or locks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from bot.errors import StorageError
from bot.models import ChatRhythm, ChatState, Source, Subscription
from storage.codec import chat_from, source_from, subscription_from
from storage.journal import read_tables
from storage.rhythms import rhythm_from
from storage.store import Store, store_paths


def read_records(db_path: Path) -> tuple[list[Subscription], list[ChatState], list[Source]]:
    """The subscriptions, chats and added sources of the store at `db_path`, from one read."""
    subscriptions, chats, sources, _rhythms = read_all(db_path)
    return subscriptions, chats, sources


def read_all(
    db_path: Path,
) -> tuple[list[Subscription], list[ChatState], list[Source], list[ChatRhythm]]:
    """`read_records` and the chats' rhythm settings, all from the same one read."""
    main = store_paths(db_path).main
    try:
        data = read_tables(main)  # the main file with its journal of recent changes
    except (OSError, ValueError, StorageError) as exc:
        raise StorageError(f"cannot read {main} nor its backup: {exc}") from None
    if data is None:
        raise StorageError(f"no database at {main} (check NEWSBOT_DB)")

    def docs(table: str) -> list[dict]:  # type: ignore[type-arg]
        rows = data.get(table, {})
        return [rows[k] for k in sorted(rows, key=int)]

    return (
        [subscription_from(d) for d in docs("subscriptions")],
        [chat_from(d) for d in docs("chats")],
        [source_from(d) for d in docs("sources")],
        [rhythm_from(d) for d in docs("rhythms")],
    )


@contextlib.contextmanager
def batched(store: Store) -> Iterator[None]:
    """Every write to the main file inside this block is one durable write at its end."""
    with store.subscriptions._storage.batch():  # subscriptions, chats and sources share the file
        yield
