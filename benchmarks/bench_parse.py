"""Feed parsing benchmark: parse_feed (plain feeds through lxml) against feedparser, and proof that
both readings give the same articles.

For each document: our parse_feed as the bot runs it, parse_feed forced through feedparser only
(`use_plain=False`, the reading before the lxml path), and feedparser.parse alone (the library's
own cost, without our cleaning). The documents: ../shared/corpus/feeds when present (real feeds,
7 languages, 4 encodings, malformed ones), else tests/data/feeds (says which), plus the synthetic
feeds of bench_polling. Every document read by the lxml path must give articles equal to
feedparser's reading ("same" column).

    python benchmarks/bench_parse.py [--quick] [--data DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from feed_farm import synthetic_feed  # noqa: E402

from bot.ingest.parse import parse_feed  # noqa: E402
from bot.ingest.plainfeed import read_plain  # noqa: E402

NOW = datetime(2026, 12, 2, tzinfo=UTC)
URL = "https://news.example.org/feed.xml"
HEADERS = {"content-type": "application/rss+xml; charset=utf-8", "content-location": URL}


def timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(name: str, docs: list[bytes], repeat: int) -> dict:
    plain = [d for d in docs if read_plain(d, HEADERS) is not None]
    same = sum(
        parse_feed(d, source="S", url=URL, headers=HEADERS, now=NOW)
        == parse_feed(d, source="S", url=URL, headers=HEADERS, now=NOW, use_plain=False)
        for d in plain
    )

    def ours() -> None:
        for d in docs:
            parse_feed(d, source="S", url=URL, headers=HEADERS, now=NOW)

    def before() -> None:
        for d in docs:
            parse_feed(d, source="S", url=URL, headers=HEADERS, now=NOW, use_plain=False)

    def library() -> None:
        for d in docs:
            feedparser.parse(io.BytesIO(d), response_headers=HEADERS)

    per = 1000 / len(docs)
    return {
        "docs": name,
        "count": len(docs),
        "plain": len(plain),
        "same": same,
        "ours_ms": timed(ours, repeat) * per,
        "feedparser_path_ms": timed(before, repeat) * per,
        "feedparser_alone_ms": timed(library, repeat) * per,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents and one repeat")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "corpus" / "feeds")
    args = parser.parse_args()
    folder = args.data if args.data.is_dir() else ROOT / "tests" / "data" / "feeds"
    note = f"real documents: {folder}" + ("" if folder == args.data else f" ({args.data} not found)")
    real = [p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".xml", ".html", ".rdf")]
    repeat = 1 if args.quick else 3
    rows = [
        measure("real feeds", real[:10] if args.quick else real, repeat),
        measure(
            "synthetic (bench_polling)", [synthetic_feed(i) for i in range(10 if args.quick else 100)], repeat
        ),
    ]
    print(note)
    print(
        f"{'documents':<26} {'n':>4} {'lxml':>5} {'same':>5} {'ours ms':>8} {'before ms':>10} "
        f"{'feedparser ms':>14} {'speed-up':>8}"
    )
    for r in rows:
        print(
            f"{r['docs']:<26} {r['count']:>4} {r['plain']:>5} {r['same']:>5} {r['ours_ms']:>8.2f} "
            f"{r['feedparser_path_ms']:>10.2f} {r['feedparser_alone_ms']:>14.2f} "
            f"{r['feedparser_path_ms'] / r['ours_ms']:>7.1f}x"
        )
    print(
        "ms per document (best of repeats); lxml: documents read by the lxml path; "
        "same: of those, equal articles"
    )
    ok = all(r["same"] == r["plain"] for r in rows)
    print(json.dumps({"bench": "parse", "quick": args.quick, "data": note, "results": rows, "same_ok": ok}))


if __name__ == "__main__":
    main()
