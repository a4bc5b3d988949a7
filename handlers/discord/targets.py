"""Webhook targets from the operator's TOML file, and their subscriptions kept in step with it.

    [[webhook]]
    name = "energy-desk"                      # stable id: alerts go to ChatRef("webhook", name)
    url_env = "ENERGY_DESK_WEBHOOK"           # or: url = "https://discord.com/api/webhooks/<id>/<token>"
    queries = ["SOCAR", "\\"Caspian Sea\\"", "Gazprom OR Rosneft"]

The file is the truth: at start-up each target's subscriptions become exactly its
`queries`, and targets that left the file lose theirs.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ConfigError, NewsbotError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.discord.webhook import PLATFORM

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_HOSTS = frozenset({"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"})
_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/\d{15,25}/[A-Za-z0-9_-]{20,200}")


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    name: str
    url: str
    queries: tuple[str, ...]

    @property
    def chat(self) -> ChatRef:
        return ChatRef(PLATFORM, self.name)

    def __repr__(self) -> str:  # the URL carries the webhook's secret token
        return f"WebhookTarget(name={self.name!r}, queries={self.queries!r})"


def check_webhook_url(url: str, where: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or parts.hostname not in _HOSTS or not _PATH.fullmatch(parts.path):
        # never echo the URL: it contains the token
        raise ConfigError(
            f"{where}: url must be a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)"
        )
    return f"https://{parts.hostname}{parts.path}"


def parse_webhook_targets(data: Mapping[str, Any], env: Mapping[str, str]) -> list[WebhookTarget]:
    entries = data.get("webhook", [])
    if not isinstance(entries, list):
        raise ConfigError("webhook must be an array of tables: [[webhook]]")
    targets: list[WebhookTarget] = []
    for i, entry in enumerate(entries, 1):
        where = f"webhook #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-'")
        where = f"webhook {name!r}"
        if any(t.name == name for t in targets):
            raise ConfigError(f"{where} is defined twice")
        url = entry.get("url")
        if "url_env" in entry:
            var = entry["url_env"]
            url = env.get(var, "").strip() if isinstance(var, str) else None
            if not url:
                raise ConfigError(f"{where}: environment variable {var} (url_env) is not set")
        if not isinstance(url, str):
            raise ConfigError(f"{where}: set url or url_env")
        queries = entry.get("queries", [])
        if not isinstance(queries, list) or not all(isinstance(q, str) and q.strip() for q in queries):
            raise ConfigError(f"{where}: queries must be a list of non-empty strings")
        targets.append(WebhookTarget(name, check_webhook_url(url, where), tuple(queries)))
    return targets


def load_webhook_targets(path: Path, env: Mapping[str, str]) -> list[WebhookTarget]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_webhook_targets(data, env)


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int = 0
    removed: int = 0


def sync_webhook_targets(service: NewsService, targets: list[WebhookTarget]) -> SyncReport:
    """Make each target's stored subscriptions equal its configured queries."""
    added = removed = 0
    wanted: dict[ChatRef, set[str]] = {}
    for target in targets:
        keep: set[str] = set()
        for text in target.queries:
            try:
                result = service.subscribe(target.chat, text)
            except NewsbotError as exc:
                raise ConfigError(f"webhook {target.name!r}: query {text!r}: {exc}") from None
            keep.add(result.query)
            added += result.created
        wanted[target.chat] = keep
        service.reactivate(target.chat)  # the operator vouches for the URL again (e.g. replaced after a 404)
    stored = {s.chat for s in service.repos.subscriptions.all() if s.chat.platform == PLATFORM}
    for chat in stored | set(wanted):
        for query in service.subscriptions(chat):
            if query not in wanted.get(chat, set()):
                service.unsubscribe(chat, query)
                removed += 1
    return SyncReport(added, removed)
