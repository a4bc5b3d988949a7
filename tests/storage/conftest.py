"""Storage tests run a real store in tmp_path; reopening simulates a restart.

`contract/` holds what every backend of the repository protocols must do, parametrized by backend
(`BACKENDS`: a second backend is one entry away); `tinydb/` holds the TinyDB-file specifics
(atomic writes, `.bak`, the outbox journal, crash safety)."""

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


Opener = Callable[[Path], Store]
BACKENDS: dict[str, Opener] = {"tinydb": open_store}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Opener:
    return BACKENDS[request.param]


@pytest.fixture
def store(db_path: Path, backend: Opener) -> Iterator[Store]:
    st = backend(db_path)
    yield st
    st.close()


@pytest.fixture
def reopen(db_path: Path, backend: Opener) -> Iterator[Callable[[Store], Store]]:
    """Close a store and open its files again, as a restarted process would."""
    opened: list[Store] = []

    def _reopen(old: Store) -> Store:
        old.close()
        new = backend(db_path)
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
        url_key=f"https://example.org/story/{n}",
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
