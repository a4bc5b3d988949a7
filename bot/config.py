"""Settings from the environment, validated once by the entry point (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.logs import redact

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "data/newsbot.json"
DEFAULT_POLL_SECONDS = 300.0
MAX_POLL_SECONDS = 86400.0  # a day: beyond it a typo (1e12) would stop polling for good
MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export TELEGRAM_BOT_TOKEN=... "
    "(or set DISCORD_BOT_TOKEN; `newsbot demo` runs without any token)"
)


@dataclass(frozen=True, slots=True)
class Polling:
    """When sources are fetched (bot.ingest.schedule) and how politely; WebSub push."""

    min_seconds: float = 60.0
    max_seconds: float = 3600.0
    requests_per_minute: float | None = None  # None: one request per source per poll_seconds
    host_concurrency: int = 2
    host_interval_seconds: float = 0.0
    public_url: str | None = None  # WebSub callbacks: NEWSBOT_PUBLIC_URL + /websub/<id>


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_token: str | None
    telegram_api_url: str
    discord_token: str | None
    db_path: Path
    sources_path: Path | None  # None: the bundled list
    poll_seconds: float
    admins: frozenset[str]
    discord_admin_guilds: frozenset[int] | None  # None: Manage Server in any server may manage sources
    alert_max_age_seconds: float
    log_level: str
    burst: int = 5  # NEWSBOT_BURST: instant alerts a chat gets in one burst window, the rest folded
    burst_window_seconds: float = 600.0  # NEWSBOT_BURST_WINDOW
    http_host: str = "127.0.0.1"
    http_port: int | None = None  # None: no HTTP server unless a feature needs one
    open_groups: bool = False  # NEWSBOT_OPEN_GROUPS=1: any group member may change the group's alerts
    paid_broadcast: bool = False  # Telegram paid broadcasts: up to 1,000 msg/s, billed in Stars
    parse_workers: int = 0  # processes parsing feeds beside the event loop (0: a thread)
    polling: Polling = field(default_factory=lambda: Polling())

    def redact(self, text: str) -> str:
        """Remove secrets from text that is about to be logged or shown."""
        return redact(text, (self.telegram_token, self.discord_token))


def _positive_float(
    env: Mapping[str, str], name: str, default: float, minimum: float, maximum: float | None = None
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value >= minimum or value == float("inf"):
        raise ConfigError(f"{name} must be at least {minimum:g}, got {raw!r}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum:g} seconds (a day), got {raw!r}")
    return value


def db_path_problem(db_path: Path) -> str | None:
    """Why NEWSBOT_DB cannot be used, when a file stands where a directory must be."""
    if db_path.is_dir():
        return f"NEWSBOT_DB {db_path} is a directory; it must name a file, e.g. {db_path / 'newsbot.json'}"
    for parent in db_path.parents:
        if parent.exists():
            if not parent.is_dir():
                return (
                    f"NEWSBOT_DB {db_path}: cannot create the database directory: "
                    f"its parent {parent} is a file, not a directory"
                )
            return None
    return None


def _workers(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        # One core for the main process (fetching, the never-seen filter, matching: on a first round it
        # is busier than the parsing it hands out), the rest for parsing. On 2 cores a second parse
        # process found no core of its own (300-source first round: main 12 s of CPU, parsing 6 s in
        # all) and cost ~20-45 MB (bench_scale.py).
        cores = os.cpu_count() or 1
        return min(cores - 1, 4) if cores > 1 else 0
    if not raw.isdigit() or int(raw) > 64:
        raise ConfigError(f"{name} must be a number of processes from 0 to 64, got {raw!r}")
    return int(raw)


def _burst(env: Mapping[str, str]) -> int:
    raw = env.get("NEWSBOT_BURST", "").strip()
    if not raw:
        return 5
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"NEWSBOT_BURST must be a whole number of alerts, at least 1, got {raw!r}")
    return int(raw)


def _admins(raw: str) -> frozenset[str]:
    ids = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    bad = [i for i in ids if not i.lstrip("-").isdigit()]
    if bad:
        raise ConfigError(f"NEWSBOT_ADMINS must be comma-separated numeric Telegram user ids, got {bad[0]!r}")
    return frozenset(ids)


def _guilds(raw: str) -> frozenset[int] | None:
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        return None
    if not all(i.isdigit() for i in ids):
        raise ConfigError(f"DISCORD_ADMIN_GUILDS must be comma-separated numeric server ids, got {raw!r}")
    return frozenset(int(i) for i in ids)


def _port(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigError(f"NEWSBOT_HTTP_PORT must be a port number from 0 to 65535, got {raw!r}")
    return int(raw)


def _polling(env: Mapping[str, str], poll_seconds: float) -> Polling:
    low = _positive_float(env, "NEWSBOT_MIN_POLL_SECONDS", 60.0, 1.0, MAX_POLL_SECONDS)
    high = _positive_float(env, "NEWSBOT_MAX_POLL_SECONDS", 3600.0, 1.0, MAX_POLL_SECONDS)
    if high < min(low, poll_seconds):  # a poll interval below the minimum pulls the minimum down
        raise ConfigError(
            f"NEWSBOT_MAX_POLL_SECONDS ({high:g}) must be at least NEWSBOT_MIN_POLL_SECONDS ({low:g})"
        )
    rpm = env.get("NEWSBOT_REQUESTS_PER_MINUTE", "").strip()
    try:
        requests = float(rpm) if rpm else None
    except ValueError:
        requests = -1.0
    if requests is not None and not 0 < requests < float("inf"):
        raise ConfigError(f"NEWSBOT_REQUESTS_PER_MINUTE must be a positive number of requests, got {rpm!r}")
    concurrency = env.get("NEWSBOT_HOST_CONCURRENCY", "").strip() or "2"
    if not concurrency.isdigit() or not 1 <= int(concurrency) <= 100:
        raise ConfigError(
            f"NEWSBOT_HOST_CONCURRENCY must be a whole number from 1 to 100, got {concurrency!r}"
        )
    public = env.get("NEWSBOT_PUBLIC_URL", "").strip() or None
    if public is not None:
        parts = urlsplit(public)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ConfigError(
                "NEWSBOT_PUBLIC_URL must be the http(s) address the hubs reach this bot at, such as "
                f"https://bot.example.org, without query or fragment; got {public!r}"
            )
    return Polling(
        min_seconds=low,
        max_seconds=high,
        requests_per_minute=requests,
        host_concurrency=int(concurrency),
        host_interval_seconds=_positive_float(env, "NEWSBOT_HOST_INTERVAL_SECONDS", 0.0, 0.0, 3600.0),
        public_url=public.rstrip("/") if public else None,
    )


def load_settings(env: Mapping[str, str], *, require_token: bool = False) -> Settings:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    discord = env.get("DISCORD_BOT_TOKEN", "").strip() or None
    if require_token and not token and not discord:
        raise ConfigError(MISSING_TOKEN)
    api_url = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"TELEGRAM_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, got {api_url!r}"
        )
    sources = env.get("NEWSBOT_SOURCES", "").strip()
    level = env.get("NEWSBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"NEWSBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    poll_seconds = _positive_float(env, "NEWSBOT_POLL_SECONDS", DEFAULT_POLL_SECONDS, 1.0, MAX_POLL_SECONDS)
    return Settings(
        telegram_token=token,
        telegram_api_url=api_url,
        discord_token=discord,
        db_path=Path(env.get("NEWSBOT_DB", "").strip() or DEFAULT_DB),
        sources_path=Path(sources) if sources else None,
        poll_seconds=poll_seconds,
        admins=_admins(env.get("NEWSBOT_ADMINS", "")),
        discord_admin_guilds=_guilds(env.get("DISCORD_ADMIN_GUILDS", "")),
        alert_max_age_seconds=_positive_float(env, "NEWSBOT_ALERT_MAX_AGE", 24 * 3600.0, 60.0),
        log_level=level,
        http_host=env.get("NEWSBOT_HTTP_HOST", "").strip() or "127.0.0.1",
        http_port=_port(env.get("NEWSBOT_HTTP_PORT", "")),
        open_groups=_flag(env, "NEWSBOT_OPEN_GROUPS"),
        paid_broadcast=_flag(env, "NEWSBOT_PAID_BROADCAST"),
        parse_workers=_workers(env, "NEWSBOT_PARSE_WORKERS"),
        polling=_polling(env, poll_seconds),
        burst=_burst(env),
        burst_window_seconds=_positive_float(env, "NEWSBOT_BURST_WINDOW", 600.0, 1.0),
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "no", "false", "off"):
        return False
    if raw in ("1", "yes", "true", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
