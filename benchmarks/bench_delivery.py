"""Delivery benchmark: one story to N chats through the real outbox, Dispatcher and TelegramNotifier.

The Bot API is a loopback fake in its own process that enforces Telegram's flood limits
(tests/support/limited_bot_api.py: 30 messages/s per bot, 1/s per chat, 429 + retry_after,
strict one-second sliding windows; 1,000/s with allow_paid_broadcast). The bot side is the
production wiring: TelegramAdapter's Bot with its rate limiter, the on-disk outbox, the
Dispatcher's retry rules and a delivery loop like the runtime's.

Target: all N delivered within 1.15 x N/30 s (1,000 chats: 1.15 x 33.3 s), zero ignored
retry_after. Baselines in the same run: the ideal time at exactly 30/s, and the same code
with PTB's rate limiter switched off (what a bot without pacing gets). Paid mode: the same
with NEWSBOT_PAID_BROADCAST's setting (allow_paid_broadcast, up to 1,000/s).

    python benchmarks/bench_delivery.py [--quick] [--data PATH]   (--data: unused, no corpus needed)
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import logging
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.bootstrap import PAID_CONCURRENCY  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.delivery.dispatcher import DeliverySettings, Dispatcher  # noqa: E402
from bot.matching.audience import SubscriptionBook  # noqa: E402
from bot.models import Alert, ChatRef  # noqa: E402
from bot.ports import Repos  # noqa: E402
from bot.service import NewsService  # noqa: E402
from handlers.telegram.app import TelegramAdapter  # noqa: E402
from storage import open_store  # noqa: E402
from tests.support.limited_bot_api import GLOBAL_PER_SECOND, PAID_PER_SECOND, LimitedBotApi  # noqa: E402

TOKEN = "123456:BENCHMARK"
SLACK = 1.15


def alert(i: int, now: datetime) -> Alert:
    return Alert(
        ChatRef("telegram", str(10_000 + i)),
        "story-1",
        "Russia’s Attack on Azerbaijan: Expert Explains Kremlin’s Motives",
        "https://example.org/caucasus/russia-azerbaijan-socar-motives",
        "Sample Caucasus Wire",
        now,
        ("socar", '"caspian sea"'),
        (
            "Russia has targeted Azerbaijan’s energy infrastructure following Baku’s policy shifts.",
            "Attacks on SOCAR facilities are seen as revenge for closer ties with Ukraine.",
        ),
        now,
    )


def paid_supported() -> bool:
    return "paid_broadcast" in inspect.signature(TelegramAdapter).parameters


async def deliver(dispatcher: Dispatcher) -> None:
    """The runtime's delivery loop, until the outbox is empty."""
    while True:
        await dispatcher.drain()
        due = dispatcher.next_due_in()
        if due is None:
            return
        await asyncio.sleep(min(max(due, 0.05), 5.0))


async def one_run(api: LimitedBotApi, chats: int, *, rate_limit: bool, paid: bool, root: Path) -> dict:
    api.reset()
    store = open_store(root / f"run-{chats}-{rate_limit}-{paid}.json")
    clock = SystemClock()
    service = NewsService(Repos.of(store), SubscriptionBook(), clock)
    options = {"paid_broadcast": True} if paid else {}
    adapter = TelegramAdapter(TOKEN, service, base_url=api.url, rate_limit=rate_limit, **options)
    await adapter.application.initialize()
    settings = DeliverySettings(concurrency=PAID_CONCURRENCY) if paid else DeliverySettings()
    dispatcher = Dispatcher(store.outbox, store.chats, [adapter.notifier], clock, settings)
    store.outbox.enqueue([alert(i, clock.now()) for i in range(chats)])
    start = time.perf_counter()
    await deliver(dispatcher)
    elapsed = time.perf_counter() - start
    await adapter.application.shutdown()
    store.close()
    stats = api.stats()
    limit = PAID_PER_SECOND if paid else GLOBAL_PER_SECOND
    return {
        "chats": chats,
        "mode": ("paid" if paid else "standard") + ("" if rate_limit else ", no rate limiter"),
        "seconds": elapsed,
        "ideal_seconds": chats / limit,
        "vs_ideal": elapsed / (chats / limit),
        "rate_per_s": chats / elapsed,
        "rate_vs_limit": chats / elapsed / limit,
        "delivered": stats["sent"],
        "too_many_429": stats["too_many"],
        "ignored_retry_after": stats["ignored_retry_after"],
        "max_in_one_second": stats["max_in_one_second"],
        "within_target": elapsed <= SLACK * chats / limit and stats["sent"] == chats,
    }


async def bench(quick: bool) -> tuple[list[dict], str]:
    full = 40 if quick else 1000
    loads = [max(1, full // 10), full // 2, full]
    rows, note = [], ""
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as tmp, LimitedBotApi() as api:
        root = Path(tmp)
        for chats in loads:
            rows.append(await one_run(api, chats, rate_limit=True, paid=False, root=root))
        for chats in loads[:2] if not quick else loads[:1]:
            rows.append(await one_run(api, chats, rate_limit=False, paid=False, root=root))
        if paid_supported():
            for chats in loads:
                rows.append(await one_run(api, chats, rate_limit=True, paid=True, root=root))
        else:
            note = "paid broadcast: TelegramAdapter has no paid_broadcast option yet, not measured"
    return rows, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 chats instead of 1,000")
    parser.add_argument("--data", type=Path, default=None, help="unused: this benchmark needs no corpus")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows, note = asyncio.run(bench(args.quick))
    print("one story to N chats; fake Bot API enforcing 30/s per bot, 1/s per chat (1,000/s paid)")
    header = f"{'chats':>6} {'mode':<26} {'seconds':>8} {'ideal s':>8} {'x ideal':>8} {'msg/s':>7}"
    print(header + f" {'/limit':>7} {'429s':>5} {'ignored':>8} {'ok':>4}")
    for r in rows:
        print(
            f"{r['chats']:>6} {r['mode']:<26} {r['seconds']:>8.2f} {r['ideal_seconds']:>8.2f} "
            f"{r['vs_ideal']:>8.2f} {r['rate_per_s']:>7.1f} {r['rate_vs_limit']:>7.2f} "
            f"{r['too_many_429']:>5} {r['ignored_retry_after']:>8} {'yes' if r['within_target'] else 'NO':>4}"
        )
    print(f"target: <= {SLACK} x ideal, every alert delivered, 0 ignored retry_after")
    if note:
        print(note)
    print(json.dumps({"bench": "delivery", "quick": args.quick, "note": note, "results": rows}))


if __name__ == "__main__":
    main()
