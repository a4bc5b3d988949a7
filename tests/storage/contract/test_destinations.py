"""Contract: what issue 16 adds to the records survives a restart: topics in chat keys, a chat's
images/binding/removal, a story's and an alert's picture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.models import ChatRef, ChatState, Subscription
from storage import Store
from tests.storage.conftest import T0, alert, article

TOPIC = ChatRef("telegram", "-100777", "77")


def test_chat_settings_and_topics_survive_a_restart(store: Store, reopen: Callable[[Store], Store]) -> None:
    channel = ChatRef("telegram", "-1009")
    store.chats.save(ChatState(ChatRef("telegram", "5"), images=False, bound=channel.key))
    store.chats.save(ChatState(TOPIC, active=False, removed_at=T0))
    store.subscriptions.add(Subscription(TOPIC, "socar", T0))
    store.outbox.enqueue([alert(TOPIC, 1, image="https://img.example/a.jpg")])
    store.articles.remember([replace(article(1), image="https://img.example/b.jpg")])
    again = reopen(store)
    mine = again.chats.get(ChatRef("telegram", "5"))
    assert not mine.images and mine.bound == channel.key and mine.removed_at is None
    topic = again.chats.get(TOPIC)
    assert topic.removed_at == T0 and not topic.active and topic.images
    assert again.subscriptions.for_chat(TOPIC)[0].chat == TOPIC
    assert again.subscriptions.for_chat(TOPIC.whole) == []
    [pending] = again.outbox.pending()
    assert pending.chat == TOPIC and pending.image == "https://img.example/a.jpg"
    [cached] = again.articles.recent(T0.replace(year=2000), 5)
    assert cached.image == "https://img.example/b.jpg"


def test_turning_a_setting_back_is_stored_too(store: Store, reopen: Callable[[Store], Store]) -> None:
    chat = ChatRef("telegram", "6")
    store.chats.save(ChatState(chat, images=False, bound="telegram:-1", removed_at=T0))
    store.chats.save(ChatState(chat))
    assert reopen(store).chats.get(chat) == ChatState(chat)
