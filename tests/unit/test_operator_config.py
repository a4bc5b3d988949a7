"""Configuration edge cases a new user meets, and the environment table's completeness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import db_path_problem, load_settings
from bot.environment import ENVIRONMENT, help_text
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TOKEN = {"TELEGRAM_BOT_TOKEN": "1:x"}


@pytest.mark.parametrize("value", ["1e12", "86401", "1e308"])
def test_a_poll_interval_beyond_a_day_is_refused_in_one_line(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**TOKEN, "NEWSBOT_POLL_SECONDS": value})
    message = str(caught.value)
    assert "\n" not in message
    assert "NEWSBOT_POLL_SECONDS must be at most 86400 seconds (a day)" in message and value in message


def test_a_day_itself_is_accepted() -> None:
    assert load_settings({**TOKEN, "NEWSBOT_POLL_SECONDS": "86400"}).poll_seconds == 86400


def test_a_database_under_a_regular_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    problem = db_path_problem(tmp_path / "notes.txt" / "db" / "newsbot.json")
    assert problem is not None and "notes.txt is a file, not a directory" in problem
    assert db_path_problem(tmp_path / "fresh" / "newsbot.json") is None
    assert "is a directory" in (db_path_problem(tmp_path) or "")


@pytest.mark.parametrize(("raw", "expected"), [("", False), ("0", False), ("1", True), ("yes", True)])
def test_paid_broadcast_is_opt_in(raw: str, expected: bool) -> None:
    assert load_settings({**TOKEN, "NEWSBOT_PAID_BROADCAST": raw}).paid_broadcast is expected


def test_a_bad_flag_or_worker_count_is_refused() -> None:
    with pytest.raises(ConfigError, match="NEWSBOT_PAID_BROADCAST must be 1 or 0"):
        load_settings({**TOKEN, "NEWSBOT_PAID_BROADCAST": "maybe"})
    with pytest.raises(ConfigError, match="NEWSBOT_PARSE_WORKERS"):
        load_settings({**TOKEN, "NEWSBOT_PARSE_WORKERS": "-1"})
    assert load_settings({**TOKEN, "NEWSBOT_PARSE_WORKERS": "0"}).parse_workers == 0


def test_every_variable_the_code_reads_is_documented() -> None:
    read = set()
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]:
        read |= set(re.findall(r'"((?:NEWSBOT|TELEGRAM|DISCORD)_[A-Z_]+)"', path.read_text()))
    documented = {v.name for v in ENVIRONMENT}
    assert read - documented == set()
    text = help_text()
    assert all(v.name in text and v.default in text for v in ENVIRONMENT)
    readme = (ROOT / "README.md").read_text()
    assert [v.name for v in ENVIRONMENT if f"`{v.name}`" not in readme] == []
