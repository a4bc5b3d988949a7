"""Every environment variable newsbot reads, with its default and meaning.

One table for `newsbot run --help` and the README's configuration table; a test checks that
every variable the code reads is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    default: str
    meaning: str


_V = Variable
ENVIRONMENT: tuple[Variable, ...] = (
    _V("TELEGRAM_BOT_TOKEN", "none (required for Telegram)", "the bot token from @BotFather"),
    _V("TELEGRAM_API_URL", "https://api.telegram.org/bot", "Bot API base URL (a self-hosted Bot API)"),
    _V("DISCORD_BOT_TOKEN", "none", "run the Discord bot too (or alone)"),
    _V("DISCORD_ADMIN_GUILDS", "any server", "Discord server ids whose managers may manage sources"),
    _V("NEWSBOT_DB", "data/newsbot.json", "the database file; the store's other files live beside it"),
    _V("NEWSBOT_SOURCES", "the bundled list", "a TOML file of [[sources]] tables with name and url"),
    _V("NEWSBOT_POLL_SECONDS", "300", "a new source's interval until its rhythm is known, 1 to 86400"),
    _V("NEWSBOT_MIN_POLL_SECONDS", "60", "shortest adaptive interval (follows POLL_SECONDS down)"),
    _V("NEWSBOT_MAX_POLL_SECONDS", "3600", "longest adaptive interval (quiet feeds, pushed feeds)"),
    _V("NEWSBOT_REQUESTS_PER_MINUTE", "sources x 60 / POLL_SECONDS", "global feed request budget"),
    _V("NEWSBOT_HOST_CONCURRENCY", "2", "feed requests in flight per host, 1 to 100"),
    _V("NEWSBOT_HOST_INTERVAL_SECONDS", "0", "least seconds between two request starts to one host"),
    _V("NEWSBOT_PUBLIC_URL", "unset: no push", "WebSub: the http(s) address hubs reach the bot at"),
    _V("NEWSBOT_ADMINS", "none", "Telegram user ids (comma-separated) who manage sources, see /stats"),
    _V("NEWSBOT_OPEN_GROUPS", "0", "1: any group member may change the group's alerts (else its admins)"),
    _V("NEWSBOT_ALERT_MAX_AGE", "86400", "seconds after which an unsent alert is dropped, not sent late"),
    _V("NEWSBOT_BURST", "5", "instant alerts a chat gets in one burst window; the rest come folded"),
    _V("NEWSBOT_BURST_WINDOW", "600", "seconds a burst window lasts"),
    _V("NEWSBOT_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    _V("NEWSBOT_HTTP_HOST", "127.0.0.1", "address of the HTTP server; 0.0.0.0 in Docker"),
    _V("NEWSBOT_HTTP_PORT", "unset: no HTTP server", "HTTP server port (/healthz, /metrics); 8080 for push"),
    _V("NEWSBOT_PAID_BROADCAST", "0", "1: Telegram paid broadcasts, 1,000 alerts/s, billed in Stars"),
    _V("NEWSBOT_PARSE_WORKERS", "CPU cores - 1, at most 4", "processes parsing feeds; 0: a thread"),
)  # fmt: skip


def help_text() -> str:
    """The environment as `newsbot run --help` shows it."""
    width = max(len(v.name) for v in ENVIRONMENT)
    lines = ["environment variables (default, meaning):"]
    for v in ENVIRONMENT:
        lines.append(f"  {v.name:<{width}}  {v.meaning} (default: {v.default})")
    return "\n".join(lines)
