"""TinyDB implementations of the `bot.ports` repositories, with crash-safe file writes.

`open_store(db_path)` opens everything: the main file at `db_path` (subscriptions,
chats, sources and their poll states), `<stem>.articles.json` beside it (seen
records and the article cache), `<stem>.outbox.jsonl` (the outbox journal), `<stem>.held.json`
(stories held for digests) and `<stem>.events.jsonl` (which event each recent story reports).
"""

from storage.kit import store_kit
from storage.store import Store, open_store, store_paths

__all__ = ["Store", "open_store", "store_kit", "store_paths"]
