"""The store as the core reaches it: `store_kit()` is what bot/cli.py hands to the commands."""

from __future__ import annotations

from bot.ports import StoreKit
from storage.snapshot import batched, read_all, read_records
from storage.store import open_store


def store_kit() -> StoreKit:
    return StoreKit(open=open_store, read_records=read_records, batch=batched, read_all=read_all)
