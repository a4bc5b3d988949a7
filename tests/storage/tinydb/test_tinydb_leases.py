"""TinyDB-file specifics of LeaseRepo: a store from before leases were kept loads with none, and
an unreadable record is skipped (its source is polled), not fatal."""

from __future__ import annotations

import json
from pathlib import Path

from storage import open_store
from tests.storage.contract.test_leases import FEED, LEASE


def test_a_store_written_before_leases_were_kept_loads_with_none(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    sub = {"chat": "telegram:100", "query": "socar", "created": "2026-11-25T12:00:00+00:00"}
    old = {"subscriptions": {"1": sub}, "source_states": {}}
    db_path.write_text(json.dumps(old))
    store = open_store(db_path)
    try:
        assert store.leases is not None and store.leases.all() == {}
        assert len(store.subscriptions.all()) == 1
        store.leases.save(FEED, LEASE)
        table = json.loads(db_path.read_text())["websub_leases"]
        assert [doc["secret"] for doc in table.values()] == [LEASE.secret]
    finally:
        store.close()


def test_an_unreadable_lease_record_is_skipped(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    broken = {"websub_leases": {"1": {"url": FEED, "status": "active"}, "2": {"nonsense": True}}}
    db_path.write_text(json.dumps(broken))
    store = open_store(db_path)
    try:
        assert store.leases is not None and store.leases.all() == {}
    finally:
        store.close()
