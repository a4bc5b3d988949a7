"""Telegram targets from the operator's sources file, and their subscriptions kept in step with it.

    [[telegram]]
    name = "energy-channel"      # a label for logs and errors
    chat = "@energy_news"        # a channel's @username, or a numeric chat id (-1001234567890)
    queries = ["SOCAR", "Gazprom OR Rosneft"]

At start-up each target's subscriptions become exactly its `queries`. The bot must be an
admin of the channel (or a member of the group) to post there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.common.targets import read_toml, sync_queries, table_queries, target_tables
from handlers.telegram.notifier import telegram_chat

_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_KEYS = ("name", "chat", "queries")


@dataclass(frozen=True, slots=True)
class TelegramTarget:
    name: str
    chat: ChatRef
    queries: tuple[str, ...]


def _chat(value: object, where: str) -> ChatRef:
    if isinstance(value, int) and not isinstance(value, bool):
        return telegram_chat(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return telegram_chat(int(text))
        if _USERNAME.fullmatch(text):
            return telegram_chat(text)
    raise ConfigError(f'{where}: chat must be a channel\'s "@username" or a numeric chat id')


def parse_telegram_targets(data: Mapping[str, Any]) -> list[TelegramTarget]:
    targets: list[TelegramTarget] = []
    for name, where, entry in target_tables(data, "telegram", "telegram target", _KEYS):
        chat = _chat(entry.get("chat"), where)
        if any(t.chat == chat for t in targets):
            raise ConfigError(f"{where}: chat {chat.id} is already the target of another [[telegram]] table")
        targets.append(TelegramTarget(name, chat, table_queries(entry, where)))
    return targets


def load_telegram_targets(path: Path) -> list[TelegramTarget]:
    return parse_telegram_targets(read_toml(path))


def sync_telegram_targets(service: NewsService, targets: list[TelegramTarget]) -> tuple[int, int]:
    """Make each target's stored subscriptions equal its configured queries: (added, removed)."""
    added = removed = 0
    for target in targets:
        more, fewer = sync_queries(service, target.chat, target.queries, f"telegram target {target.name!r}")
        added, removed = added + more, removed + fewer
    return added, removed
