"""Contract of SubscriptionRepo and ChatRepo."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from bot.models import ChatRef, ChatState, Subscription
from storage import Store
from tests.storage.conftest import ALICE, BOB, T0


def sub(chat: ChatRef, query: str, minutes: int = 0) -> Subscription:
    return Subscription(chat, query, T0 + timedelta(minutes=minutes))


def test_add_is_idempotent_per_chat_and_query(store: Store) -> None:
    assert store.subscriptions.add(sub(ALICE, "socar"))
    assert not store.subscriptions.add(sub(ALICE, "socar", minutes=5))
    assert store.subscriptions.add(sub(BOB, "socar"))
    assert store.subscriptions.for_chat(ALICE) == [sub(ALICE, "socar")]  # the first one is kept
    assert len(store.subscriptions.all()) == 2


def test_for_chat_is_oldest_first_and_all_lists_everyone(store: Store) -> None:
    for i, query in enumerate(["b", "a", "c"]):
        store.subscriptions.add(sub(ALICE, query, minutes=i))
    store.subscriptions.add(sub(BOB, "z"))
    assert [s.query for s in store.subscriptions.for_chat(ALICE)] == ["b", "a", "c"]
    assert [s.query for s in store.subscriptions.all()] == ["b", "a", "c", "z"]
    assert store.subscriptions.for_chat(ChatRef("discord", "100")) == []  # platform is part of identity


def test_remove(store: Store) -> None:
    store.subscriptions.add(sub(ALICE, "socar"))
    assert not store.subscriptions.remove(ALICE, "gazprom")
    assert not store.subscriptions.remove(BOB, "socar")
    assert store.subscriptions.remove(ALICE, "socar")
    assert not store.subscriptions.remove(ALICE, "socar")
    assert store.subscriptions.for_chat(ALICE) == []
    assert store.subscriptions.add(sub(ALICE, "socar"))  # can subscribe again


def test_subscriptions_survive_reopen_with_exact_values(
    store: Store, reopen: Callable[[Store], Store]
) -> None:
    store.subscriptions.add(sub(ALICE, '"caspian sea"'))
    store.subscriptions.add(sub(BOB, "gazprom OR rosneft", minutes=1))
    store.subscriptions.add(sub(ALICE, "tmp"))
    store.subscriptions.remove(ALICE, "tmp")
    again = reopen(store)
    assert again.subscriptions.all() == [
        sub(ALICE, '"caspian sea"'),
        sub(BOB, "gazprom OR rosneft", minutes=1),
    ]
    assert again.subscriptions.all()[0].created.tzinfo is not None
    assert not again.subscriptions.add(sub(ALICE, '"caspian sea"'))  # the index is rebuilt at load
    assert again.subscriptions.add(sub(ALICE, "tmp"))


def test_move_chat_merges_without_duplicates(store: Store, reopen: Callable[[Store], Store]) -> None:
    group, supergroup = ChatRef("telegram", "-1"), ChatRef("telegram", "-1001")
    store.subscriptions.add(sub(group, "socar"))
    store.subscriptions.add(sub(group, "bp", minutes=1))
    store.subscriptions.add(sub(supergroup, "bp", minutes=2))
    assert store.subscriptions.move_chat(group, supergroup) == 1
    assert store.subscriptions.for_chat(group) == []
    assert sorted(s.query for s in store.subscriptions.for_chat(supergroup)) == ["bp", "socar"]
    assert store.subscriptions.move_chat(group, supergroup) == 0
    again = reopen(store)
    assert again.subscriptions.for_chat(group) == []
    assert sorted(s.query for s in again.subscriptions.for_chat(supergroup)) == ["bp", "socar"]
    assert all(s.chat == supergroup for s in again.subscriptions.all())


def test_chat_state_defaults_saves_and_reloads(store: Store, reopen: Callable[[Store], Store]) -> None:
    assert store.chats.get(ALICE) == ChatState(ALICE, active=True, paused=False)
    assert store.chats.all() == []
    store.chats.save(ChatState(ALICE, paused=True))
    store.chats.save(ChatState(BOB, active=False))
    store.chats.save(ChatState(ALICE, paused=False))
    again = reopen(store)
    assert again.chats.get(ALICE) == ChatState(ALICE)
    assert again.chats.get(BOB) == ChatState(BOB, active=False)
    assert sorted(s.chat.key for s in again.chats.all()) == [ALICE.key, BOB.key]


def test_a_long_mix_of_changes_survives_restarts_exactly(
    store: Store, reopen: Callable[[Store], Store]
) -> None:
    """Adds, removes, re-adds, moves and chat states in any order: what a restart (or two) sees
    is exactly what was acknowledged (a journaling backend replays, then compacts)."""
    rng = random.Random(14)
    chats = [ChatRef("telegram", str(i)) for i in range(6)]
    expected: dict[str, list[str]] = {c.key: [] for c in chats}
    states: dict[str, ChatState] = {}
    for step in range(300):
        chat = rng.choice(chats)
        roll = rng.random()
        if roll < 0.55:
            query = f"q{rng.randrange(12)}"
            assert store.subscriptions.add(sub(chat, query, step)) == (query not in expected[chat.key])
            if query not in expected[chat.key]:
                expected[chat.key].append(query)
        elif roll < 0.85 and expected[chat.key]:
            query = rng.choice(expected[chat.key])
            assert store.subscriptions.remove(chat, query)
            expected[chat.key].remove(query)
        elif roll < 0.92:
            target = rng.choice(chats)
            if target != chat:
                store.subscriptions.move_chat(chat, target)
                kept = expected[target.key]
                kept.extend(q for q in expected[chat.key] if q not in kept)
                expected[chat.key] = []
        else:
            state = ChatState(chat, paused=rng.random() < 0.5, images=rng.random() < 0.5)
            store.chats.save(state)
            states[chat.key] = state
        if step in (100, 200):
            store = reopen(store)
    for again in (reopen(store),):
        again = reopen(again)
        for chat in chats:
            assert sorted(s.query for s in again.subscriptions.for_chat(chat)) == sorted(expected[chat.key])
            assert again.chats.get(chat) == states.get(chat.key, ChatState(chat))
        assert len(again.subscriptions.all()) == sum(map(len, expected.values()))
