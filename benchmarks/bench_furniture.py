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
bullets that lost story text.

    python benchmarks/bench_furniture.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.text.clean import is_boilerplate
from bot.text.furniture import default_rules

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "furniture"
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
        after = bullet_of(clean(record["text"]))
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
        expected, after = bullet_of(record["expected"]), bullet_of(clean(record["text"]))
        if outcome(after, expected) != "ok":
            out.append(f"  {outcome(after, expected):9} {record['src']}: {record['text'][:90]!r}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a .jsonl file or a folder of them")
    parser.add_argument("--quick", action="store_true", help="the first 200 records of each file")
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
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
