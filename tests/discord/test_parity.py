"""Discord answers as Telegram's do, through the real adapter and Discord's HTTP edge (faked):
/latest "1–5 of 11" with a More button, the /subscribe preview, /unsubscribe all with its
confirmation, and "Subscribe to …" for plain words in a direct message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest

from bot.models import Article, ChatRef
from bot.service import NewsService
from handlers.discord.app import DiscordAdapter
from storage import Store
from tests.discord.fakes import FakeDiscord
from tests.discord.gateway import COMPONENT, MEMBER, SLASH, TOKEN, LiveDiscord, interaction, press, slash
from tests.support.clock import FakeClock
from tests.support.services import build_service

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHANNEL = ChatRef("discord", "777")
DM = ChatRef("discord-dm", "111")
DM_CHANNEL = 888
EPHEMERAL = 64
UPDATE_MESSAGE, CHANNEL_MESSAGE = 7, 4


@pytest.fixture
def service(store: Store) -> NewsService:
    return build_service(store, FakeClock(NOW))


@pytest.fixture
async def live(
    fake_discord: FakeDiscord, service: NewsService, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[LiveDiscord]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base + "/api/v10")
    adapter = DiscordAdapter(TOKEN, service, sync_commands=False)
    edge = LiveDiscord(fake_discord, adapter)
    await edge.start()
    yield edge
    await adapter.stop()


def stories(store: Store, n: int, word: str = "SOCAR") -> None:
    store.articles.remember(
        [
            Article(
                key=f"k{i}",
                source="Energy Wire",
                title=f"{word} story number {i}",
                url=f"https://example.com/{i}",
                published=NOW,
                text=f"{word} did thing number {i}.",
                fetched_at=NOW,
            )
            for i in range(n)
        ]
    )


def buttons_of(body: dict) -> list[tuple[str, str]]:
    rows = body["data"].get("components") or []
    return [(b["label"], b["custom_id"]) for row in rows for b in row["components"]]


async def test_latest_pages_five_at_a_time_with_a_more_button(live: LiveDiscord, store: Store) -> None:
    stories(store, 11)
    first = await live.answer(interaction(SLASH, slash("latest", query="SOCAR")))
    assert first["type"] == CHANNEL_MESSAGE and first["data"]["flags"] & EPHEMERAL
    assert first["data"]["content"] == "Latest stories matching **SOCAR**: 1–5 of 11"
    assert len(first["data"]["embeds"]) == 5
    [(label, more)] = buttons_of(first)
    assert label == "More (6)"
    second = await live.answer(interaction(COMPONENT, press(more)))
    assert second["data"]["content"] == "Latest stories matching **SOCAR**: 6–10 of 11"
    [(label, more)] = buttons_of(second)
    assert label == "More (1)"
    third = await live.answer(interaction(COMPONENT, press(more)))
    assert third["data"]["content"].endswith("11–11 of 11") and not buttons_of(third)
    titles = [e["title"] for body in (first, second, third) for e in body["data"]["embeds"]]
    assert len(set(titles)) == 11  # every story once


async def test_latest_never_promises_an_alert_a_chat_will_not_get(live: LiveDiscord) -> None:
    body = await live.answer(interaction(SLASH, slash("latest", query="zzzqqq")))
    text = body["data"]["content"]
    assert text.startswith("No stories matching **zzzqqq** in the last 3 days.") and "/subscribe" in text
    assert "alert will come" not in text


async def test_a_long_query_pages_too(live: LiveDiscord, store: Store) -> None:
    word = "Azerbaijan"
    stories(store, 7, word)
    query = " OR ".join([word] + [f"placeholderword{i}" for i in range(8)])
    body = await live.answer(interaction(SLASH, slash("latest", query=query)))
    [(_, more)] = buttons_of(body)
    assert len(more) <= 100 and "#" in more  # the query is too long for a custom_id: a token stands in
    again = await live.answer(interaction(COMPONENT, press(more)))
    assert again["data"]["content"].endswith("6–7 of 7")


async def test_subscribe_shows_what_the_query_would_have_found(live: LiveDiscord, store: Store) -> None:
    stories(store, 4)
    body = await live.answer(interaction(SLASH, slash("subscribe", query="SOCAR")))
    text = body["data"]["content"]
    assert text.startswith("Subscribed to **SOCAR**. Alerts will arrive in this channel.")
    assert "In the last 3 days it would have matched 4 of 4 stories:" in text
    assert "• [SOCAR story number 0](<https://example.com/0>)" in text and text.count("\n• [") == 3
    none = await live.answer(interaction(SLASH, slash("subscribe", query="Zanzibar")))
    assert "it would have matched no story" in none["data"]["content"]


async def test_unsubscribe_all_asks_first(live: LiveDiscord, service: NewsService) -> None:
    for query in ("SOCAR", "Gazprom"):
        service.subscribe(CHANNEL, query)
    ask = await live.answer(interaction(SLASH, slash("unsubscribe", query="all")))
    assert ask["data"]["content"] == "Remove all 2 subscriptions of this chat?"
    (yes_label, yes), (no_label, no) = buttons_of(ask)
    assert (yes_label, no_label) == ("Remove all 2", "Keep them")
    kept = await live.answer(interaction(COMPONENT, press(no)))
    assert kept["type"] == UPDATE_MESSAGE and kept["data"]["content"] == "Nothing was removed."
    assert len(service.subscriptions(CHANNEL)) == 2
    refused = await live.answer(interaction(COMPONENT, press(yes), user_id=222, permissions=MEMBER))
    assert "Manage Channels" in refused["data"]["content"] and refused["data"]["flags"] & EPHEMERAL
    assert len(service.subscriptions(CHANNEL)) == 2
    done = await live.answer(interaction(COMPONENT, press(yes)))
    assert done["type"] == UPDATE_MESSAGE and done["data"]["content"].startswith("Removed 2 subscriptions")
    assert done["data"]["components"] == []
    assert service.subscriptions(CHANNEL) == []


async def test_plain_words_in_a_dm_get_a_subscribe_button(live: LiveDiscord, service: NewsService) -> None:
    offer = await live.dm(DM_CHANNEL, "SOCAR")
    assert offer["content"].startswith("Do you want alerts for **SOCAR**?")
    assert offer["allowed_mentions"] == {"parse": []}
    [row] = offer["components"]
    [button] = row["components"]
    assert button["label"] == "Subscribe to SOCAR"
    in_dm = interaction(COMPONENT, press(button["custom_id"]), guild_id=None, channel_id=DM_CHANNEL)
    done = await live.answer(in_dm)
    assert done["type"] == UPDATE_MESSAGE and done["data"]["content"].startswith("Subscribed to **SOCAR**.")
    assert service.subscriptions(DM) == ["SOCAR"]
    again = await live.dm(DM_CHANNEL, "socar")
    assert again["content"].startswith("You already get alerts for **SOCAR**") and not again.get("components")
    for chatter in ("hello there", "what does this bot do for me exactly", "/subscribe SOCAR", ""):
        hint = await live.dm(DM_CHANNEL, chatter)
        assert "/help" in hint["content"] and not hint.get("components"), chatter


async def test_every_press_is_answered_even_an_outdated_one(live: LiveDiscord) -> None:
    for custom_id in ("nb:more:5:c:#0123456789abcdef", "nb:whatever", "nb:more:x:c:SOCAR"):
        body = await live.answer(interaction(COMPONENT, press(custom_id)))
        assert "no longer works" in body["data"]["content"] and body["data"]["flags"] & EPHEMERAL


async def test_a_press_is_answered_in_the_pressers_language(live: LiveDiscord, store: Store) -> None:
    stories(store, 7)
    first = await live.answer(interaction(SLASH, slash("latest", query="SOCAR"), locale="ru"))
    [(label, more)] = buttons_of(first)
    assert label == "Ещё (2)"
    second = await live.answer(interaction(COMPONENT, press(more), locale="ru"))
    assert "6–7" in second["data"]["content"] and "SOCAR" in second["data"]["content"]
    assert not second["data"]["content"].startswith("Latest stories")
