"""Targets the operator declares in the sources file (``[[telegram]]`` chats, ``[[webhook]]``
Discord webhooks): what every platform's tables share — reading the file, each table's name
and queries — and keeping a target's stored subscriptions equal to its queries."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.errors import ConfigError, NewsbotError
from bot.models import ChatRef
from bot.service import NewsService

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def target_tables(
    data: Mapping[str, Any], key: str, label: str, allowed: tuple[str, ...] | None = None
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each ``[[key]]`` table as (name, where, table), checked: a table (with only `allowed`
    keys, when given) whose name is valid and used once. `where` names the table in errors."""
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise ConfigError(f"{key} must be an array of tables: [[{key}]]")
    names: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = f"{label} #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = sorted(set(entry) - set(allowed)) if allowed is not None else []
        if unknown:
            keys = ", ".join(allowed or ())
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {keys})")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-'")
        where = f"{label} {name!r}"
        if name in names:
            raise ConfigError(f"{where} is defined twice")
        names.add(name)
        yield name, where, entry


def table_queries(entry: Mapping[str, Any], where: str) -> tuple[str, ...]:
    queries = entry.get("queries", [])
    if not isinstance(queries, list) or not all(isinstance(q, str) and q.strip() for q in queries):
        raise ConfigError(f"{where}: queries must be a list of non-empty strings")
    return tuple(queries)


def sync_queries(
    service: NewsService, chat: ChatRef, queries: tuple[str, ...], where: str
) -> tuple[int, int]:
    """Make the chat's stored subscriptions exactly `queries`: (added, removed)."""
    added = removed = 0
    keep: set[str] = set()
    for text in queries:
        try:
            result = service.subscribe(chat, text)
        except NewsbotError as exc:
            raise ConfigError(f"{where}: query {text!r}: {exc}") from None
        keep.add(result.query)
        added += result.created
    for query in service.subscriptions(chat):
        if query not in keep:
            service.unsubscribe(chat, query)
            removed += 1
    service.reactivate(
        chat
    )  # the operator vouches for the target again (e.g. a webhook URL replaced after a 404)
    return added, removed
