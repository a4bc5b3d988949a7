"""Webhook targets: the TOML section, URL checks, and subscriptions kept equal to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.models import ChatRef, ChatState
from bot.service import NewsService
from handlers.discord.targets import (
    WebhookTarget,
    load_webhook_targets,
    parse_webhook_targets,
    sync_webhook_targets,
)
from storage import Store
from tests.support.clock import FakeClock
from tests.support.services import build_service

URL = "https://discord.com/api/webhooks/123456789012345678/" + "t0ken-SECRET_" * 3
DESK = ChatRef("webhook", "energy-desk")


@pytest.fixture
def service(store: Store, clock: FakeClock) -> NewsService:
    return build_service(store, clock)


def test_toml_section_with_url_or_env_variable(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[webhook]]\nname = "energy-desk"\nurl = "'
        + URL
        + '?wait=true"\nqueries = ["SOCAR", "Gazprom OR Rosneft"]\n'
        '[[webhook]]\nname = "ops"\nurl_env = "OPS_HOOK"\n',
        encoding="utf-8",
    )
    desk, ops = load_webhook_targets(path, {"OPS_HOOK": URL})
    assert desk == WebhookTarget("energy-desk", URL, ("SOCAR", "Gazprom OR Rosneft"))
    assert ops.url == URL and ops.queries == ()
    assert "SECRET" not in repr(desk)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "bad name!", "url": URL}, "name must be"),
        ({"name": "x", "url": "https://evil.example/api/webhooks/1/abc"}, "Discord webhook URL"),
        ({"name": "x", "url": URL.replace("https", "http")}, "Discord webhook URL"),
        ({"name": "x", "url_env": "MISSING"}, "MISSING"),
        ({"name": "x"}, "set url or url_env"),
        ({"name": "x", "url": URL, "queries": "SOCAR"}, "list of non-empty strings"),
    ],
)
def test_bad_entries_are_config_errors_that_never_echo_the_url(
    entry: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_webhook_targets({"webhook": [entry]}, {})
    assert "SECRET" not in str(caught.value) and "evil" not in str(caught.value)


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ConfigError, match="twice"):
        parse_webhook_targets({"webhook": [{"name": "a", "url": URL}, {"name": "a", "url": URL}]}, {})


def test_sync_makes_stored_subscriptions_equal_the_file(service: NewsService) -> None:
    first = sync_webhook_targets(service, [WebhookTarget("energy-desk", URL, ("SOCAR", "Rosneft"))])
    assert (first.added, first.removed) == (2, 0)
    assert sorted(service.subscriptions(DESK)) == ["Rosneft", "SOCAR"]
    second = sync_webhook_targets(service, [WebhookTarget("energy-desk", URL, ("socar", "Gazprom"))])
    assert (second.added, second.removed) == (1, 1)
    assert sorted(service.subscriptions(DESK)) == ["Gazprom", "SOCAR"]
    assert service.book.query("rosneft") is None  # the in-memory index forgot it too
    gone = sync_webhook_targets(service, [])
    assert gone.removed == 2 and service.subscriptions(DESK) == []


def test_sync_reactivates_a_target_blocked_earlier(service: NewsService) -> None:
    service.repos.chats.save(ChatState(DESK, active=False))
    sync_webhook_targets(service, [WebhookTarget("energy-desk", URL, ("SOCAR",))])
    assert service.chat_state(DESK).active


def test_bad_query_names_the_target(service: NewsService) -> None:
    with pytest.raises(ConfigError, match="energy-desk"):
        sync_webhook_targets(service, [WebhookTarget("energy-desk", URL, ("Gazprom OR",))])
