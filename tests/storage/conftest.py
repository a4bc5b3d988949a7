"""Storage tests run the real TinyDB store in tmp_path; reopening simulates a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import Alert, Article, ChatRef
from storage import Store, open_store

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ALICE = ChatRef("telegram", "100")
BOB = ChatRef("telegram", "200")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "newsbot.json"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    st = open_store(db_path)
    yield st
    st.close()


@pytest.fixture
def reopen(db_path: Path) -> Iterator[Callable[[Store], Store]]:
    """Close a store and open its files again, as a restarted process would."""
    opened: list[Store] = []

    def _reopen(old: Store) -> Store:
        old.close()
        new = open_store(db_path)
        opened.append(new)
        return new

    yield _reopen
    for st in opened:
        st.close()


def article(n: int, *, minutes: int = 0, published: datetime | None = None, title_key: str = "") -> Article:
    return Article(
        key=f"key-{n}",
        source="Example",
        title=f"Story {n}",
        url=f"https://example.org/story/{n}",
        published=published,
        text=f"Body of story {n}.\n• first point",
        fetched_at=T0 + timedelta(minutes=minutes),
        guid=f"guid-{n}",
        title_key=title_key or f"story {n}",
    )


def alert(chat: ChatRef, n: int, **changes: object) -> Alert:
    base = Alert(
        chat=chat,
        article_key=f"key-{n}",
        title=f"Story {n} <b>&",
        url=f"https://example.org/story/{n}",
        source="Example",
        published=T0 - timedelta(hours=1),
        matched=("socar",),
        bullets=("one", "two"),
        created=T0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]
