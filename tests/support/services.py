"""The real core service over a real store, built by the same bootstrap as `newsbot run`."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import build_core
from bot.service import NewsService
from storage import Store
from tests.support.clock import FakeClock


def build_service(store: Store, clock: FakeClock, **options: Any) -> NewsService:
    return build_core(store, clock, **options).service
