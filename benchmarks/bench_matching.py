"""Matching index vs the naive evaluator: 1,000 articles against 1k / 10k / 100k subscriptions.

Index: analyze(title, text, lang=LANG[0]) once per article, then SubscriptionIndex.match. Naive: the same
analysis, then every subscription's Query.matches. The naive side is timed on a sample of the
articles and scaled to all of them (said in the output); on that sample both sides must agree
on every (article, subscription) pair. Index memory is measured with tracemalloc around
building the index from already-parsed queries.

    python benchmarks/bench_matching.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

from bot.errors import QueryError
from bot.matching.document import analyze
from bot.matching.index import SubscriptionIndex
from bot.matching.query import Query, parse_query
from bot.text.stemming import analyzer

try:
    from tests.support.naive import naive_matches
except ImportError:  # run from benchmarks/: the repository root is one level up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.naive import naive_matches
try:
    from benchmarks.vocab import Vocabulary, feed_titles, load_articles
except ImportError:  # run as a script: the benchmarks folder itself is on sys.path
    from vocab import Vocabulary, feed_titles, load_articles  # type: ignore[no-redef]

NAIVE_PAIRS = 2_000_000  # (article, subscription) pairs the naive side evaluates per size


def make_queries(vocab: Vocabulary, count: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    queries: dict[str, Query] = {}
    for _ in range(count * 20):
        if len(queries) >= count:
            break
        try:
            query = parse_query(vocab.query(rng))
        except QueryError:
            continue
        queries.setdefault(query.normalized, query)
    return list(queries.values())


def build(queries: list[Query]) -> tuple[SubscriptionIndex, float, float]:
    lang = analyzer(LANG[0]).lang  # the index for the articles' language, built as queries arrive
    start = time.perf_counter()
    index = SubscriptionIndex()
    index.prepare(lang)
    for query in queries:
        index.add(query)
    seconds = time.perf_counter() - start
    del index
    tracemalloc.start()
    index = SubscriptionIndex()
    index.prepare(lang)
    for query in queries:
        index.add(query)
    memory = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return index, seconds, memory


REPEATS = 3
LANG: list[str | None] = [None]  # --lang: the articles' language (None: language-neutral rules)


def run_size(articles: list[tuple[str, str]], queries: list[Query], naive_sample: int) -> dict:
    index, build_s, index_mb = build(queries)
    index_s = float("inf")
    for _ in range(REPEATS):  # best of a few runs: the machine is shared, the code is not noisier
        start = time.perf_counter()
        matched = 0
        for title, text in articles:
            matched += len(index.match(analyze(title, text, lang=LANG[0])))
        index_s = min(index_s, time.perf_counter() - start)

    sample = articles[:naive_sample]
    start = time.perf_counter()
    naive_results = []
    for title, text in sample:
        doc = analyze(title, text, lang=LANG[0])
        naive_results.append({q.normalized for q in queries if naive_matches(q, doc)})
    naive_sample_s = time.perf_counter() - start
    naive_s = naive_sample_s * len(articles) / len(sample)

    disagreements = 0
    for (title, text), expected in zip(sample, naive_results, strict=True):
        disagreements += len(index.match(analyze(title, text, lang=LANG[0])) ^ expected)
    return {
        "subscriptions": len(queries),
        "build_s": build_s,
        "index_mb": index_mb,
        "index_s": index_s,
        "naive_s": naive_s,
        "naive_sample": len(sample),
        "matches_per_article": matched / len(articles),
        "disagreements": disagreements,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 articles, 1k and 10k subscriptions")
    parser.add_argument("--data", type=Path, help="a jsonl file in the corpus summaries format")
    parser.add_argument("--lang", help="analyse the articles as this language (e.g. en), as the poller does")
    args = parser.parse_args(argv)
    LANG[0] = args.lang

    corpus, origin = load_articles(args.data)
    n_articles = 200 if args.quick else 1000
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    articles = [corpus[i % len(corpus)] for i in range(n_articles)]
    vocab = Vocabulary(corpus, feed_titles())
    print(f"articles: {n_articles} ({origin}; cycled when fewer)")
    print(f"vocabulary: {len(vocab.names)} names, {len(vocab.words)} words, {len(vocab.phrases)} phrases")
    start = time.perf_counter()
    all_queries = make_queries(vocab, sizes[-1], seed=42)
    print(f"parsed {len(all_queries)} distinct queries in {time.perf_counter() - start:.2f}s")

    rows = []
    for size in sizes:
        naive_sample = max(5, min(n_articles, NAIVE_PAIRS // size // (10 if args.quick else 1)))
        rows.append(run_size(articles, all_queries[:size], naive_sample))

    print()
    header = (
        f"{'subs':>8} {'build s':>8} {'index MB':>9} {'index s':>8} {'art/s':>8} "
        f"{'naive s*':>9} {'art/s':>8} {'speedup':>8} {'hits/art':>9} {'sample':>7} {'disagree':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['subscriptions']:>8} {r['build_s']:>8.2f} {r['index_mb']:>9.1f} {r['index_s']:>8.3f} "
            f"{n_articles / r['index_s']:>8.0f} {r['naive_s']:>9.1f} {n_articles / r['naive_s']:>8.1f} "
            f"{r['naive_s'] / r['index_s']:>7.0f}x {r['matches_per_article']:>9.1f} {r['naive_sample']:>7} "
            f"{r['disagreements']:>8}"
        )
    print(
        f"* naive seconds are measured on the first 'sample' articles and scaled to {n_articles}; "
        "'disagree' counts (article, subscription) pairs where index and naive differ on that sample."
    )
    print(
        f"index s includes analyze() of every article (best of {REPEATS} runs); "
        "build s excludes query parsing."
    )
    last = rows[-1]
    ok = all(r["disagreements"] == 0 for r in rows)
    print(f"index and naive agree on every sampled pair: {'yes' if ok else 'NO'}")
    print(
        json.dumps(
            {
                "bench": "matching",
                "articles": n_articles,
                "subscriptions": last["subscriptions"],
                "index_seconds": round(last["index_s"], 3),
                "naive_seconds": round(last["naive_s"], 1),
                "speedup": round(last["naive_s"] / last["index_s"], 1),
                "index_mb": round(last["index_mb"], 1),
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
