"""The operator's commands: `newsbot check [--online]`, `newsbot export`, `newsbot import`.

Each prints what it did in plain lines and returns an exit code; the store is reached through the
`StoreKit` bot/cli.py hands in, never imported here.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TextIO

from bot.backup import Snapshot, parse_snapshot, restore, snapshot_json
from bot.config import MISSING_TOKEN, Settings, db_path_problem
from bot.errors import ConfigError, StorageError
from bot.ingest.fetch import FeedFetcher, FetchStatus
from bot.ingest.parse import parse_feed
from bot.ingest.sources import load_sources
from bot.models import Source
from bot.ports import StoreKit
from bot.text.urls import display_url


def version() -> str:
    try:
        return metadata.version("newsbot")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _db_state(path: Path) -> str:
    problem = db_path_problem(path)
    if problem:
        raise StorageError(problem)
    if path.exists():
        return f"{path} (exists, {path.stat().st_size:,} bytes)"
    existing = next(p for p in path.parents if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise StorageError(f"NEWSBOT_DB {path}: {existing} is not writable")
    return f"{path} (will be created)"


def check(
    settings: Settings, env: Mapping[str, str], webhooks: Sequence[object], out: TextIO = sys.stdout
) -> tuple[list[Source], int]:
    """Validate the configuration and the sources file (whose Discord webhook targets the caller
    read); (sources, exit code). No network."""
    database = _db_state(settings.db_path)
    sources = list(load_sources(settings.sources_path))
    platforms = [
        name
        for name, on in (
            ("Telegram", settings.telegram_token),
            ("Discord", settings.discord_token),
            (f"{len(webhooks)} Discord webhooks", webhooks),
        )
        if on
    ]
    print(f"newsbot {version()}: configuration is valid", file=out)
    print(f"  platforms:  {', '.join(platforms) or 'none'}", file=out)
    print(f"  database:   {database}", file=out)
    origin = settings.sources_path or "the bundled list (set NEWSBOT_SOURCES for your own)"
    print(f"  sources:    {len(sources)} from {origin}", file=out)
    print(f"  polling:    every {settings.poll_seconds:g} s", file=out)
    http = f"http://{settings.http_host}:{settings.http_port}" if settings.http_port is not None else "off"
    print(f"  http:       {http} (/healthz, /metrics)", file=out)
    print(f"  admins:     {len(settings.admins)} Telegram user ids", file=out)
    paid = "on (billed in Stars)" if settings.paid_broadcast else "off"
    print(f"  paid broadcasts: {paid}; parse processes: {settings.parse_workers}", file=out)
    print("would poll:", file=out)
    for source in sources:
        print(f"  {source.name}  {display_url(source.url)}", file=out)
    if not platforms:
        print(f"problem: {MISSING_TOKEN}", file=out)
        return sources, 2
    return sources, 0


async def check_online(sources: list[Source], out: TextIO = sys.stdout) -> int:
    """Fetch and parse each source once; 1 when any fails."""
    import asyncio

    fetcher = FeedFetcher()
    now = datetime.now(UTC)
    gate = asyncio.Semaphore(8)

    async def one(source: Source) -> str | None:
        async with gate:
            result = await fetcher.fetch(source.url)
            if result.status is not FetchStatus.OK:
                return result.error or "fetch failed"
            parsed = await asyncio.to_thread(
                parse_feed, result.body, source=source.name, url=result.url, headers=result.headers, now=now
            )
            if not parsed.is_feed:
                return parsed.problem or "not an RSS/Atom feed"
            damaged = f", damaged: {parsed.problem}" if parsed.problem else ""
            print(f"  ok      {source.name}: {len(parsed.articles)} stories{damaged}", file=out)
            return None

    print("fetching each source once:", file=out)
    try:
        errors = await asyncio.gather(*(one(s) for s in sources))
    finally:
        await fetcher.aclose()
    failed = [(s, e) for s, e in zip(sources, errors, strict=True) if e]
    for source, error in failed:
        print(f"  FAILED  {source.name}: {error}", file=out)
    print(f"{len(sources) - len(failed)} of {len(sources)} sources answered with a feed", file=out)
    return 1 if failed else 0


def export(settings: Settings, target: str, kit: StoreKit, out: TextIO = sys.stderr) -> int:
    """Write a snapshot of the store; safe while the bot runs (one read of an atomically replaced file)."""
    subs, chats, sources, rhythms = kit.read_all(settings.db_path)
    snapshot = Snapshot(tuple(subs), tuple(chats), tuple(sources), tuple(rhythms))
    data = json.dumps(snapshot_json(snapshot, datetime.now(UTC), version()), ensure_ascii=False, indent=1)
    if target == "-":
        sys.stdout.write(data + "\n")
    else:
        path = Path(target)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(data + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    counts = snapshot.counts()
    print(
        f"exported {counts['subscriptions']} subscriptions, {counts['chats']} chats, "
        f"{counts['rhythms']} chats' rhythm settings and {counts['sources']} added sources to {target}",
        file=out,
    )
    return 0


def import_(settings: Settings, source: str, merge: bool, kit: StoreKit, out: TextIO = sys.stdout) -> int:
    """Restore a snapshot into the store (empty unless `merge`); the bot must not be running."""
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        data = json.loads(raw)
    except OSError as exc:
        raise ConfigError(f"cannot read {source}: {exc.strerror}") from None
    except ValueError as exc:
        raise ConfigError(f"{source} is not JSON: {exc}") from None
    snapshot = parse_snapshot(data)
    store = kit.open(settings.db_path)
    try:
        report = restore(
            snapshot,
            store.subscriptions,
            store.chats,
            store.sources,
            merge=merge,
            batch=lambda: kit.batch(store),
            rhythms=store.rhythms,
        )
    finally:
        store.close()
    skipped = f" ({report.skipped} already there)" if report.skipped else ""
    print(
        f"imported {report.subscriptions} subscriptions, {report.chats} chats, {report.rhythms} chats' "
        f"rhythm settings and {report.sources} sources into {settings.db_path}{skipped}",
        file=out,
    )
    return 0
