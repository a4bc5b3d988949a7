"""`[[telegram]]` targets in the sources file: parsed strictly, synced to exactly their queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.models import ChatRef
from handlers.telegram.targets import load_telegram_targets, parse_telegram_targets, sync_telegram_targets
from tests.support.clock import FakeClock
from tests.support.services import build_service


def test_targets_by_username_or_numeric_id(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "A"\nurl = "https://a.example/rss"\n\n'
        '[[telegram]]\nname = "energy"\nchat = "@energy_news"\nqueries = ["SOCAR", "Gazprom OR Rosneft"]\n\n'
        '[[telegram]]\nname = "desk"\nchat = -1001234567890\nqueries = []\n'
    )
    energy, desk = load_telegram_targets(path)
    assert energy.chat == ChatRef("telegram", "@energy_news") and energy.queries == (
        "SOCAR",
        "Gazprom OR Rosneft",
    )
    assert desk.chat == ChatRef("telegram", "-1001234567890") and desk.queries == ()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"name": "x", "chat": "energy"}, "chat must be"),
        ({"name": "x", "chat": "@ab"}, "chat must be"),
        ({"name": "x", "chat": True}, "chat must be"),
        ({"name": "bad name", "chat": "@energy_news"}, "name must be"),
        ({"name": "x", "chat": "@energy_news", "queries": "SOCAR"}, "queries must be"),
        ({"name": "x", "chat": "@energy_news", "url": "y"}, "unknown key"),
    ],
)
def test_bad_targets_are_named(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_telegram_targets({"telegram": [table]})
    with pytest.raises(ConfigError, match="twice"):
        parse_telegram_targets({"telegram": [{"name": "a", "chat": 1}, {"name": "a", "chat": 2}]})


def test_sync_makes_the_subscriptions_exactly_the_queries(store: Any, clock: FakeClock) -> None:
    service = build_service(store, clock)
    [target] = parse_telegram_targets(
        {"telegram": [{"name": "e", "chat": "@energy_news", "queries": ["SOCAR", "BP"]}]}
    )
    assert sync_telegram_targets(service, [target]) == (2, 0)
    [changed] = parse_telegram_targets(
        {"telegram": [{"name": "e", "chat": "@energy_news", "queries": ["socar"]}]}
    )
    assert sync_telegram_targets(service, [changed]) == (0, 1)
    assert service.subscriptions(ChatRef("telegram", "@energy_news")) == ["SOCAR"]
    with pytest.raises(ConfigError, match="query"):
        sync_telegram_targets(
            service, parse_telegram_targets({"telegram": [{"name": "e", "chat": 5, "queries": ["OR"]}]})
        )
