"""Contract of LeaseRepo: each source's WebSub subscription (secret and lease end included),
kept across restarts, replaced in place, forgotten on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from bot.models import Lease, LeaseStatus
from storage import Store
from tests.storage.conftest import T0

FEED = "https://example.org/feed.xml"
OTHER = "https://other.example/rss"
LEASE = Lease(
    topic=FEED,
    hub="https://hub.example.net/",
    callback_id="cb-1",
    secret="s" * 64,
    status=LeaseStatus.ACTIVE,
    requested_at=T0,
    verified_at=T0 + timedelta(seconds=2),
    expires=T0 + timedelta(days=10),
)


def test_save_replace_and_remove(store: Store) -> None:
    assert store.leases is not None
    assert store.leases.all() == {}
    store.leases.save(FEED, LEASE)
    requested = Lease(OTHER, "https://hub.example.net/", "cb-2", "t" * 64, requested_at=T0)
    store.leases.save(OTHER, requested)
    assert store.leases.all() == {FEED: LEASE, OTHER: requested}
    renewed = replace(LEASE, requested_at=T0 + timedelta(days=9), expires=T0 + timedelta(days=19))
    store.leases.save(FEED, renewed)
    assert store.leases.all()[FEED] == renewed
    store.leases.remove(FEED)
    store.leases.remove(FEED)  # twice: nothing happens
    assert store.leases.all() == {OTHER: requested}


def test_leases_survive_a_restart(store: Store, reopen: Callable[[Store], Store]) -> None:
    assert store.leases is not None
    denied = replace(LEASE, callback_id="cb-3", status=LeaseStatus.UNSUBSCRIBING, reason="source removed")
    store.leases.save(FEED, LEASE)
    store.leases.save(OTHER, denied)
    again = reopen(store)
    assert again.leases is not None
    assert again.leases.all() == {FEED: LEASE, OTHER: denied}
