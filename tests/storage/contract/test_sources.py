"""Contract of SourceRepo: runtime-added sources and per-URL poll state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.models import Source, SourceState
from storage import Store
from tests.storage.conftest import T0

FEED = Source("Example News", "https://example.org/feed.xml", added_by="telegram:100")
OTHER = Source("Other", "https://other.example/rss", added_by="telegram:200")


def test_add_list_and_reject_duplicates(store: Store) -> None:
    assert store.sources.list() == []
    assert store.sources.add(FEED)
    assert store.sources.add(OTHER)
    assert not store.sources.add(Source("New name", FEED.url))
    assert not store.sources.add(Source("example news", "https://elsewhere.example/feed"))  # name, any case
    assert store.sources.list() == [FEED, OTHER]


def test_remove_by_name_or_url(store: Store) -> None:
    store.sources.add(FEED)
    store.sources.add(OTHER)
    assert store.sources.remove("nope") is None
    assert store.sources.remove("EXAMPLE NEWS") == FEED
    assert store.sources.remove(OTHER.url) == OTHER
    assert store.sources.list() == []


def test_state_defaults_and_round_trip(store: Store, reopen: Callable[[Store], Store]) -> None:
    assert store.sources.state(FEED.url) == SourceState(FEED.url)
    full = SourceState(
        FEED.url,
        etag='W/"abc"',
        last_modified="Wed, 25 Nov 2026 10:00:00 GMT",
        primed=True,
        failures=2,
        retry_at=T0 + timedelta(minutes=10),
        last_success=T0,
        last_error="HTTP 500",
        last_error_at=T0,
    )
    store.sources.add(FEED)
    store.sources.save_states([full, SourceState(OTHER.url, primed=True)])
    again = reopen(store)
    assert again.sources.list() == [FEED]
    assert again.sources.state(FEED.url) == full
    assert again.sources.state(OTHER.url) == SourceState(OTHER.url, primed=True)


def test_removing_a_source_forgets_its_state(store: Store, reopen: Callable[[Store], Store]) -> None:
    store.sources.add(FEED)
    store.sources.save_states([SourceState(FEED.url, primed=True, etag="x")])
    store.sources.remove(FEED.name)
    again = reopen(store)
    assert again.sources.state(FEED.url) == SourceState(FEED.url)  # re-added later, it is primed afresh
