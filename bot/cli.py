"""The command line: `newsbot run` and `newsbot demo`. Parses arguments and settings, then builds
everything through `bot.bootstrap` (which imports storage and handlers inside functions only)."""

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
from typing import Any

from bot import ops
from bot.clock import SystemClock
from bot.config import MISSING_TOKEN, Settings, db_path_problem, load_settings
from bot.demo import DEFAULT_QUERIES, sample_sources_path, sample_transport
from bot.environment import help_text
from bot.errors import ConfigError, NewsbotError, StorageError
from bot.ingest.fetch import FeedFetcher
from bot.ingest.sources import load_sources
from bot.logs import setup_logging
from bot.models import ChatRef
from bot.pipeline import PollSettings
from bot.ports import StoreKit
from bot.runtime import Runtime
from bot.stats import Observers
from bot.web.server import WebServer

log = logging.getLogger("newsbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description="News alerts for Telegram and Discord.")
    parser.add_argument("--version", action="version", version=f"newsbot {ops.version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run",
        help="start the bot (needs TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN)",
        description="Start the bot. Everything is configured from the environment.",
        epilog=help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check = sub.add_parser(
        "check", help="validate the configuration and the sources file, list what would be polled"
    )
    check.add_argument("--online", action="store_true", help="also fetch each source once and report")
    export = sub.add_parser("export", help="write a JSON backup of subscriptions, chats and added sources")
    export.add_argument("--out", required=True, metavar="FILE", help="the backup file ('-': stdout)")
    restore = sub.add_parser("import", help="restore a backup into an empty store (the bot stopped)")
    restore.add_argument("file", metavar="FILE", help="a file written by newsbot export ('-': stdin)")
    restore.add_argument("--merge", action="store_true", help="add to a store that is not empty")
    demo = sub.add_parser(
        "demo", help="run the real pipeline on the bundled sample feeds, no token, no network"
    )
    demo.add_argument(
        "queries",
        nargs=argparse.REMAINDER,
        help="""subscriptions, one argument each, e.g. SOCAR '"Caspian Sea"' 'Armenia -peace'""",
    )
    opml = sub.add_parser("opml", help="the sources as OPML: import FILE (vetted like /addsource) or export")
    opml.add_argument("action", choices=("import", "export"))
    opml.add_argument("file", nargs="?", help="import: an OPML file or a text list of feed URLs")
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
        if args.command == "opml":
            from bot.opml_cli import opml_command

            return asyncio.run(opml_command(args.action, args.file, settings, single_instance, kit=_kit()))
        if args.command == "check":
            sources, code = ops.check(settings, os.environ, _webhook_targets(settings))
            if args.online and code == 0:
                code = asyncio.run(ops.check_online(sources))
            return code
        if args.command == "export":
            return ops.export(settings, args.out, _kit())
        if args.command == "import":
            with single_instance(settings.db_path):
                return ops.import_(settings, args.file, args.merge, _kit())
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


def _kit() -> StoreKit:
    from storage import store_kit

    return store_kit()


def _webhook_targets(settings: Settings) -> list[Any]:
    """The sources file's Discord webhook targets (read again when the bot starts them)."""
    from handlers import adapters

    return adapters.webhook_targets(settings.sources_path) if settings.sources_path else []


async def _run(settings: Settings) -> int:
    from bot import bootstrap
    from handlers import adapters as adapters_mod

    sources = load_sources(settings.sources_path)
    webhooks = _webhook_targets(settings)
    if not (settings.telegram_token or settings.discord_token or webhooks):
        raise ConfigError(MISSING_TOKEN)
    with single_instance(settings.db_path):
        store = _kit().open(settings.db_path)
        fetcher = FeedFetcher()
        if settings.parse_workers <= 0:  # else the parsing processes detect languages, not this one
            from bot.text.lang import warm_up

            warm_up()  # the language detector loads while the first feeds are fetched
        core = bootstrap.build_core(
            store,
            SystemClock(),
            fetcher=fetcher,
            config_sources=sources,
            admins=settings.admins,
            open_groups=settings.open_groups,
            bundled_sources=settings.sources_path is None,
        )
        adapters: list[adapters_mod.Adapter] = []
        runtime: Runtime | None = None
        web: WebServer | None = None
        stop = _stop_on_signals()  # before anything starts: a stop signal during start-up is graceful too
        try:
            adapters = await adapters_mod.start_adapters(settings, core.service)
            metrics = bootstrap.metrics(core)
            dispatcher = core.dispatcher(
                [metrics.timed(a.notifier) for a in adapters], bootstrap.delivery_settings(settings)
            )
            runtime = bootstrap.runtime(
                core, settings, dispatcher, observer=Observers(metrics, core.service.sent_log)
            )
            web = bootstrap.web_server(settings, runtime, metrics)
            if web is not None:  # before the first fetch: a hub verifies a subscription at once
                await web.start()
            await runtime.start()
            log.info(
                "newsbot running: %d sources, %d subscriptions, each source on its own schedule "
                "(starting at %gs, between %gs and %gs)%s",
                len(core.service.all_sources()),
                len(core.book),
                settings.poll_seconds,
                min(settings.polling.min_seconds, settings.poll_seconds),
                settings.polling.max_seconds,
                ", WebSub push on" if settings.polling.public_url else "",
            )
            await stop.wait()
            log.info("stopping")
        finally:
            if web is not None:
                await web.stop()
            if runtime is not None:
                await runtime.stop()
            await adapters_mod.stop_adapters(adapters)
            try:
                await fetcher.aclose()
            finally:
                store.close()  # every acknowledged change is on disk already; this frees the files
    return 0


@contextlib.contextmanager
def single_instance(db_path: Path) -> Iterator[None]:
    """Two processes on one store would send every alert twice and overwrite each other's writes."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    problem = db_path_problem(db_path)
    if problem:
        raise StorageError(problem)
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


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _demo(queries: Sequence[str]) -> int:
    from bot import bootstrap
    from handlers.console import ConsoleNotifier

    setup_logging("WARNING", secrets=[])
    chat = ChatRef("console", "demo")
    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
        store = _kit().open(Path(tmp) / "newsbot.json")
        fetcher = FeedFetcher(transport=sample_transport())
        core = bootstrap.build_core(
            store, SystemClock(), fetcher=fetcher, config_sources=load_sources(sample_sources_path())
        )
        print("newsbot demo: the real pipeline on the bundled sample feeds (no token, no network)\n")
        for text in queries or DEFAULT_QUERIES:
            try:
                result = core.service.subscribe(chat, text)
                print(
                    f"subscribed: {result.query}" if result.created else f"already subscribed: {result.query}"
                )
            except NewsbotError as exc:
                print(f"not subscribed to {text!r}: {exc}")
        if not core.book:
            print("\nNo valid subscription: nothing to match. Try: newsbot demo SOCAR")
            store.close()
            return 2
        settings = PollSettings(
            prime_new_sources=False, max_story_age=timedelta(days=36500), fetch_pages=False
        )
        report = await core.poller(settings).poll_once()
        notifier = ConsoleNotifier()
        await core.dispatcher([notifier]).drain()
        print("─" * 78)
        print(
            f"\n{report.polled} sources polled, {report.failed} failed, {report.new_stories} stories, "
            f"{_count(len(notifier.sent), 'alert')} for {_count(len(core.book), 'subscription')}."
        )
        await fetcher.aclose()
        store.close()
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
