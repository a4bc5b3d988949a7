from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, load_settings
from bot.errors import ConfigError


def test_defaults() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": "1:x"})
    assert s.telegram_api_url == DEFAULT_API_URL and s.db_path == Path("data/newsbot.json")
    assert s.poll_seconds == 300 and s.sources_path is None and s.admins == frozenset()
    assert s.discord_admin_guilds is None


def test_values_are_read_and_trimmed() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": " 1:x ",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
            "NEWSBOT_DB": "/var/lib/newsbot/db.json",
            "NEWSBOT_SOURCES": "feeds.toml",
            "NEWSBOT_POLL_SECONDS": "1",
            "NEWSBOT_ADMINS": "12, 34",
            "DISCORD_ADMIN_GUILDS": "555",
        }
    )
    assert s.telegram_token == "1:x" and s.poll_seconds == 1.0 and s.admins == {"12", "34"}
    assert s.sources_path == Path("feeds.toml") and s.discord_admin_guilds == {555}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_POLL_SECONDS": "0.5"}, "NEWSBOT_POLL_SECONDS"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_POLL_SECONDS": "soon"}, "NEWSBOT_POLL_SECONDS"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_POLL_SECONDS": "nan"}, "NEWSBOT_POLL_SECONDS"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_ADMINS": "alice"}, "NEWSBOT_ADMINS"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_LOG_LEVEL": "loud"}, "NEWSBOT_LOG_LEVEL"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(env, require_token=True)


def test_redact_removes_tokens() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": "123:SECRET", "DISCORD_BOT_TOKEN": "d.i.s"})
    assert s.redact("GET /bot123:SECRET/getMe with d.i.s") == "GET /bot<token>/getMe with <token>"


def test_burst_settings() -> None:
    default = load_settings({})
    assert (default.burst, default.burst_window_seconds) == (5, 600.0)
    chosen = load_settings({"NEWSBOT_BURST": " 3 ", "NEWSBOT_BURST_WINDOW": "120"})
    assert (chosen.burst, chosen.burst_window_seconds) == (3, 120.0)
    for bad in ("0", "-1", "two", "2.5"):
        with pytest.raises(ConfigError, match="NEWSBOT_BURST"):
            load_settings({"NEWSBOT_BURST": bad})
