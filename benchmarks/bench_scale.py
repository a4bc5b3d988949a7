"""Scale benchmark: a large community on one small server, with the real store on disk.

At 100 % of the load: 10,000 chats, 50,000 subscriptions (5 a chat), 100,000 seen-story
records; figures at 10 % and 50 % too, and on an empty store (the baseline, same run).

- /subscribe: NewsService.subscribe over the loaded store (the durable write included), 200
  calls, p50 / p95 / max. Target p95 < 50 ms.
- A poll batch: the real Poller over 20 sources (2 new stories each) matching 1 % of the
  subscriptions; every
  durable write is counted per file with its bytes. Target: one write per file per batch.
- File sizes of the store, and the start-up cost (open the store, load the subscriptions).
- Memory: the whole `newsbot run` process and its children (its feed-parsing processes) on
  that store, against a loopback fake Bot API and feed server, after its first round (each
  source polled once): the sum of each process's PSS (proportional set size, from
  /proc/PID/smaps_rollup) and, beside it, the sum of their RSS. Target < 300 MB of PSS: a page
  several processes share (the language model's mapped file, the libraries' code) is in memory
  once, and PSS counts it once in all (a share in each), where a sum of RSS counts it in every
  process that maps it. Half the served feeds declare no language, so the parse processes load
  the detector, as they do on any real list of sources.

    python benchmarks/bench_scale.py [--quick] [--data PATH]   (--data: unused)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from feed_farm import WORDS, FeedFarm  # noqa: E402
from feed_farm import lookalike_feed as synthetic_feed  # noqa: E402  (its figures stay comparable)

import storage.atomic as atomic  # noqa: E402
import storage.journal as journal_module  # noqa: E402
import storage.outbox as outbox_module  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.ingest.fetch import FeedFetcher  # noqa: E402
from bot.matching.audience import SubscriptionBook  # noqa: E402
from bot.models import ChatRef, ChatState, Source, SourceState, Subscription  # noqa: E402
from bot.pipeline import Poller, PollSettings  # noqa: E402
from bot.ports import Repos  # noqa: E402
from bot.service import NewsService  # noqa: E402
from storage import open_store, store_paths  # noqa: E402
from storage.codec import chat_doc, state_doc, subscription_doc  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402

SUBSCRIBE_P95_MS = 50.0
PSS_MB = 300.0  # the whole bot: the sum of its processes' PSS (see the docstring)
POLL_SOURCES = 20
NOW = datetime.now(UTC)


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
VOCAB = sorted(
    {rng_word for rng_word in (a + b + c for a in SYLLABLES for b in SYLLABLES[:9] for c in "nrsl")}
)
NEWS_SHARE = 0.01  # queries about words the polled stories contain; the rest follow other topics


def query_text(rng: random.Random) -> str:
    words = WORDS if rng.random() < NEWS_SHARE else VOCAB
    a, b, c = rng.sample(words, 3)
    return rng.choice([a, f"{a} {b}", f"{a} OR {b}", f'"{a} {b}"', f"{a} -{c}", f"{b}*"])


def seed(db: Path, chats: int, subs: int, seen: int, sources: list[Source]) -> None:
    """Write the store's files directly, in the format storage writes them."""
    rng = random.Random(chats)
    chat_refs = [ChatRef("telegram", str(100_000 + i)) for i in range(chats)]
    sub_docs, used = [], set()
    while len(sub_docs) < subs:
        chat = chat_refs[len(sub_docs) % chats]
        text = query_text(rng)
        if (chat, text) not in used:
            used.add((chat, text))
            sub_docs.append(subscription_doc(Subscription(chat, text, NOW - timedelta(days=3))))
    from bot.matching.query import parse_query

    for doc in sub_docs:  # the normal form, as subscribe would store it
        doc["query"] = parse_query(doc["query"], stored=True).normalized
    states = [SourceState(s.url, primed=True, last_success=NOW - timedelta(minutes=5)) for s in sources]
    main = {
        "subscriptions": {str(i + 1): d for i, d in enumerate(sub_docs)},
        "chats": {str(i + 1): chat_doc(ChatState(c)) for i, c in enumerate(chat_refs)},
        "source_states": {str(i + 1): state_doc(s) for i, s in enumerate(states)},
    }
    seen_docs = {
        str(i + 1): {
            "key": f"https://old{i % 500}.example.org/story/{i}",
            "url": f"https://old{i % 500}.example.org/story/{i}",
            "title_key": f"old story {i}",
            "seen_at": (NOW - timedelta(hours=i % 600)).isoformat(),
            "source": f"Old {i % 500}",
        }
        for i in range(seen)
    }
    paths = store_paths(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    paths.main.write_text(json.dumps(main))
    paths.articles.write_text(json.dumps({"seen": seen_docs, "cache": {}}))


class WriteLog:
    """Counts every durable write, per file, with its bytes."""

    def __init__(self) -> None:
        self.writes: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()

    def __enter__(self) -> WriteLog:
        self._atomic = atomic.write_atomically
        self._append = outbox_module.JournalOutboxRepo._append

        def write(path: Path, payload: bytes | Iterable[bytes], keep_backup: bool = False) -> None:
            name = Path(path).name
            self.writes[name] += 1
            if isinstance(payload, bytes):
                self.bytes[name] += len(payload)
                return self._atomic(path, payload, keep_backup)

            def counted() -> Iterator[bytes]:  # a file written in chunks is counted as they go
                for chunk in payload:
                    self.bytes[name] += len(chunk)
                    yield chunk

            return self._atomic(path, counted(), keep_backup)

        log = self
        original_append = self._append

        def append(repo, records):  # type: ignore[no-untyped-def]
            log.writes[repo.path.name] += 1
            log.bytes[repo.path.name] += sum(len(outbox_module._encode(r)) for r in records)
            return original_append(repo, records)

        original_journal = self._journal = journal_module.TableJournal.write

        def journal(repo, changes, durable=True):  # type: ignore[no-untyped-def]
            log.writes[repo.path.name] += 1
            log.bytes[repo.path.name] += len(json.dumps(changes))
            return original_journal(repo, changes, durable)

        atomic.write_atomically = write
        journal_module.write_atomically = write  # the journal restarts after a main write
        journal_module.TableJournal.write = journal  # type: ignore[method-assign]
        outbox_module.JournalOutboxRepo._append = append  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        atomic.write_atomically = self._atomic
        journal_module.write_atomically = self._atomic
        journal_module.TableJournal.write = self._journal  # type: ignore[method-assign]
        outbox_module.JournalOutboxRepo._append = self._append  # type: ignore[method-assign]


def feed_transport(sources: list[Source]) -> httpx.MockTransport:
    bodies = {s.url: synthetic_feed(i + 7, items=2) for i, s in enumerate(sources)}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=bodies[str(request.url)], headers={"content-type": "application/rss+xml"}
        )

    return httpx.MockTransport(handler)


async def in_process(db: Path, sources: list[Source]) -> dict:
    start = time.perf_counter()
    store = open_store(db)
    book = SubscriptionBook()
    book.load(store.subscriptions.all())
    open_s = time.perf_counter() - start
    clock = SystemClock()
    repos = Repos.of(store)
    service = NewsService(repos, book, clock)
    rng = random.Random(1)
    samples = []
    for i in range(200):
        chat = ChatRef("telegram", str(100_000 + rng.randrange(10_000) if i % 2 else 900_000 + i))
        text = f"{query_text(rng)} {WORDS[i % len(WORDS)]}{i}"
        t = time.perf_counter()
        service.subscribe(chat, text)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    fetcher = FeedFetcher(transport=feed_transport(sources))
    settings = PollSettings(fetch_pages=False, max_story_age=timedelta(days=36500), batch_seconds=30.0)
    poller = Poller(repos, book, fetcher, clock, lambda: sources, settings, alerts=service.alerts)
    with WriteLog() as writes:
        report = await poller.poll_once()
    await fetcher.aclose()
    store.close()
    paths = store_paths(db)
    files = (paths.main, paths.articles, paths.outbox, paths.journal)
    sizes = {p.name: p.stat().st_size for p in files if p.exists()}
    return {
        "open_and_load_s": open_s,
        "subscribe_ms": {
            "p50": statistics.median(samples),
            "p95": samples[int(len(samples) * 0.95) - 1],
            "max": samples[-1],
        },
        "poll": {"new_stories": report.new_stories, "alerts_queued": report.alerts_queued},
        "writes": dict(writes.writes),
        "bytes_written": dict(writes.bytes),
        "file_bytes": sizes,
    }


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except FileNotFoundError:
            continue
        for child in children:
            found += process_tree(int(child))
    return found


def memory_kb(pid: int) -> dict[str, int]:
    """Rss and Pss of one process (kB), and its peak resident set (VmHWM)."""
    figures = {"Rss": 0, "Pss": 0, "VmHWM": 0}
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        lines += Path(f"/proc/{pid}/status").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):
        return figures
    for line in lines:
        name, _, value = line.partition(":")
        if name in figures:
            figures[name] = int(value.split()[0])
    return figures


def role(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    if "resource_tracker" in command:
        return "tracker"
    return "parse" if "parse_worker import serve" in command or "spawn_main" in command else "other"


def whole_bot_memory(pid: int) -> dict:
    """PSS and RSS of the bot's processes, summed and by role (main, parse processes, tracker)."""
    processes = []
    for each in process_tree(pid):
        figures = memory_kb(each)
        processes.append({"role": role(each) if each != pid else "main", **figures})
    return {
        "pss_mb": sum(p["Pss"] for p in processes) / 1024,
        "rss_mb": sum(p["Rss"] for p in processes) / 1024,
        "peak_mb": next(p["VmHWM"] for p in processes if p["role"] == "main") / 1024,
        "processes": [
            {"role": p["role"], "pss_mb": p["Pss"] / 1024, "rss_mb": p["Rss"] / 1024} for p in processes
        ],
    }


def farm_feeds() -> list[bytes]:
    """The feeds the memory run serves: every other one declares no language (as real lists have
    some), so the parse processes detect languages and load the model, as they do in service."""
    return [
        synthetic_feed(i).replace(b"<language>en</language>", b"") if i % 2 else synthetic_feed(i)
        for i in range(POLL_SOURCES)
    ]


def prepare_language_model() -> None:
    """Build the language model's cache file (bot.text.langid_cache) as an installed bot's first
    start does once, so every level measures the bot that maps it, not the one-off build."""
    code = "from bot.text.langid_cache import load; load()"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def whole_bot_memory_after_poll(db: Path, farm: FeedFarm, count: int, timeout: float = 120.0) -> dict:
    """Start the real `newsbot run` on the store; its processes' memory once its first round is done."""
    sources_file = db.with_name("sources.toml")
    sources_file.write_text(
        "".join(f'[[sources]]\nname = "Feed {i}"\nurl = "{farm.url(i)}"\n\n' for i in range(count))
    )
    with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123456:SCALE",
            "TELEGRAM_API_URL": api.url,
            "NEWSBOT_DB": str(db),
            "NEWSBOT_SOURCES": str(sources_file),
            "NEWSBOT_LOG_LEVEL": "INFO",
        }
        log_path = db.with_name("bot.log")
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())", "run"],
                env=env,
                stderr=log,
                stdout=log,
                cwd=ROOT,
            )
        try:
            deadline = time.monotonic() + timeout
            # the whole first round: every source polled once (one "poll:" line a source)
            while time.monotonic() < deadline and log_path.read_text().count("poll: ") < count:
                if proc.poll() is not None:
                    raise RuntimeError(f"newsbot exited: {log_path.read_text()[-2000:]}")
                time.sleep(0.2)
            time.sleep(1.0)  # delivery of the first poll's alerts starts
            return whole_bot_memory(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, no process start")
    parser.add_argument("--data", type=Path, default=None, help="unused: the data is generated")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    full = (1000, 5000, 10_000) if args.quick else (10_000, 50_000, 100_000)
    levels = [(0, 0, 0)] + [tuple(n * pct // 100 for n in full) for pct in (10, 50, 100)]
    sources = [Source(f"Feed {i}", f"https://feed{i}.example.org/rss.xml") for i in range(POLL_SOURCES)]
    rows = []
    if not args.quick:
        prepare_language_model()
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        FeedFarm(POLL_SOURCES, feeds=farm_feeds()) as farm,
    ):
        for n, (chats, subs, seen) in enumerate(levels):
            db = Path(tmp) / f"level{n}" / "newsbot.json"
            seed(db, chats, subs, seen, sources)
            row = {
                "chats": chats,
                "subscriptions": subs,
                "seen": seen,
                **asyncio.run(in_process(db, sources)),
            }
            if not args.quick:
                mem_db = Path(tmp) / f"mem{n}" / "newsbot.json"
                farm_sources = [Source(f"Feed {i}", farm.url(i)) for i in range(POLL_SOURCES)]
                seed(mem_db, chats, subs, seen, farm_sources)
                row["memory"] = whole_bot_memory_after_poll(mem_db, farm, POLL_SOURCES)
            rows.append(row)
    print("store on disk (TinyDB + atomic writes); level 0 = empty store (baseline)")
    print(f"{'chats':>6} {'subs':>6} {'seen':>7} {'open s':>7} {'sub p50':>8} {'sub p95':>8} {'sub max':>8}"
          f" {'main MB':>8} {'art MB':>7} {'PSS MB':>7} {'RSS MB':>7}"
          "  writes per file in one poll batch (KB)")  # fmt: skip
    for r in rows:
        sizes, ms = r["file_bytes"], r["subscribe_ms"]
        writes = ", ".join(
            f"{name.partition('.')[2] or name}: {count}x ({r['bytes_written'][name] / 1024:.0f})"
            for name, count in sorted(r["writes"].items())
        )
        pss = f"{r['memory']['pss_mb']:.0f}" if "memory" in r else "-"
        rss = f"{r['memory']['rss_mb']:.0f}" if "memory" in r else "-"
        print(
            f"{r['chats']:>6} {r['subscriptions']:>6} {r['seen']:>7} {r['open_and_load_s']:>7.2f} "
            f"{ms['p50']:>8.1f} {ms['p95']:>8.1f} {ms['max']:>8.1f} "
            f"{sizes.get('newsbot.json', 0) / 2**20:>8.1f} "
            f"{sizes.get('newsbot.articles.json', 0) / 2**20:>7.1f} "
            f"{pss:>7} {rss:>7}  {writes}"
        )
    if any("memory" in r for r in rows):
        print("memory after the first round, by process: PSS (RSS) MB; main peak = its VmHWM")
        for r in rows:
            if "memory" in r:
                by_role = "  ".join(
                    f"{p['role']} {p['pss_mb']:.0f} ({p['rss_mb']:.0f})" for p in r["memory"]["processes"]
                )
                print(f"{r['chats']:>6} chats: {by_role}  main peak {r['memory']['peak_mb']:.0f}")
    last = rows[-1]
    verdict = {
        "subscribe_p95_ok": last["subscribe_ms"]["p95"] < SUBSCRIBE_P95_MS,
        "one_write_per_file": all(v == 1 for v in last["writes"].values()),
        "memory_ok": ("memory" not in last) or last["memory"]["pss_mb"] < PSS_MB,
    }
    print(
        f"targets: subscribe p95 < {SUBSCRIBE_P95_MS:g} ms, one write per file per batch, "
        f"whole bot < {PSS_MB:g} MB (sum of PSS; the sum of RSS counts shared pages once a process)"
    )
    print(json.dumps({"bench": "scale", "quick": args.quick, "results": rows, **verdict}))


if __name__ == "__main__":
    main()
