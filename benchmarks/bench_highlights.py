"""Bullet highlights vs human reference highlights: ROUGE-1/2/Lsum F1 of ours, LEAD-3 and random-3.

Data: /work/shared/corpus/summaries/dev.jsonl (CNN/DailyMail and Newsroom articles with the
publisher's highlights). All systems read the same cleaned text (html_to_text, which strips
Daily Mail bylines and datelines), so LEAD-3 here is the strong baseline, not a strawman; a raw
LEAD-3 (uncleaned text) is shown for reference. Also: a keyword-focus check (a name that first
appears deep in the article must show up in a bullet) and page extraction (bench_extract).

    python benchmarks/bench_highlights.py [--quick] [--data PATH] [--pages DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

from rouge_score import rouge_scorer

from bot.alerts.highlights import make_highlights
from bot.text.clean import html_to_text, split_sentences
from bot.text.tokens import fold, tokenize, words

try:
    from benchmarks.bench_extract import DEFAULT_PAGES, measure
except ImportError:  # run as a script: the benchmarks folder itself is on sys.path
    from bench_extract import DEFAULT_PAGES, measure  # type: ignore[no-redef]

DEFAULT_DATA = Path("/work/shared/corpus/summaries/dev.jsonl")
METRICS = ("rouge1", "rouge2", "rougeLsum")
DEEP = 5  # a keyword is "deep" when none of the first DEEP sentences mentions it

# Used only when the corpus is absent, so the script still runs end to end (our own text).
SAMPLE = [
    {
        "title": "Harbour bridge closed after ship strike",
        "text": "A cargo ship struck the Eastbay harbour bridge early on Tuesday, forcing its closure. "
        "No one was injured, the port authority said. Engineers will inspect the damaged pillar this week. "
        "Traffic was diverted through the tunnel, causing long queues. The ship, the Marisol, was leaving "
        "port with a load of timber. Its captain has been questioned by investigators.",
        "highlights": ["A cargo ship hit the Eastbay harbour bridge, which is closed.", "Nobody was hurt."],
    },
    {
        "title": "City council approves new cycle lanes",
        "text": "The city council voted 7-2 on Monday to build twelve miles of protected cycle lanes. "
        "Work starts in spring and should take two years. Supporters said the lanes will cut traffic deaths. "
        "Shop owners on Main Street opposed the plan, fearing lost parking. The mayor, Dana Ortiz, "
        "called the vote historic. Funding comes from a state transport grant.",
        "highlights": ["Council approves twelve miles of protected cycle lanes.", "Work starts in spring."],
    },
]


def load(path: Path, limit: int | None) -> tuple[list[dict], str]:
    if not path.exists():
        return SAMPLE[:limit], f"built-in sample ({len(SAMPLE)} articles): {path} is absent"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return rows[:limit], str(path)


def lead3(text: str) -> list[str]:
    return [s for s in split_sentences(text) if len(s.split()) >= 4][:3]


def random3(text: str, rng: random.Random) -> list[str]:
    sentences = [s for s in split_sentences(text) if len(s.split()) >= 4]
    picks = sorted(rng.sample(range(len(sentences)), min(3, len(sentences))))
    return [sentences[i] for i in picks]


def deep_keyword(text: str) -> str | None:
    """A capitalised name word that none of the first DEEP sentences mentions (any case)."""
    sentences = split_sentences(text)
    if len(sentences) <= DEEP + 1:
        return None
    early = {fold(w) for s in sentences[:DEEP] for w in words(s)}
    for sentence in sentences[DEEP:]:
        for word in re.findall(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b", sentence):  # not sentence-initial
            if fold(word) not in early:
                return word
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--quick", action="store_true", help="~20 articles, 5 pages")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rows, used = load(args.data, 20 if args.quick else None)
    print(f"data: {used}")
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    rng = random.Random(args.seed)
    scores: dict[str, dict[str, list[float]]] = {
        k: {m: [] for m in METRICS} for k in ("ours", "lead3", "lead3_raw", "random3")
    }
    timings: list[float] = []
    bullets_n: list[int] = []
    kw_total = kw_hit = 0
    for row in rows:
        title = row.get("title") or ""
        reference = "\n".join(row["highlights"])
        start = time.perf_counter()
        clean = html_to_text(row["text"])
        ours = make_highlights(title, clean)
        timings.append(time.perf_counter() - start)
        bullets_n.append(len(ours))
        systems = {
            "ours": ours,
            "lead3": lead3(clean),
            "lead3_raw": lead3(row["text"]),
            "random3": random3(clean, rng),
        }
        for name, summary in systems.items():
            result = scorer.score(reference, "\n".join(summary))
            for metric in METRICS:
                scores[name][metric].append(result[metric].fmeasure * 100)
        keyword = deep_keyword(clean)
        if keyword:
            kw_total += 1
            focused = make_highlights(title, clean, (keyword.lower(),))
            stem = tokenize(keyword)[0]
            kw_hit += any(stem in tokenize(b) for b in focused)
    mean = {k: {m: round(statistics.fmean(v), 2) for m, v in d.items()} for k, d in scores.items()}
    ms = 1000 * statistics.fmean(timings)
    print(f"\n{'system':12} {'R-1':>7} {'R-2':>7} {'R-Lsum':>7}")
    for name, row in mean.items():
        print(f"{name:12} {row['rouge1']:7.2f} {row['rouge2']:7.2f} {row['rougeLsum']:7.2f}")
    print("(published CNN/DM LEAD-3: 40.34 / 17.70 / 36.57; lead3_raw = no byline/dateline cleaning)")
    print(
        f"\narticles {len(rows)}, bullets per article {statistics.fmean(bullets_n):.2f}, {ms:.2f} ms/article"
    )
    rate = round(100 * kw_hit / kw_total, 1) if kw_total else None
    print(
        f"keyword focus: {kw_hit}/{kw_total} outputs show a term first seen after sentence {DEEP} ({rate}%)"
    )
    print()
    extraction = measure(args.pages, 5 if args.quick else None, show=not args.quick)
    if extraction is None:
        print(f"extraction: no pages at {args.pages} (corpus absent), not measured")
    else:
        p, r = extraction["precision"], extraction["recall"]
        print(f"extraction on {extraction['pages']} pages: word precision {p}  recall {r}")
    sys.stdout.flush()
    print(
        json.dumps(
            {
                "bench": "highlights",
                "data": used,
                "articles": len(rows),
                "ours": mean["ours"],
                "lead3": mean["lead3"],
                "lead3_raw": mean["lead3_raw"],
                "random3": mean["random3"],
                "ms_per_article": round(ms, 2),
                "bullets_per_article": round(statistics.fmean(bullets_n), 2),
                "keyword_hit_rate": rate,
                "keyword_articles": kw_total,
                "extraction": None
                if extraction is None
                else {"precision": extraction["precision"], "recall": extraction["recall"]},
            }
        )
    )


if __name__ == "__main__":
    main()
