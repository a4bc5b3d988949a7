"""Polling benchmark: N sources on a loopback HTTP server, one full poll round, then an all-304 round.

Ours: the real Poller (FeedFetcher with conditional GET, parse, new-story filter, the store
on disk) over N sources. Baseline, in the same run against the same server: feedparser.parse(url)
one source after another (feedparser's own fetching; the second round passes etag/modified, so
it gets 304s too). Feeds: 20-item RSS documents of about 10 KB each (synthetic: English words
drawn with their real frequencies and made-up names, see feed_farm.synthetic_feed), with
--lookalike the older synthetic feeds whose stories all look alike (a worst case for the event
check), or with --data DIR the real feeds found there, served round-robin.

Targets at 1,000 sources: first full round < 10 s, all-304 round < 3 s.

    python benchmarks/bench_polling.py [--quick] [--lookalike] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from feed_farm import FeedFarm, corpus_feeds  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.ingest.fetch import FeedFetcher  # noqa: E402
from bot.matching.audience import SubscriptionBook  # noqa: E402
from bot.matching.query import parse_query  # noqa: E402
from bot.models import ChatRef, Source  # noqa: E402
from bot.pipeline import Poller, PollSettings  # noqa: E402
from bot.ports import Repos  # noqa: E402
from storage import open_store  # noqa: E402

FIRST_TARGET_S = 10.0
NOT_MODIFIED_TARGET_S = 3.0


async def ours(farm: FeedFarm, count: int, root: Path) -> dict:
    store = open_store(root / f"poll-{count}.json")
    book = SubscriptionBook()
    for n, text in enumerate(("pipeline", "election OR parliament", '"oil export"')):
        book.add(ChatRef("telegram", str(n)), parse_query(text))
    sources = [Source(f"Source {i}", farm.url(i)) for i in range(count)]
    fetcher = FeedFetcher()
    settings = PollSettings(parse_workers=load_settings({}).parse_workers)  # as `newsbot run` does
    poller = Poller(Repos.of(store), book, fetcher, SystemClock(), lambda: sources, settings)
    start = time.perf_counter()
    first = await poller.poll_once()
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = await poller.poll_once()
    second_s = time.perf_counter() - start
    poller.close()
    await fetcher.aclose()
    store.close()
    return {
        "first_s": first_s,
        "not_modified_s": second_s,
        "first_ok": first.polled - first.failed,
        "first_stories": first.new_stories,
        "second_304": second.not_modified,
    }


def baseline(farm: FeedFarm, count: int) -> dict:
    start = time.perf_counter()
    results = [feedparser.parse(farm.url(i)) for i in range(count)]
    first_s = time.perf_counter() - start
    entries = sum(len(r.entries) for r in results)
    start = time.perf_counter()
    statuses = [
        feedparser.parse(farm.url(i), etag=r.get("etag"), modified=r.get("modified")).get("status")
        for i, r in enumerate(results)
    ]
    second_s = time.perf_counter() - start
    return {
        "first_s": first_s,
        "not_modified_s": second_s,
        "entries": entries,
        "second_304": statuses.count(304),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 sources instead of 1,000")
    parser.add_argument("--data", type=Path, default=None, help="a folder of real feed files (*.xml)")
    parser.add_argument(
        "--lookalike", action="store_true", help="the older synthetic feeds: every story alike (worst case)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    feeds = corpus_feeds(args.data) if args.data and args.data.is_dir() else None
    if feeds:
        note = f"feeds: {len(feeds)} real documents from {args.data}"
    elif args.lookalike:
        note = "feeds: synthetic look-alike stories (feed_farm.lookalike_feed), 20 items, ~10 KB"
    else:
        note = "feeds: synthetic, English word frequencies, 20 items, ~10 KB"
    full = 60 if args.quick else 1000
    loads = [full // 10, full // 2, full]
    rows = []
    with (
        FeedFarm(full, feeds, lookalike=args.lookalike) as farm,
        tempfile.TemporaryDirectory(prefix="bench-polling-") as tmp,
    ):
        for count in loads:
            mine = asyncio.run(ours(farm, count, Path(tmp)))
            base = baseline(farm, count)
            rows.append({"sources": count, "ours": mine, "baseline": base})
    workers = load_settings({}).parse_workers
    print(note, f"| {os.cpu_count()} cores, {workers} parse processes (NEWSBOT_PARSE_WORKERS default)")
    print(
        f"{'sources':>8} {'first s':>8} {'base s':>8} {'ratio':>6}  "
        f"{'304 s':>7} {'base s':>8} {'ratio':>6}  304s"
    )
    for r in rows:
        o, b = r["ours"], r["baseline"]
        print(
            f"{r['sources']:>8} {o['first_s']:>8.2f} {b['first_s']:>8.2f} {b['first_s'] / o['first_s']:>6.1f}"
            f"  {o['not_modified_s']:>7.2f} {b['not_modified_s']:>8.2f} "
            f"{b['not_modified_s'] / o['not_modified_s']:>6.1f}  {o['second_304']}/{r['sources']}"
        )
    last = rows[-1]["ours"]
    verdict = {
        "first_round_ok": last["first_s"] < FIRST_TARGET_S,
        "not_modified_round_ok": last["not_modified_s"] < NOT_MODIFIED_TARGET_S,
    }
    print(
        f"targets at {full if not args.quick else 1000} sources: first < {FIRST_TARGET_S:g} s, all-304 < "
        f"{NOT_MODIFIED_TARGET_S:g} s; baseline: feedparser.parse(url) one after another"
    )
    print(json.dumps({"bench": "polling", "quick": args.quick, "data": note, "results": rows, **verdict}))


if __name__ == "__main__":
    main()
