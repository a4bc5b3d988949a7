"""Storage benchmark: newsbot's store against TinyDB's default JSONStorage doing the same work.

Baseline = the naive TinyDB repository: default JSONStorage (rewrites the file in place,
no fsync, re-reads the file on every query), duplicate checks by query, two tables
written separately, the outbox as a TinyDB table. Ours = storage.open_store (atomic
fsynced writes with a backup, in-memory indexes, outbox journal). Ratio = baseline / ours
(above 1: ours is faster). Article bodies come from the shared corpus when present.

    python benchmarks/bench_storage.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tinydb import Query, TinyDB
from tinydb.table import Table

from bot.models import Alert, Article, ChatRef, Subscription
from storage import open_store
from storage.codec import alert_doc, article_doc, subscription_doc

DEFAULT_DATA = Path("/work/shared/corpus/summaries/dev.jsonl")
T0 = datetime(2026, 11, 25, tzinfo=UTC)


def load_texts(path: Path) -> tuple[list[str], str]:
    if not path.exists():
        filler = "A sentence of synthetic article text about energy markets and pipelines. " * 40
        return [filler], f"{path} not found: using synthetic 3 KB article bodies"
    texts = [
        json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return texts, f"article bodies: {len(texts)} real articles from {path}"


def sub(i: int) -> Subscription:
    return Subscription(ChatRef("telegram", str(i % 3000)), f"query {i}", T0)


def art(i: int, texts: list[str]) -> Article:
    return Article(
        f"key-{i}",
        "Example",
        f"Story {i}",
        f"https://example.org/{i}",
        T0,
        texts[i % len(texts)],
        T0 + timedelta(seconds=i),
        f"guid-{i}",
        f"story {i}",
    )


def alert(i: int) -> Alert:
    return Alert(
        ChatRef("telegram", str(i)),
        "story-1",
        "Story",
        "https://example.org/1",
        "Example",
        T0,
        ("socar",),
        ("one bullet", "another bullet"),
        T0,
    )


def seed(path: Path, tables: dict[str, list[dict[str, object]]]) -> None:
    """Write a TinyDB-format file directly: both implementations start from the same data."""
    path.write_text(
        json.dumps({name: {str(i + 1): d for i, d in enumerate(docs)} for name, docs in tables.items()})
    )


def uncached(db: TinyDB, name: str) -> Table:
    """A table without TinyDB's per-query result cache, so a repeated query measures a real lookup."""
    table = db.table(name)
    table.clear_cache()
    return table


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench(root: Path, n_subs: int, n_cached: int, batch: int, n_alerts: int, texts: list[str]) -> list[dict]:
    rows = []
    q = Query()
    # -- subscribe with n_subs already stored
    seed(root / "ours.json", {"subscriptions": [subscription_doc(sub(i)) for i in range(n_subs)]})
    seed(root / "base.json", {"subscriptions": [subscription_doc(sub(i)) for i in range(n_subs)]})
    store, base = open_store(root / "ours.json"), TinyDB(root / "base.json")
    counter = iter(range(n_subs, n_subs * 2))

    def base_add() -> None:
        s = sub(next(counter))
        table = base.table("subscriptions")
        if not table.contains((q.chat == s.chat.key) & (q.query == s.query)):
            table.insert(subscription_doc(s))

    ours_counter = iter(range(n_subs, n_subs * 2))
    rows.append(
        (
            f"subscribe (add) at {n_subs} subscriptions",
            timed(base_add, 30),
            timed(lambda: store.subscriptions.add(sub(next(ours_counter))), 30),
        )
    )
    chats = [ChatRef("telegram", str(i)) for i in range(0, 3000, 97)]
    rows.append(
        (
            f"for_chat x{len(chats)} at {n_subs} subscriptions",
            timed(lambda: [uncached(base, "subscriptions").search(q.chat == c.key) for c in chats], 3),
            timed(lambda: [store.subscriptions.for_chat(c) for c in chats], 3),
        )
    )
    store.close()
    base.close()

    # -- remember a poll cycle's batch with n_cached stories cached and seen
    old = [art(i, texts) for i in range(n_cached)]
    seen_docs = [
        {"key": a.key, "url": a.url, "title_key": a.title_key, "seen_at": T0.isoformat()} for a in old
    ]
    seed(root / "ours.articles.json", {"seen": seen_docs, "cache": [article_doc(a) for a in old]})
    seed(root / "base2.json", {"seen": seen_docs, "cache": [article_doc(a) for a in old]})
    store, base = open_store(root / "ours.json"), TinyDB(root / "base2.json")
    next_batch = iter(range(n_cached, n_cached * 100, batch))

    def base_remember() -> None:
        start = next(next_batch)
        fresh = [art(i, texts) for i in range(start, start + batch)]
        base.table("seen").insert_multiple(
            {"key": a.key, "url": a.url, "title_key": a.title_key, "seen_at": T0.isoformat()} for a in fresh
        )
        base.table("cache").insert_multiple(article_doc(a) for a in fresh)

    ours_batch = iter(range(n_cached, n_cached * 100, batch))

    def ours_remember() -> None:
        start = next(ours_batch)
        store.articles.remember([art(i, texts) for i in range(start, start + batch)])

    rows.append(
        (f"remember {batch} articles, {n_cached} cached", timed(base_remember, 5), timed(ours_remember, 5))
    )
    keys = [f"key-{i}" for i in range(0, n_cached * 2, (n_cached * 2) // batch)]
    rows.append(
        (
            f"seen({len(keys)} keys), {n_cached} seen",
            timed(lambda: uncached(base, "seen").search(q.key.one_of(keys)), 5),
            timed(lambda: store.articles.seen(keys), 5),
        )
    )
    store.close()
    base.close()

    # -- a broadcast: enqueue n_alerts, then complete them one by one
    alerts = [alert(i) for i in range(n_alerts)]
    store, base = open_store(root / "ours.json"), TinyDB(root / "base3.json")

    def base_broadcast() -> None:
        table = base.table("outbox")
        ids = table.insert_multiple(alert_doc(a) for a in alerts)
        for doc_id in ids:
            table.remove(doc_ids=[doc_id])

    def ours_broadcast() -> None:
        store.outbox.enqueue(alerts)
        for a in alerts:
            store.outbox.complete(a.id)

    rows.append(
        (f"outbox: enqueue + complete {n_alerts} alerts", timed(base_broadcast, 1), timed(ours_broadcast, 1))
    )
    store.close()
    base.close()
    return [{"operation": name, "baseline_s": b, "ours_s": o, "ratio": b / o} for name, b, o in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, runs in seconds")
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="JSONL with a 'text' field per article"
    )
    args = parser.parse_args()
    texts, note = load_texts(args.data)
    sizes = (2000, 1000, 200, 200) if args.quick else (10_000, 5000, 200, 1000)
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        results = bench(Path(tmp), *sizes, texts)
    print(note)
    print(f"{'operation':<48} {'baseline ms':>12} {'ours ms':>10} {'ratio':>8}")
    for r in results:
        print(
            f"{r['operation']:<48} {r['baseline_s'] * 1000:>12.2f} "
            f"{r['ours_s'] * 1000:>10.2f} {r['ratio']:>8.2f}"
        )
    print("baseline: TinyDB default JSONStorage, naive repository (no fsync); ours: atomic fsynced writes")
    print(json.dumps({"bench": "storage", "quick": args.quick, "data": note, "results": results}))


if __name__ == "__main__":
    main()
