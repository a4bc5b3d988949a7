"""/stats on Discord: for server managers, the same figures as on Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import ChatRef, Source, SourceState, Subscription
from handlers.discord.commands import DiscordCommands
from storage import Store
from tests.discord.fakes import FakeInteraction
from tests.support.clock import FakeClock
from tests.support.services import build_service

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FEED = Source("Energy Wire", "https://example.com/feed.xml")


async def test_stats_for_managers_only(store: Store) -> None:
    service = build_service(store, FakeClock(NOW), config_sources=[FEED])
    cmds = DiscordCommands(service)
    store.subscriptions.add(Subscription(ChatRef("discord", "777"), "socar", NOW))
    store.sources.save_states([SourceState(FEED.url, last_success=NOW)])
    service.sent_log.observe_drain(sent=3, retried=0, dropped=0)
    denied = FakeInteraction()
    await cmds.stats_command(denied)  # type: ignore[arg-type]
    assert denied.answers[0]["content"] == "Only the bot's admins can see /stats."
    it = FakeInteraction(manage_guild=True)
    await cmds.stats_command(it)  # type: ignore[arg-type]
    [message] = it.answers
    text = message["content"]
    assert message["ephemeral"] and message["allowed_mentions"].to_dict()["parse"] == []
    assert "Subscriptions: 1" in text and "1 healthy, 0 failing" in text and ": 3" in text
