"""/digest, /timezone, /quiet and /snooze as slash commands: same meaning as in Telegram."""

from __future__ import annotations

import pytest

from bot.alerts.plan import rhythm_of
from bot.service import NewsService
from handlers.discord.commands import DiscordCommands
from storage import Store
from tests.discord.fakes import FakeInteraction
from tests.discord.test_commands import CHANNEL, DM, NOW, answer
from tests.support.clock import FakeClock
from tests.support.services import build_service


@pytest.fixture
def service(store: Store) -> NewsService:
    return build_service(store, FakeClock(NOW))


@pytest.fixture
def cmds(service: NewsService) -> DiscordCommands:
    return DiscordCommands(service)


async def test_digest_for_a_subscription_and_the_default(cmds: DiscordCommands, service: NewsService) -> None:
    service.subscribe(CHANNEL, "SOCAR")
    it = FakeInteraction()
    await cmds.digest_command(it, "daily 08:00", "SOCAR")  # type: ignore[arg-type]
    text, ephemeral = answer(it)
    assert text == "**socar**: daily at 08:00 digest (UTC time). Next one: 03 Mar 2026 08:00 UTC."
    assert not ephemeral  # the channel's setting: everyone there may see it
    assert rhythm_of(service.rhythm.settings(CHANNEL), "socar").key == "daily 08:00"
    it = FakeInteraction()
    await cmds.digest_command(it, "weekly mon 8:00", None, "dm")  # type: ignore[arg-type]
    text, ephemeral = answer(it)
    assert text.startswith("Subscriptions without a rhythm of their own: weekly on Monday") and ephemeral
    assert service.rhythm.settings(DM).default == "weekly mon 08:00"


async def test_refusals_are_shown_to_the_asker_with_examples(cmds: DiscordCommands) -> None:
    for call in (
        cmds.digest_command(it := FakeInteraction(), "sometimes"),  # type: ignore[arg-type]
        cmds.quiet_command(it2 := FakeInteraction(), "late"),  # type: ignore[arg-type]
        cmds.snooze_command(it3 := FakeInteraction(), "all", "forever"),  # type: ignore[arg-type]
        cmds.timezone_command(it4 := FakeInteraction(), "Mars/Olympus"),  # type: ignore[arg-type]
    ):
        await call
    assert "daily 08:00" in answer(it)[0] and answer(it)[1]
    assert "23:00-07:00" in answer(it2)[0]
    assert "2h" in answer(it3)[0]
    assert "Asia/Baku" in answer(it4)[0]


async def test_timezone_quiet_snooze_and_list(cmds: DiscordCommands, service: NewsService) -> None:
    service.subscribe(CHANNEL, "SOCAR")
    it = FakeInteraction()
    await cmds.timezone_command(it, "asia/baku")  # type: ignore[arg-type]
    assert "**Asia/Baku** (now 02 Mar 2026 16:00 +04)" in answer(it)[0]
    it = FakeInteraction()
    await cmds.quiet_command(it, "23:00-07:00")  # type: ignore[arg-type]
    assert "Quiet hours 23:00–07:00 (Asia/Baku time)" in answer(it)[0]
    it = FakeInteraction()
    await cmds.snooze_command(it, "SOCAR", "2h")  # type: ignore[arg-type]
    assert answer(it)[0].startswith("**socar** snoozed until 02 Mar 2026 18:00 +04")
    it = FakeInteraction()
    await cmds.list_command(it)  # type: ignore[arg-type]
    assert "SOCAR — instant (default) · snoozed until 02 Mar 2026 18:00 +04" in answer(it)[0]
    choices = await cmds.zone_autocomplete(FakeInteraction(), "baku")  # type: ignore[arg-type]
    assert [c.value for c in choices] == ["Asia/Baku"]
