from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.discord.fakes import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()
