"""Core tests run the real core on a real TinyDB store in tmp_path; only the clock and the
chat platform (a recording notifier) are fakes."""

from __future__ import annotations

import pytest

from bot.matching.audience import SubscriptionBook
from bot.models import Alert
from bot.ports import DeliveryResult, DeliveryStatus, Progress, Repos
from bot.service import NewsService
from storage import Store
from tests.support.clock import FakeClock


class RecordingNotifier:
    """Stands in for Telegram: records sends, answers with scripted results."""

    platforms = ("telegram",)

    def __init__(self) -> None:
        self.sent: list[Alert] = []
        self.script: dict[str, list[DeliveryResult]] = {}  # chat id -> results to return first

    def fail(self, chat_id: str, *results: DeliveryResult) -> None:
        self.script.setdefault(chat_id, []).extend(results)

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        queued = self.script.get(alert.chat.id)
        if queued:
            return queued.pop(0)
        self.sent.append(alert)
        return DeliveryResult(DeliveryStatus.SENT)


@pytest.fixture
def repos(store: Store) -> Repos:
    return Repos.of(store)


@pytest.fixture
def book() -> SubscriptionBook:
    return SubscriptionBook()


@pytest.fixture
def service(repos: Repos, book: SubscriptionBook, clock: FakeClock) -> NewsService:
    return NewsService(repos, book, clock, admins=frozenset({"1"}))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()
