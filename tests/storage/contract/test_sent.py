"""Contract of SentRepo: each delivered alert's message id per (chat, event), kept across restarts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from bot.models import SentAlert
from storage import Store
from tests.storage.conftest import ALICE, BOB, T0, alert


def test_record_get_replace_and_prune(store: Store) -> None:
    assert store.sent is not None
    first = SentAlert(alert(ALICE, 1, event="ev-1"), "501", T0)
    store.sent.record(first)
    store.sent.record(SentAlert(alert(BOB, 2), "77", T0 + timedelta(hours=1)))
    assert store.sent.get(ALICE, "ev-1") == first
    assert store.sent.get(BOB, "key-2").message_id == "77"  # no event: its own story is the event
    assert store.sent.get(BOB, "ev-1") is None
    edited = replace(first, alert=replace(first.alert, also=(("AP", "https://ap.example/x"),)))
    store.sent.record(edited)
    assert store.sent.get(ALICE, "ev-1") == edited
    assert store.sent.prune(T0 + timedelta(minutes=30)) == 1
    assert store.sent.get(ALICE, "ev-1") is None and store.sent.get(BOB, "key-2") is not None


def test_records_survive_a_restart(store: Store, reopen: Callable[[Store], Store]) -> None:
    assert store.sent is not None
    sent = SentAlert(alert(ALICE, 1, event="ev-1", also=(("Reuters", "https://r.example/1"),)), "9", T0)
    store.sent.record(sent)
    again = reopen(store)
    assert again.sent is not None and again.sent.get(ALICE, "ev-1") == sent
