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
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ConfigError, NewsbotError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.telegram.notifier import telegram_chat

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_KEYS = frozenset({"name", "chat", "queries"})


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
    entries = data.get("telegram", [])
    if not isinstance(entries, list):
        raise ConfigError("telegram must be an array of tables: [[telegram]]")
    targets: list[TelegramTarget] = []
    for i, entry in enumerate(entries, 1):
        where = f"telegram target #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: name, chat, queries)")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-'")
        where = f"telegram target {name!r}"
        if any(t.name == name for t in targets):
            raise ConfigError(f"{where} is defined twice")
        chat = _chat(entry.get("chat"), where)
        if any(t.chat == chat for t in targets):
            raise ConfigError(f"{where}: chat {chat.id} is already the target of another [[telegram]] table")
        queries = entry.get("queries", [])
        if not isinstance(queries, list) or not all(isinstance(q, str) and q.strip() for q in queries):
            raise ConfigError(f"{where}: queries must be a list of non-empty strings")
        targets.append(TelegramTarget(name, chat, tuple(queries)))
    return targets


def load_telegram_targets(path: Path) -> list[TelegramTarget]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_telegram_targets(data)


def sync_telegram_targets(service: NewsService, targets: list[TelegramTarget]) -> tuple[int, int]:
    """Make each target's stored subscriptions equal its configured queries: (added, removed)."""
    added = removed = 0
    for target in targets:
        keep: set[str] = set()
        for text in target.queries:
            try:
                result = service.subscribe(target.chat, text)
            except NewsbotError as exc:
                raise ConfigError(f"telegram target {target.name!r}: query {text!r}: {exc}") from None
            keep.add(result.query)
            added += result.created
        for query in service.subscriptions(target.chat):
            if query not in keep:
                service.unsubscribe(target.chat, query)
                removed += 1
        service.reactivate(target.chat)  # the operator vouches for the chat again
    return added, removed
