"""Copies and same-event reports: precision / recall on labelled pairs, and the cost per new story.

How the pairs were made: see benchmarks/dedup_pairs.py (its docstring lists every kind). In short:
copies are syndicated variants generated from the real articles of ../shared/corpus/summaries
(new headline, trimmed or re-ordered paragraphs, byline and boilerplate, another outlet's name,
tracking parameters) plus four real copies found in the corpus feeds; not copies are different
stories under one generic or identical title and the most similar pairs of different articles.
Same-event pairs are reports of one event from the corpus's January 2017 feeds (Japan Today,
Japan Times, Mirror, NYT, Indian Express, Reuters, CTV), labelled by hand into 31 events, plus
BBC lead vs deeper summary sentences; not the same event: every other pair of those feed stories
within 24 h, and every pair of different corpus articles.

Same event, honestly: the pairs are split in two halves by a hash of their two titles
(`half`); the event thresholds were chosen on half 0 ("chosen on") and the table shows half 1
("held out") apart. The non-names share (0.3) was set as the lowest value that keeps a hand-made
case apart (tests/unit/test_near.py: "Trump asks Obama's envoys to quit" vs "Obama calls for a
seamless transition to Trump"), after the held-out half had been looked at once: its held-out
figure is therefore not blind. Positives were labelled by one person reading titles and summaries.

Cost: an index filled with N synthetic stories (words drawn with the corpus's own word
frequencies: titles of 9 words, leads of 90), then 1,000 new stories each fingerprinted, looked up and added,
against the naive way (compare with every stored story) in the same run.

    python benchmarks/bench_dedup.py [--quick] [--data CORPUS_DIR] [--seen N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import dedup_pairs as data  # noqa: E402
from benchmarks.dedup_eval import by_kind, copy_eval, event_eval  # noqa: E402
from bot.stories import events, near  # noqa: E402

SAMPLE = [  # used only when the corpus is absent (our own text), so the script runs end to end
    data.Story(
        "Harbour bridge closed after ship strike",
        "A cargo ship struck the Eastbay harbour bridge early on Tuesday, forcing its closure.\n"
        "No one was injured, the port authority said.\nEngineers will inspect the damaged pillar.\n"
        "Traffic was diverted through the tunnel, causing long queues in the city centre.",
    ),
    data.Story(
        "City council approves new cycle lanes",
        "The city council voted 7-2 on Monday to build twelve miles of protected cycle lanes.\n"
        "Work starts in spring and should take two years.\nShop owners on Main Street opposed the plan.\n"
        "The mayor, Dana Ortiz, called the vote historic and thanked the campaigners.",
    ),
    data.Story(
        "Storm leaves thousands without power",
        "High winds brought down power lines across the northern valleys overnight.\n"
        "About 40,000 homes were still without electricity on Wednesday morning.\n"
        "The utility said crews would work through the weekend to restore supply.",
    ),
]


def synthetic(n: int, pool: list[str], rng: random.Random) -> list[data.Story]:
    """Stories of words drawn with the corpus's own word frequencies (Zipfian, like news text):
    realistic shingle and term statistics, but no two share a sentence by construction."""
    counts: dict[str, int] = {}
    for line in pool:
        for w in line.split():
            counts[w] = counts.get(w, 0) + 1
    vocab, weights = list(counts), list(counts.values())
    out = []
    for i in range(n):
        body = rng.choices(vocab, weights, k=90)
        text = "\n".join(" ".join(body[k : k + 30]) + "." for k in range(0, 90, 30))
        out.append(data.Story(" ".join(rng.choices(vocab, weights, k=9)), text, at=float(i)))
    return out


def cost(seen: int, pool: list[str], rng: random.Random, new: int = 1000) -> dict[str, float]:
    fill = synthetic(seen + new, pool, rng)
    copies, evs = near.NearIndex(), events.EventIndex()
    t0 = time.perf_counter()
    for n, s in enumerate(fill[:seen]):
        copies.add(f"s{n}", near.fingerprint(s.title, s.text), s.at)
        evs.add(f"s{n}", events.event_terms(s.title, s.text), s.at)
    fill_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for n, s in enumerate(fill[seen:], seen):
        words = near.story_words(s.title, s.text)
        fp = near.fingerprint(s.title, s.text, words)
        copies.copy_of(fp)
        copies.add(f"s{n}", fp, s.at)
        terms = events.event_terms(s.title, s.text, words=words)
        evs.match(terms, since=0.0)
        evs.add(f"s{n}", terms, s.at)
    indexed_ms = (time.perf_counter() - t0) / new * 1000
    # the naive way: every stored signature compared (vectorised), every stored story's terms scored
    matrix = np.stack([copies._prints[k].signature for k in list(copies._prints)[:seen]])
    stored = [e.terms for e in list(evs._entries.values())[:seen]]
    probe = fill[seen : seen + 20]
    t0 = time.perf_counter()
    for s in probe:
        fp = near.fingerprint(s.title, s.text)
        np.count_nonzero(matrix == fp.signature, axis=1).max()
        terms = events.event_terms(s.title, s.text)
        max(events.event_score(terms, other).overlap for other in stored)
    naive_ms = (time.perf_counter() - t0) / len(probe) * 1000
    return {
        "seen": seen,
        "fill_s": round(fill_s, 2),
        "indexed_ms": round(indexed_ms, 3),
        "naive_ms": round(naive_ms, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on a few articles")
    parser.add_argument("--data", type=Path, default=data.CORPUS, help="the corpus folder")
    parser.add_argument("--seen", type=int, default=100_000, help="stories in the index for the cost")
    args = parser.parse_args()
    data.CORPUS = args.data
    rng = random.Random(12)
    limit = 12 if args.quick else None
    stories = data.articles(limit)
    source = str(args.data)
    if len(stories) < 3:
        stories, source = SAMPLE, f"built-in sample ({len(SAMPLE)} stories): {args.data} is absent"
    feeds = data.feed_stories() if not args.quick else {}
    ev_pairs = data.event_pairs(feeds) + data.built_event_pairs(limit)
    # hard copy negatives: the most event-similar pairs of different articles
    terms = [events.event_terms(s.title, s.text) for s in stories]
    scored = sorted(
        (
            (events.event_score(terms[i], terms[j]).overlap, i, j)
            for i in range(len(stories))
            for j in range(i)
        ),
        reverse=True,
    )
    hard = [(i, j) for _, i, j in scored[:400]]
    ev_pairs += [
        data.Pair(stories[i], stories[j], False, "summaries: different articles")
        for _, i, j in scored[: 4000 if not args.quick else 50]
        if stories[i].title != stories[j].title  # the BBC file holds one article twice
    ]
    copy_pairs = data.copy_pairs(stories, rng, hard) + data.feed_copy_pairs(feeds)
    real_copies = {frozenset((id(c.a), id(c.b))) for c in data.feed_copy_pairs(feeds)}
    copy_pairs += [
        data.Pair(p.a, p.b, False, "feeds: same event, not copied")
        for p in ev_pairs
        if p.positive and p.kind.startswith("feeds") and frozenset((id(p.a), id(p.b))) not in real_copies
    ]
    print(f"data: {source}; {len(stories)} articles, {len(feeds)} feed stories")
    print(f"\nCOPIES: {len(copy_pairs)} pairs ({sum(p.positive for p in copy_pairs)} copies)")
    rows, copy_table = copy_eval(copy_pairs)
    print("\n".join(rows))
    chosen = near.NearIndex()
    predicted = []
    for pair in copy_pairs:
        chosen = near.NearIndex()
        chosen.add("a", near.fingerprint(pair.a.title, pair.a.text), 0.0)
        predicted.append(chosen.copy_of(near.fingerprint(pair.b.title, pair.b.text)) is not None)
    print("\n".join(by_kind(copy_pairs, predicted)))
    print(f"\nSAME EVENT: {len(ev_pairs)} pairs ({sum(p.positive for p in ev_pairs)} same event)")
    rows, event_table, ev_pred = event_eval(ev_pairs)
    print("\n".join(rows))
    print("\n".join(by_kind(ev_pairs, ev_pred)))
    wrong = [p for p, q in zip(ev_pairs, ev_pred, strict=True) if q and not p.positive][:8]
    print(f"  {len(wrong)} false merge(s) with the rule used")
    for p in wrong:
        print(f"  false merge: {p.a.title[:60]!r} ~ {p.b.title[:60]!r}")
    pool = [line for s in stories for line in s.text.split("\n") if len(line.split()) >= 8]
    seen = 2_000 if args.quick else args.seen
    small = cost(1_000, pool, random.Random(3), new=200 if args.quick else 1000)
    big = cost(seen, pool, random.Random(4), new=200 if args.quick else 1000)
    print("\nCOST per new story (fingerprint + copy look-up + add, event terms + look-up + add)")
    print(f"{'seen':>8} {'indexed ms':>11} {'naive ms':>9} {'fill s':>7}")
    for r in (small, big):
        print(f"{r['seen']:8} {r['indexed_ms']:11.3f} {r['naive_ms']:9.2f} {r['fill_s']:7.2f}")
    used_copy = copy_table[f"minhash+lsh J>={near.COPY_THRESHOLD} or cont."]
    used_event, held_out = event_table["used"], event_table["used held out"]
    print(
        json.dumps(
            {
                "bench": "dedup",
                "data": source,
                "copy_pairs": len(copy_pairs),
                "copy_precision": used_copy["precision"],
                "copy_recall": used_copy["recall"],
                "event_pairs": len(ev_pairs),
                "event_precision": used_event["precision"],
                "event_recall": used_event["recall"],
                "event_precision_held_out": held_out["precision"],
                "event_recall_held_out": held_out["recall"],
                "seen": big["seen"],
                "ms_per_story": big["indexed_ms"],
                "naive_ms_per_story": big["naive_ms"],
                "ms_per_story_at_1000": small["indexed_ms"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
