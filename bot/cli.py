"""The composition root: the one place that wires storage, core and chat adapters together.

`storage` and `handlers` are imported inside functions only, so importing `bot`
never pulls in a chat platform or the database.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.book import SubscriptionBook
from bot.clock import SystemClock
from bot.config import Settings, load_settings
from bot.delivery import DeliverySettings, Dispatcher
from bot.errors import ConfigError, NewsbotError, StorageError
from bot.fetch import FeedFetcher
from bot.logs import setup_logging
from bot.models import ChatRef
from bot.pipeline import PollSettings, Poller
from bot.runtime import Runtime
from bot.service import NewsService, Repos
from bot.sources import load_sources

log = logging.getLogger("newsbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description="News alerts for Telegram and Discord.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot (needs TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN)")
    demo = sub.add_parser("demo", help="run the real pipeline on the bundled sample feeds, no token, no network")
    demo.add_argument("queries", nargs="*", help='subscriptions, e.g. SOCAR "\\"Caspian Sea\\"" "Gazprom OR Rosneft"')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return asyncio.run(_demo(args.queries))
        settings = load_settings(os.environ, require_token=True)
        setup_logging(settings.log_level, secrets=[s for s in (settings.telegram_token, settings.discord_token) if s])
        return asyncio.run(_run(settings))
    except ConfigError as exc:
        print(f"newsbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"newsbot: storage error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


async def _run(settings: Settings) -> int:
    from handlers.telegram.app import TelegramAdapter
    from storage import open_store

    sources = load_sources(settings.sources_path)
    store = open_store(settings.db_path)
    clock = SystemClock()
    book = SubscriptionBook()
    broken = book.load(store.subscriptions.all())
    if broken:
        log.warning("%d stored subscriptions no longer parse and are ignored: %s", len(broken), broken[:5])
    fetcher = FeedFetcher()
    repos = Repos(store.subscriptions, store.chats, store.sources, store.articles, store.outbox)
    service = NewsService(repos, book, clock, config_sources=sources, admins=settings.admins, fetcher=fetcher)
    adapters = []
    runtime: Runtime | None = None
    try:
        if settings.telegram_token:
            telegram = TelegramAdapter(settings.telegram_token, service, base_url=settings.telegram_api_url)
            await telegram.start()
            adapters.append(telegram)
        if settings.discord_token:
            adapters.append(await _start_discord(settings.discord_token, service))
        poller = Poller(repos, book, fetcher, clock, service.all_sources,
                        PollSettings(poll_seconds=settings.poll_seconds), alerts=service.alerts)
        dispatcher = Dispatcher(
            store.outbox, store.chats, [a.notifier for a in adapters], clock,
            DeliverySettings(max_age=timedelta(seconds=settings.alert_max_age_seconds)),
            on_migrate=service.migrate_chat,
        )
        runtime = Runtime(poller, dispatcher, settings.poll_seconds)
        await runtime.start()
        log.info("newsbot running: %d sources, %d subscriptions, polling every %gs",
                 len(service.all_sources()), len(book), settings.poll_seconds)
        await _wait_for_signal()
        log.info("stopping")
    finally:
        if runtime is not None:
            await runtime.stop()
        for adapter in reversed(adapters):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping %s failed", type(adapter).__name__)
        await fetcher.aclose()
        store.close()
    return 0


async def _start_discord(token: str, service: NewsService):  # type: ignore[no-untyped-def]
    try:
        from handlers.discord.app import DiscordAdapter
    except ImportError as exc:
        raise ConfigError(f"DISCORD_BOT_TOKEN is set but the Discord adapter is unavailable: {exc}") from None
    adapter = DiscordAdapter(token, service)
    await adapter.start()
    return adapter


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _demo(queries: Sequence[str]) -> int:
    from handlers.console import ConsoleNotifier
    from storage import open_store

    from bot.clock import SystemClock as Clock
    from bot.demo import DEFAULT_QUERIES, sample_sources_path, sample_transport

    setup_logging("WARNING", secrets=[])
    chat = ChatRef("console", "demo")
    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
        store = open_store(Path(tmp) / "newsbot.json")
        clock = Clock()
        book = SubscriptionBook()
        fetcher = FeedFetcher(transport=sample_transport())
        repos = Repos(store.subscriptions, store.chats, store.sources, store.articles, store.outbox)
        sources = load_sources(sample_sources_path())
        service = NewsService(repos, book, clock, config_sources=sources)
        print("newsbot demo: the real pipeline on the bundled sample feeds (no token, no network)\n")
        for text in queries or DEFAULT_QUERIES:
            try:
                result = service.subscribe(chat, text)
                print(f"subscribed: {result.query}")
            except NewsbotError as exc:
                print(f"not subscribed to {text!r}: {exc}")
        if not book:
            print("\nNo valid subscription: nothing to match. Try: newsbot demo SOCAR")
            store.close()
            return 2
        settings = PollSettings(prime_new_sources=False, max_story_age=timedelta(days=36500), fetch_pages=False)
        poller = Poller(repos, book, fetcher, clock, service.all_sources, settings, alerts=service.alerts)
        report = await poller.poll_once()
        notifier = ConsoleNotifier()
        dispatcher = Dispatcher(store.outbox, store.chats, [notifier], clock)
        await dispatcher.drain()
        print("─" * 78)
        print(f"\n{report.polled} sources polled, {report.failed} failed, {report.new_stories} stories, "
              f"{len(notifier.sent)} alerts for {len(book)} subscriptions.")
        await fetcher.aclose()
        store.close()
    return 0
