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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.models import ChatRef
from bot.service import NewsService
from handlers.common.targets import read_toml, sync_queries, table_queries, target_tables
from handlers.discord.webhook import PLATFORM

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
    targets: list[WebhookTarget] = []
    for name, where, entry in target_tables(data, "webhook", "webhook"):
        url = entry.get("url")
        if "url_env" in entry:
            var = entry["url_env"]
            url = env.get(var, "").strip() if isinstance(var, str) else None
            if not url:
                raise ConfigError(f"{where}: environment variable {var} (url_env) is not set")
        if not isinstance(url, str):
            raise ConfigError(f"{where}: set url or url_env")
        targets.append(WebhookTarget(name, check_webhook_url(url, where), table_queries(entry, where)))
    return targets


def load_webhook_targets(path: Path, env: Mapping[str, str]) -> list[WebhookTarget]:
    return parse_webhook_targets(read_toml(path), env)


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int = 0
    removed: int = 0


def sync_webhook_targets(service: NewsService, targets: list[WebhookTarget]) -> SyncReport:
    """Make each target's stored subscriptions equal its configured queries; targets that left
    the file lose theirs."""
    added = removed = 0
    for target in targets:
        more, fewer = sync_queries(service, target.chat, target.queries, f"webhook {target.name!r}")
        added, removed = added + more, removed + fewer
    wanted = {target.chat for target in targets}
    stored = {s.chat for s in service.repos.subscriptions.all() if s.chat.platform == PLATFORM}
    for chat in stored - wanted:
        for query in service.subscriptions(chat):
            service.unsubscribe(chat, query)
            removed += 1
    return SyncReport(added, removed)
