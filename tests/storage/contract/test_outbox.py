"""Contract of OutboxRepo: order, update, complete, replay after a restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.models import ChatRef
from storage import Store
from tests.storage.conftest import ALICE, BOB, T0, alert


def test_enqueue_keeps_order_and_skips_pending_ids(store: Store) -> None:
    first = [alert(ALICE, 1), alert(BOB, 1), alert(ALICE, 2)]
    assert store.outbox.enqueue(first) == 3
    assert store.outbox.enqueue([alert(ALICE, 2, title="again"), alert(ALICE, 3), alert(ALICE, 3)]) == 1
    assert [a.id for a in store.outbox.pending()] == [a.id for a in first] + [alert(ALICE, 3).id]
    assert store.outbox.pending()[2].title == alert(ALICE, 2).title
    assert store.outbox.enqueue([]) == 0


def test_update_replaces_in_place_and_complete_removes(store: Store) -> None:
    store.outbox.enqueue([alert(ALICE, 1), alert(ALICE, 2)])
    retried = alert(ALICE, 1, attempts=2, next_attempt=T0 + timedelta(seconds=30), plain=True)
    store.outbox.update(retried)
    store.outbox.update(alert(BOB, 9, attempts=1))  # not pending: nothing to replace
    assert store.outbox.pending() == [retried, alert(ALICE, 2)]
    store.outbox.complete(retried.id)
    store.outbox.complete("telegram:1|unknown")
    assert store.outbox.pending() == [alert(ALICE, 2)]
    assert store.outbox.enqueue([alert(ALICE, 1)]) == 1  # a completed id may come again


def test_discard_and_move_chat(store: Store, reopen: Callable[[Store], Store]) -> None:
    group, supergroup = ChatRef("telegram", "-1"), ChatRef("telegram", "-1001")
    store.outbox.enqueue(
        [alert(group, 1), alert(ALICE, 1), alert(group, 2), alert(supergroup, 2), alert(BOB, 1)]
    )
    assert store.outbox.move_chat(group, supergroup) == 1  # story 2 is already queued for the new id
    assert [a.id for a in store.outbox.pending()] == [
        alert(supergroup, 1).id,
        alert(ALICE, 1).id,
        alert(supergroup, 2).id,
        alert(BOB, 1).id,
    ]
    assert store.outbox.discard_chat(BOB) == 1
    assert store.outbox.discard_chat(BOB) == 0
    expected = store.outbox.pending()
    again = reopen(store)
    assert again.outbox.pending() == expected
