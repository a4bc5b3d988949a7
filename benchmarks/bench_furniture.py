"""Furniture in bullets before (today's filters) and after bot.text.furniture, on a labelled sample.

Data: tests/data/furniture/*.jsonl (see tests/data/SOURCES.md). `corpus_sample.jsonl` holds
candidate bullets taken from ../shared/corpus (every sentence of the feeds, the extracted pages
and the summary articles that mentions a furniture cue word, plus a random sample of the bullets
the bot makes today), each labelled by hand with the text that should remain ("" when the whole
sentence is furniture). `handmade.jsonl` holds written examples for the eight bundled languages,
furniture and look-alike story sentences.

A candidate becomes a bullet when today's filters keep it (is_boilerplate, at least four words,
a short line needs closing punctuation); the baseline applies only those, "after" applies the
furniture rules first. "furniture left" counts bullets still carrying furniture, "false removals"
bullets that lost story text. A record drawn from a list item carries the list's markup
(`html`): "after", the candidate reaches the highlighter only if html_to_text still yields it
(a list item that is only a link to another page is a related headline and is dropped there).

Cost: the furniture calls make_highlights makes (clean_line per block, clean_sentence per
sentence), every rule on every sentence (the baseline, `prefilter=False`) against the rules
picked by their cues (bot/text/cues.py), on the articles of --articles (default: the corpus's
summaries/dev.jsonl; without it, the sample's candidates); both must give the same text.

    python benchmarks/bench_furniture.py [--quick] [--data PATH] [--articles PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.text.clean import BULLET, html_to_text, is_boilerplate, split_sentences
from bot.text.furniture import FurnitureRules, default_rules

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "furniture"
DEFAULT_ARTICLES = Path("/work/shared/corpus/summaries/dev.jsonl")
_CLOSERS = (".", "!", "?", "…")
WIDTHS = (5, 8, 7, 6, 12, 11)


def bullet_of(text: str) -> str:
    """What today's highlight filters make of a candidate: the bullet text, or "" (never a bullet)."""
    body = text.removeprefix("• ").strip()
    if not body or is_boilerplate(body):
        return ""
    n = len(body.split())
    if n < 4 or (n < 8 and not body.rstrip("\"'”’)").endswith(_CLOSERS)):
        return ""
    return body


def reaching(record: dict[str, str]) -> str:
    """The candidate as ingest makes it today: "" when html_to_text no longer yields its block."""
    markup = record.get("html")
    if not markup:
        return record["text"]
    blocks = {line.removeprefix(BULLET).strip() for line in html_to_text(markup).splitlines()}
    return record["text"] if record["text"].removeprefix(BULLET).strip() in blocks else ""


def outcome(got: str, expected: str) -> str:
    if got == expected:
        return "ok"
    if got and (not expected or len(got) > len(expected)):
        return "furniture"
    return "over"


def load(path: Path) -> dict[str, list[dict[str, str]]]:
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return {f.stem: [json.loads(line) for line in f.open(encoding="utf-8") if line.strip()] for f in files}


def evaluate(records: list[dict[str, str]], clean: Callable[[str], str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for record in records:
        expected = bullet_of(record["expected"])
        before = bullet_of(record["text"])
        after = bullet_of(clean(reaching(record)))
        counts["candidates"] += 1
        counts["furniture_labelled"] += record["expected"].strip() != record["text"].strip()
        counts["bullets_expected"] += bool(expected)
        for name, got in (("before", before), ("after", after)):
            result = outcome(got, expected)
            counts[f"{name}_furniture"] += result == "furniture"
            counts[f"{name}_false_removals"] += result == "over"
    return dict(counts)


def misses(records: list[dict[str, str]], clean: Callable[[str], str]) -> list[str]:
    out = []
    for record in records:
        expected, after = bullet_of(record["expected"]), bullet_of(clean(reaching(record)))
        if outcome(after, expected) != "ok":
            out.append(f"  {outcome(after, expected):9} {record['src']}: {record['text'][:90]!r}")
    return out


Sets = dict[str, list[dict[str, str]]]
Article = tuple[list[str], list[str]]  # its blocks, and the sentences of its blocks once cleaned


def highlight_calls(rules: FurnitureRules, articles: list[Article]) -> list[str]:
    """What make_highlights asks of the furniture rules for each article (sentence splitting,
    which is not furniture work, is done beforehand)."""
    out = []
    for blocks, sentences in articles:
        out.extend(rules.clean_line(block) for block in blocks)
        out.extend(rules.clean_sentence(sentence) for sentence in sentences)
    return out


def _article(blocks: list[str]) -> Article:
    rules = default_rules()
    lines = (rules.clean_line(b).removeprefix(BULLET).strip() for b in blocks)
    return blocks, [s for line in lines for s in split_sentences(line)]


def load_articles(path: Path, sets: Sets, quick: bool) -> tuple[str, list[Article]]:
    if path.is_file():
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = [html_to_text(r["text"]) for r in (rows[:40] if quick else rows)]
        return str(path), [_article([b for b in text.splitlines() if b.strip()]) for text in texts]
    grouped: dict[tuple[str, str], list[str]] = {}
    for records in sets.values():
        for r in records:
            grouped.setdefault((r["src"], r.get("item", "")), []).append(r["text"])
    return "the sample's candidates, by item", [_article(blocks) for blocks in grouped.values()]


def cost(rules: FurnitureRules, articles: list[Article], repeat: int) -> tuple[float, list[str]]:
    best, out = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        out = highlight_calls(rules, articles)
        best = min(best, time.perf_counter() - start)
    return best * 1000 / max(1, len(articles)), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a .jsonl file or a folder of them")
    parser.add_argument("--quick", action="store_true", help="the first 200 records of each file")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="summaries for the cost")
    args = parser.parse_args()
    rules = default_rules()
    sets = load(args.data)
    if args.quick:
        sets = {name: records[:200] for name, records in sets.items()}
    print(f"data: {args.data}  rules: {len(rules.rules)} in {', '.join(rules.languages)}")
    header = ("sample", "n", "labelled", "before", "after", "false before", "false after")
    print(f"{header[0]:16} " + " ".join(f"{h:>{w}}" for h, w in zip(header[1:], WIDTHS, strict=True)))
    summary: dict[str, object] = {"bench": "furniture"}
    total: Counter[str] = Counter()
    elapsed, sentences = 0.0, 0
    for name, records in sets.items():
        start = time.perf_counter()
        figures = evaluate(records, rules.clean_block)
        elapsed += time.perf_counter() - start
        sentences += len(records)
        total.update(figures)
        print(
            f"{name:16} {figures['candidates']:5} {figures['furniture_labelled']:8} "
            f"{figures['before_furniture']:7} {figures['after_furniture']:6} "
            f"{figures['before_false_removals']:12} {figures['after_false_removals']:11}"
        )
        summary[name] = figures
        for line in misses(records, rules.clean_block)[:10]:
            print(line)
    print("before/after = bullets that still carry furniture; false = bullets that lost story text")
    summary["furniture_before"] = total["before_furniture"]
    summary["furniture_after"] = total["after_furniture"]
    summary["false_removals_after"] = total["after_false_removals"]
    summary["us_per_candidate"] = round(elapsed * 1e6 / max(1, sentences), 1)
    source, articles = load_articles(args.articles, sets, args.quick)
    full = FurnitureRules(rules.rules, prefilter=False)
    repeat = 1 if args.quick else 3
    full_ms, full_out = cost(full, articles, repeat)
    cued_ms, cued_out = cost(rules, articles, repeat)
    print(f"\nfurniture calls of make_highlights, per article ({len(articles)} articles: {source})")
    print(f"{'rules run':28} {'ms/article':>10} {'ratio':>6}")
    print(f"{'every rule (baseline)':28} {full_ms:10.3f} {1.0:6.2f}")
    print(f"{'rules picked by their cues':28} {cued_ms:10.3f} {cued_ms / full_ms if full_ms else 0:6.2f}")
    print(f"same text from both: {'yes' if full_out == cued_out else 'NO'}")
    summary["ms_per_article_every_rule"] = round(full_ms, 3)
    summary["ms_per_article_cued"] = round(cued_ms, 3)
    summary["same_output"] = full_out == cued_out
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
