"""The composition root: the one place that wires storage, core and chat adapters together.

`storage` and `handlers` are imported inside functions only, so importing `bot`
never pulls in a chat platform or the database.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from bot.book import SubscriptionBook
from bot.clock import SystemClock
from bot.config import MISSING_TOKEN, Settings, load_settings
from bot.delivery import DeliverySettings, Dispatcher
from bot.demo import DEFAULT_QUERIES, sample_sources_path, sample_transport
from bot.errors import ConfigError, NewsbotError, StorageError
from bot.fetch import FeedFetcher
from bot.logs import setup_logging
from bot.models import ChatRef
from bot.pipeline import Poller, PollSettings
from bot.ports import Notifier
from bot.runtime import Runtime
from bot.service import NewsService, Repos
from bot.sources import load_sources

log = logging.getLogger("newsbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description="News alerts for Telegram and Discord.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot (needs TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN)")
    demo = sub.add_parser(
        "demo", help="run the real pipeline on the bundled sample feeds, no token, no network"
    )
    demo.add_argument(
        "queries",
        nargs=argparse.REMAINDER,
        help="""subscriptions, one argument each, e.g. SOCAR '"Caspian Sea"' 'Armenia -peace'""",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return asyncio.run(_demo(args.queries))
        settings = load_settings(os.environ)
        setup_logging(
            settings.log_level, secrets=[s for s in (settings.telegram_token, settings.discord_token) if s]
        )
        return asyncio.run(_run(settings))
    except ConfigError as exc:
        print(f"newsbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"newsbot: storage error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # `newsbot demo | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def _run(settings: Settings) -> int:
    from handlers.discord.targets import load_webhook_targets
    from handlers.telegram.app import TelegramAdapter
    from storage import open_store

    sources = load_sources(settings.sources_path)
    webhooks = load_webhook_targets(settings.sources_path, os.environ) if settings.sources_path else []
    if not (settings.telegram_token or settings.discord_token or webhooks):
        raise ConfigError(MISSING_TOKEN)
    with single_instance(settings.db_path):
        store = open_store(settings.db_path)
        clock = SystemClock()
        book = SubscriptionBook()
        broken = book.load(store.subscriptions.all())
        if broken:
            log.warning(
                "%d stored subscriptions no longer parse and are ignored: %s", len(broken), broken[:5]
            )
        fetcher = FeedFetcher()
        repos = Repos.of(store)
        service = NewsService(
            repos, book, clock, config_sources=sources, admins=settings.admins, fetcher=fetcher
        )
        adapters: list[Adapter] = []
        runtime: Runtime | None = None
        try:
            if webhooks:
                adapters.append(_webhook_adapter(service, webhooks))
            if settings.telegram_token:
                telegram = TelegramAdapter(
                    settings.telegram_token, service, base_url=settings.telegram_api_url
                )
                await telegram.start()
                adapters.append(telegram)
            if settings.discord_token:
                adapters.append(await _start_discord(settings, service))
            poller = Poller(
                repos,
                book,
                fetcher,
                clock,
                service.all_sources,
                PollSettings(poll_seconds=settings.poll_seconds),
                alerts=service.alerts,
            )
            dispatcher = Dispatcher(
                store.outbox,
                store.chats,
                [a.notifier for a in adapters],
                clock,
                DeliverySettings(max_age=timedelta(seconds=settings.alert_max_age_seconds)),
                on_migrate=service.migrate_chat,
            )
            runtime = Runtime(poller, dispatcher, settings.poll_seconds)
            await runtime.start()
            log.info(
                "newsbot running: %d sources, %d subscriptions, polling every %gs",
                len(service.all_sources()),
                len(book),
                settings.poll_seconds,
            )
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
            try:
                await fetcher.aclose()
            finally:
                store.close()  # every acknowledged change is on disk already; this frees the files
    return 0


class Adapter(Protocol):
    notifier: Notifier

    async def stop(self) -> None: ...


def _webhook_adapter(service: NewsService, targets: list) -> Adapter:  # type: ignore[type-arg]
    from handlers.discord.targets import sync_webhook_targets
    from handlers.discord.webhook import WebhookNotifier

    report = sync_webhook_targets(service, targets)
    log.info(
        "discord webhooks: %d targets (%d subscriptions added, %d removed)",
        len(targets),
        report.added,
        report.removed,
    )
    notifier = WebhookNotifier({t.name: t.url for t in targets})

    class Webhooks:
        def __init__(self) -> None:
            self.notifier = notifier

        async def stop(self) -> None:
            await notifier.aclose()

    return Webhooks()


async def _start_discord(settings: Settings, service: NewsService) -> Adapter:
    from handlers.discord.app import DiscordAdapter

    adapter = DiscordAdapter(
        settings.discord_token or "", service, admin_guilds=settings.discord_admin_guilds
    )
    await adapter.start()
    return adapter


@contextlib.contextmanager
def single_instance(db_path: Path) -> Iterator[None]:
    """Two processes on one store would send every alert twice and overwrite each other's writes."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a+")
    except OSError as exc:
        raise StorageError(f"cannot use {db_path.parent} for the database: {exc.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConfigError(f"another newsbot is already running on {db_path} (lock: {lock_path})") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _demo(queries: Sequence[str]) -> int:
    from handlers.console import ConsoleNotifier
    from storage import open_store

    setup_logging("WARNING", secrets=[])
    chat = ChatRef("console", "demo")
    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
        store = open_store(Path(tmp) / "newsbot.json")
        clock = SystemClock()
        book = SubscriptionBook()
        fetcher = FeedFetcher(transport=sample_transport())
        repos = Repos.of(store)
        sources = load_sources(sample_sources_path())
        service = NewsService(repos, book, clock, config_sources=sources)
        print("newsbot demo: the real pipeline on the bundled sample feeds (no token, no network)\n")
        for text in queries or DEFAULT_QUERIES:
            try:
                result = service.subscribe(chat, text)
                print(
                    f"subscribed: {result.query}" if result.created else f"already subscribed: {result.query}"
                )
            except NewsbotError as exc:
                print(f"not subscribed to {text!r}: {exc}")
        if not book:
            print("\nNo valid subscription: nothing to match. Try: newsbot demo SOCAR")
            store.close()
            return 2
        settings = PollSettings(
            prime_new_sources=False, max_story_age=timedelta(days=36500), fetch_pages=False
        )
        poller = Poller(repos, book, fetcher, clock, service.all_sources, settings, alerts=service.alerts)
        report = await poller.poll_once()
        notifier = ConsoleNotifier()
        dispatcher = Dispatcher(store.outbox, store.chats, [notifier], clock)
        await dispatcher.drain()
        print("─" * 78)
        print(
            f"\n{report.polled} sources polled, {report.failed} failed, {report.new_stories} stories, "
            f"{_count(len(notifier.sent), 'alert')} for {_count(len(book), 'subscription')}."
        )
        await fetcher.aclose()
        store.close()
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
