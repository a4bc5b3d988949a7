"""Contract of ArticleRepo: seen records, syndicated titles, the /latest cache and pruning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from storage import Store
from tests.storage.conftest import T0, article


def test_seen_by_key_and_by_url(store: Store) -> None:
    assert store.articles.seen({"key-1", "https://example.org/story/1"}) == set()
    store.articles.remember([article(1), article(2)])
    assert store.articles.seen({"key-1", "key-3"}) == {"key-1"}
    assert store.articles.seen(["https://example.org/story/2", "https://example.org/story/9"]) == {
        "https://example.org/story/2"
    }


def test_seen_titles_respects_since(store: Store) -> None:
    store.articles.remember([article(1, title_key="pipeline deal signed")])
    store.articles.remember([article(2, minutes=60, title_key="oil price falls")])
    assert store.articles.seen_titles({"pipeline deal signed", "oil price falls", "x"}, T0) == {
        "pipeline deal signed",
        "oil price falls",
    }
    assert store.articles.seen_titles(
        {"pipeline deal signed", "oil price falls"}, T0 + timedelta(minutes=30)
    ) == {"oil price falls"}


def test_recent_is_newest_first_with_published_breaking_ties(store: Store) -> None:
    early, late = T0 - timedelta(hours=2), T0 - timedelta(hours=1)
    store.articles.remember(
        [
            article(1, minutes=0),
            article(2, minutes=10, published=early),
            article(3, minutes=10, published=late),
        ]
    )
    store.articles.remember([article(4, minutes=20)])
    assert [a.key for a in store.articles.recent(T0, 10)] == ["key-4", "key-3", "key-2", "key-1"]
    assert [a.key for a in store.articles.recent(T0 + timedelta(minutes=5), 2)] == ["key-4", "key-3"]
    assert store.articles.recent(T0, 0) == []


def test_remember_again_refreshes_the_cache_but_not_seen_at(store: Store) -> None:
    store.articles.remember([article(1, title_key="t")])
    richer = article(1, minutes=90, title_key="t")
    store.articles.remember([richer])
    assert store.articles.recent(T0, 5) == [richer]
    assert store.articles.seen_titles({"t"}, T0 + timedelta(minutes=30)) == set()


def test_prune_drops_old_records_and_caps_the_cache(store: Store, reopen: Callable[[Store], Store]) -> None:
    store.articles.remember([article(i, minutes=10 * i) for i in range(10)])  # fetched T0 .. T0+90min
    removed = store.articles.prune(
        seen_before=T0 + timedelta(minutes=25), cache_before=T0 + timedelta(minutes=15), cache_max=5
    )
    # seen: 0,1,2 are older than 25 min -> 3 gone; cache: keep the newest 5 (5..9) -> 5 gone
    assert removed == 8
    assert store.articles.seen({f"key-{i}" for i in range(10)}) == {f"key-{i}" for i in range(3, 10)}
    assert store.articles.seen({"https://example.org/story/1"}) == set()
    assert store.articles.seen_titles({"story 1", "story 4"}, T0) == {"story 4"}
    assert [a.key for a in store.articles.recent(T0, 50)] == [f"key-{i}" for i in range(9, 4, -1)]
    assert store.articles.prune(T0, T0, 100) == 0
    again = reopen(store)
    assert [a.key for a in again.articles.recent(T0, 50)] == [f"key-{i}" for i in range(9, 4, -1)]
    assert again.articles.seen({"key-2", "key-3"}) == {"key-3"}


def test_seen_titles_can_ignore_the_asking_source(store: Store) -> None:
    store.articles.remember([article(1, title_key="daily market report")])  # source "Example"
    assert store.articles.seen_titles({"daily market report"}, T0, other_than="Example") == set()
    assert store.articles.seen_titles({"daily market report"}, T0, other_than="Wire") == {
        "daily market report"
    }
    reopened_titles = store.articles.seen_titles({"daily market report"}, T0)
    assert reopened_titles == {"daily market report"}


def test_touch_refreshes_only_stale_records(store: Store) -> None:
    store.articles.remember([article(1), article(2, minutes=100)])
    later = T0 + timedelta(days=20)
    assert store.articles.touch({"key-1", "key-2", "key-9"}, later, T0 + timedelta(minutes=50)) == 1
    store.articles.prune(T0 + timedelta(days=1), later, 10)  # the cache goes; key-2's record ages out
    assert store.articles.seen({"key-1", "key-2"}) == {"key-1"}


def test_remember_caps_the_cache_in_the_same_write(store: Store, reopen: Callable[[Store], Store]) -> None:
    store.articles.remember([article(i, minutes=10 * i) for i in range(4)], cache_max=3)
    store.articles.remember([article(i, minutes=10 * i) for i in range(4, 7)], cache_max=3)
    # every story stays seen; the cache (/latest) holds the newest three, after a restart too
    assert store.articles.seen({f"key-{i}" for i in range(7)}) == {f"key-{i}" for i in range(7)}
    assert [a.key for a in store.articles.recent(T0, 50)] == ["key-6", "key-5", "key-4"]
    store.articles.remember([article(1, minutes=10)], cache_max=3)  # an old story again: not cached
    assert [a.key for a in reopen(store).articles.recent(T0, 50)] == ["key-6", "key-5", "key-4"]
