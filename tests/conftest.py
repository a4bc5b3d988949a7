"""Fixtures shared by every test folder: a fixed clock, a real TinyDB store in tmp_path, and the
loopback servers that stand in for Telegram's Bot API and for remote feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Store, open_store
from tests.e2e.harness import TOKEN
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "newsbot.json")
    yield opened
    opened.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
