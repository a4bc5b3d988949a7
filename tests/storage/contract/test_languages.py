"""Contract: a chat's language (its /language choice and its platform's) survives a restart, and
rows stored before issue 15 (without either) still load."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from bot.languages import ChatLanguages
from bot.models import ChatRef, ChatState
from storage import Store
from storage.codec import chat_from
from tests.storage.conftest import alert

ALICE = ChatRef("telegram", "5")
TOPIC = ChatRef("telegram", "-100777", "77")


def test_a_chats_language_survives_a_restart(store: Store, reopen: Callable[[Store], Store]) -> None:
    languages = ChatLanguages(store.chats)
    languages.note_platform(ALICE, "ru")
    languages.choose(TOPIC, "de")  # a forum's topics share their chat's language
    store.outbox.enqueue([replace(alert(ALICE, 1), lang="ru")])
    again = reopen(store)
    state = again.chats.get(ALICE)
    assert (state.language, state.platform_language) == ("", "ru")
    assert ChatLanguages(again.chats).of(ALICE) == "ru"
    assert ChatLanguages(again.chats).of(TOPIC) == "de" == again.chats.get(TOPIC.whole).language
    [pending] = again.outbox.pending()
    assert pending.lang == "ru"


def test_choosing_automatic_again_is_stored(store: Store, reopen: Callable[[Store], Store]) -> None:
    languages = ChatLanguages(store.chats)
    languages.choose(ALICE, "uk")
    assert languages.choose(ALICE, "") is True
    assert languages.choose(ALICE, "") is False  # no change, no write
    assert reopen(store).chats.get(ALICE) == ChatState(ALICE)


def test_rows_stored_before_languages_still_load() -> None:
    old = json.loads('{"chat": "telegram:5", "active": true, "paused": false, "images": true}')
    assert chat_from(old) == ChatState(ALICE)
