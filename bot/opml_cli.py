"""`newsbot opml import FILE` and `newsbot opml export`: the sources as a feed list, from a shell.

Run with the bot stopped (they take the store's lock). An import vets every feed exactly like
/addsource and prints what was added, already there and refused; an export prints OPML 2.0
with the full addresses (the operator sees everything).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TextIO

from bot import bootstrap
from bot.clock import SystemClock
from bot.config import Settings
from bot.errors import ConfigError
from bot.feedlists import FeedLists, ImportReport
from bot.ingest.fetch import FeedFetcher
from bot.ingest.sources import load_sources
from bot.ports import StoreKit
from bot.sources_service import Actor
from bot.text.urls import display_url

OPERATOR = Actor("cli", "operator", elevated=True)


def format_report(report: ImportReport) -> str:
    lines = [
        f"{len(report.added)} added, {len(report.existing)} already there, {len(report.refused)} refused"
        + (f", {report.truncated} beyond the limit not looked at" if report.truncated else "")
    ]
    lines += [f"  added: {s.name} ({display_url(s.url)})" for s in report.added]
    lines += [f"  already there: {name}" for name in report.existing]
    lines += [f"  refused: {display_url(url)}: {why}" for url, why in report.refused]
    return "\n".join(lines)


async def opml_command(
    action: str,
    file: str | None,
    settings: Settings,
    lock: Callable[[Path], AbstractContextManager[None]],
    out: TextIO | None = None,
    *,
    kit: StoreKit,
) -> int:
    out = out or sys.stdout
    data = b""
    if action == "import":
        if not file:
            raise ConfigError("usage: newsbot opml import FILE (an OPML file or a list of feed URLs)")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read {file}: {exc.strerror}") from None
    sources = load_sources(settings.sources_path)
    with lock(settings.db_path):
        store = kit.open(settings.db_path)
        fetcher = FeedFetcher() if action == "import" else None
        try:
            core = bootstrap.build_core(store, SystemClock(), fetcher=fetcher, config_sources=sources)
            lists = FeedLists(core.service)
            if action == "export":
                out.write(lists.export_list().decode("utf-8"))
                return 0
            report = await lists.import_list(OPERATOR, data)
            print(format_report(report), file=out)
            return 0
        finally:
            if fetcher is not None:
                with contextlib.suppress(Exception):
                    await fetcher.aclose()
            store.close()
