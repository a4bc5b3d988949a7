"""Article-body extraction on real pages: word-level precision and recall against the expected article.

Data: /work/shared/corpus/pages/ (mozilla/readability test pages: `<name>.source.html` as served,
`<name>.expected.html` the human-checked article). Both sides go through html_to_text, so the
score measures what extraction keeps or loses, not formatting. Baseline in the same run: the
whole page through html_to_text (no main-content detection).

    python benchmarks/bench_extract.py [--quick] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bot.ingest.extract import extract_main_text
from bot.text.clean import html_to_text
from bot.text.tokens import words

DEFAULT_PAGES = Path("/work/shared/corpus/pages")


def _overlap(got: str, expected: Counter[str]) -> tuple[int, int, int]:
    bag = Counter(words(got))
    common = sum((bag & expected).values())
    return common, sum(bag.values()), sum(expected.values())


def measure(pages: Path, limit: int | None = None, show: bool = True) -> dict[str, object] | None:
    """Micro-averaged word precision/recall over the pages; None when the folder is absent."""
    sources = sorted(pages.glob("*.source.html"))[:limit]
    if not sources:
        return None
    totals = {"ours": [0, 0, 0], "whole_page": [0, 0, 0]}
    elapsed = 0.0
    if show:
        print("whole = the page through html_to_text without main-content extraction (baseline)")
        print(f"{'page':20} {'P':>6} {'R':>6} {'whole P':>7} {'whole R':>7} {'ms':>6}")
    for source in sources:
        raw = source.read_bytes()
        expected = Counter(
            words(
                html_to_text(
                    source.with_name(source.name.replace(".source", ".expected")).read_text(
                        "utf-8", "replace"
                    )
                )
            )
        )
        start = time.perf_counter()
        got = extract_main_text(raw) or ""
        took = time.perf_counter() - start
        elapsed += took
        ours = _overlap(got, expected)
        whole = _overlap(html_to_text(raw.decode("utf-8", "replace")), expected)
        for key, row in (("ours", ours), ("whole_page", whole)):
            totals[key] = [a + b for a, b in zip(totals[key], row, strict=True)]
        if show:
            print(
                f"{source.name.removesuffix('.source.html'):20} {ours[0] / max(1, ours[1]):6.3f} "
                f"{ours[0] / max(1, ours[2]):6.3f} {whole[0] / max(1, whole[1]):7.3f} "
                f"{whole[0] / max(1, whole[2]):7.3f} {took * 1000:6.0f}"
            )
    result: dict[str, object] = {
        "pages": len(sources),
        "ms_per_page": round(elapsed * 1000 / len(sources), 1),
    }
    for key, (common, got_n, exp_n) in totals.items():
        prefix = "" if key == "ours" else "whole_page_"
        result[prefix + "precision"] = round(100 * common / max(1, got_n), 2)
        result[prefix + "recall"] = round(100 * common / max(1, exp_n), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--quick", action="store_true", help="first 5 pages only")
    args = parser.parse_args()
    result = measure(args.data, 5 if args.quick else None)
    if result is None:
        print(f"no pages at {args.data}: corpus absent, nothing measured")
        result = {"pages": 0}
    else:
        print(f"data: {args.data}")
        print(
            f"extraction  P {result['precision']:.2f}  R {result['recall']:.2f}   "
            f"(whole page: P {result['whole_page_precision']:.2f}  R {result['whole_page_recall']:.2f})"
        )
    print(json.dumps({"bench": "extract", **result}))


if __name__ == "__main__":
    main()
