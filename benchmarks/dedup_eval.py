"""Precision / recall of copies and same-event reports on bench_dedup's labelled pairs."""

from __future__ import annotations

import hashlib
import zlib

import numpy as np

from benchmarks import dedup_pairs as data
from bot.stories import events, near


def prf(results: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and t for p, t in results)
    fp = sum(p and not t for p, t in results)
    fn = sum(t and not p for p, t in results)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "tp": tp, "fp": fp, "fn": fn}


def simhash(items: set[str]) -> int:
    counts = np.zeros(64)
    for item in items:
        h = int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8).digest(), "big")
        bits = np.array([(h >> i) & 1 for i in range(64)])
        counts += bits * 2 - 1
    return sum(1 << i for i in range(64) if counts[i] > 0)


def copy_eval(pairs: list[data.Pair]) -> tuple[list[str], dict]:
    """Through the index (LSH candidates, then the estimate), at several thresholds; SimHash and exact
    Jaccard on the same shingles as references."""
    rows, table = [], {}
    prints = [(near.fingerprint(p.a.title, p.a.text), near.fingerprint(p.b.title, p.b.text)) for p in pairs]
    sets = [
        (
            near.shingles(near.copy_tokens(p.a.title, p.a.text)),
            near.shingles(near.copy_tokens(p.b.title, p.b.text)),
        )
        for p in pairs
    ]
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        results = []
        for pair, (fa, fb) in zip(pairs, prints, strict=True):
            index = near.NearIndex(threshold)
            index.add("a", fa, 0.0)
            results.append((index.copy_of(fb) is not None, pair.positive))
        table[f"minhash+lsh J>={threshold} or cont."] = prf(results)
    for threshold in (0.4, 0.5):
        results = [
            (len(a & b) / len(a | b) >= threshold if a and b else False, p.positive)
            for p, (a, b) in zip(pairs, sets, strict=True)
        ]
        table[f"exact Jaccard >={threshold}"] = prf(results)
    hashes = [(simhash(a), simhash(b)) for a, b in sets]
    for bits in (3, 6, 10, 14):
        results = [
            ((ha ^ hb).bit_count() <= bits, p.positive) for p, (ha, hb) in zip(pairs, hashes, strict=True)
        ]
        table[f"simhash hamming<={bits}"] = prf(results)
    rows.append(f"{'method':28} {'precision':>9} {'recall':>7} {'fp':>5} {'fn':>5}")
    for name, r in table.items():
        mark = "  <- used" if name == f"minhash+lsh J>={near.COPY_THRESHOLD} or cont." else ""
        rows.append(f"{name:28} {r['precision']:9.4f} {r['recall']:7.4f} {r['fp']:5} {r['fn']:5}{mark}")
    return rows, table


def by_kind(pairs: list[data.Pair], predicted: list[bool]) -> list[str]:
    kinds: dict[str, list[int]] = {}
    for pair, p in zip(pairs, predicted, strict=True):
        key = pair.kind.split(":")[0] + (
            ": " + pair.kind.split(":")[1].split("+")[0] if ":" in pair.kind else ""
        )
        kinds.setdefault(f"{'+' if pair.positive else '-'} {key.strip()}", [0, 0])
        kinds[f"{'+' if pair.positive else '-'} {key.strip()}"][0] += 1
        kinds[f"{'+' if pair.positive else '-'} {key.strip()}"][1] += p == pair.positive
    return [f"  {k[:52]:52} {v[0]:6} pairs, {v[1] / v[0]:6.1%} right" for k, v in sorted(kinds.items())]


EventRule = tuple[float, float, int, float, float]  # overlap, shared, strong, headlines, their non-names


def _rule_of(score: events.EventScore, rule: EventRule) -> bool:
    overlap, shared, strong, cover, what = rule
    return (
        score.overlap >= overlap
        and score.shared >= shared
        and score.strong >= strong
        and score.title_cover >= cover
        and score.what_cover >= what
    )


def half(pair: data.Pair) -> int:
    """0: the pairs the thresholds were chosen on; 1: held out (by a hash of the two titles)."""
    return zlib.crc32(f"{pair.a.title}|{pair.b.title}".encode()) % 2


def event_eval(pairs: list[data.Pair]) -> tuple[list[str], dict, list[bool]]:
    terms = [
        (events.event_terms(p.a.title, p.a.text), events.event_terms(p.b.title, p.b.text)) for p in pairs
    ]
    scores = [events.event_score(a, b) for a, b in terms]
    head = f"{'rule':46} {'set':>8} {'precision':>9} {'recall':>7}"
    rows, table = [head + f" {'tp':>4} {'fp':>4}"], {}
    used: EventRule = (
        events.EVENT_THRESHOLD,
        events.MIN_SHARED,
        events.MIN_STRONG,
        events.MIN_TITLE_COVER,
        events.MIN_WHAT_COVER,
    )
    rules: dict[str, EventRule] = {
        "before: overlap 0.6, shared 8, strong 3": (0.6, 8.0, 3, 0.0, 0.0),
        "overlap 0.5, strong 2": (0.5, 8.0, 2, 0.0, 0.0),
        "overlap 0.5, strong 2, headlines 0.5": (0.5, 8.0, 2, 0.5, 0.0),
        "overlap 0.4, headlines 0.5, non-names 0.3": (0.4, 8.0, 2, 0.5, 0.3),
        "overlap 0.5, headlines 0.4, non-names 0.3": (0.5, 8.0, 2, 0.4, 0.3),
        "used: + headlines 0.5, non-names 0.3": used,
    }
    for name, rule in rules.items():
        for label, keep in (("all", (0, 1)), ("chosen on", (0,)), ("held out", (1,))):
            r = prf(
                [
                    (_rule_of(sc, rule), p.positive)
                    for p, sc in zip(pairs, scores, strict=True)
                    if half(p) in keep
                ]
            )
            table[f"{name}|{label}"] = r
            rows.append(
                f"{name if label == 'all' else '':46} {label:>9} {r['precision']:9.4f} {r['recall']:7.4f} "
                f"{r['tp']:4} {r['fp']:4}"
            )
    table["used"] = table["used: + headlines 0.5, non-names 0.3|all"]
    table["used held out"] = table["used: + headlines 0.5, non-names 0.3|held out"]
    predicted = [sc.same for sc in scores]
    return rows, table, predicted
