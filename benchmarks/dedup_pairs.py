"""Labelled story pairs for bench_dedup.py, built from the real texts in ../shared/corpus.

Copies (positives): every article of summaries/dev.jsonl and bbc_extractive_dev.jsonl gives three
syndicated variants, each a random mix of: a new headline (another sentence of the story, or the
headline cut and re-ordered behind the outlet's name), the last paragraphs trimmed, two paragraphs
after the first swapped, a byline / dateline / newsletter plug / "The post ... appeared first on"
trailer added, the wire's name swapped for another outlet's, and utm_ tracking parameters on the
link. Plus four real syndicated copies found in the January 2017 feeds (Japan Today vs Japan Times,
Reuters vs Japan Today: other headline, truncated summary).
Not copies: two different stories under one generic title ("What we know so far" ...); a story's
exact title over another story's text; the 400 most similar pairs of different articles; every
labelled same-event pair below (one event, two write-ups: similar, not copied).

Same event (positives): reports of one event by different outlets (or twice by one outlet) in
the January 2017 feeds (Japan Today, Japan Times, Mirror, NYT, Indian Express, Reuters, CTV),
labelled by hand into the clusters in FEED_EVENTS (their titles are in comments). Also built:
a BBC article's headline + first paragraphs vs a second "report" made of summary sentences from
deeper in the article (same names, other sentences).
Not the same event: every other pair of those feed stories published within 24 h of each other
(same people, other events: many Trump, Obama, Russia, Syria stories), except pairs with an item
marked ambiguous; and every pair of different articles of the summaries files.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CORPUS = Path("/work/shared/corpus")
GENERIC_TITLES = (
    "What we know so far", "Live updates", "Everything you need to know", "Morning briefing",
    "Five things to know today", "What happens next", "The latest", "Here's what we know",
)  # fmt: skip
OUTLETS = ("Reuters", "AP", "AFP", "CNN", "Bloomberg", "The Guardian", "Daily Mail", "BBC News")
PLUGS = (
    "Sign up for our daily newsletter", "Follow us on Twitter", "Read more", "Advertisement",
    "Related: More stories like this", "Share this article",
)  # fmt: skip

FEEDS = (
    "japantoday", "mirror-worldnews", "nytimes-homepage", "indianexpress-world", "reuters-worldnews",
    "ctvnews-topstories", "japantimes-latest",
)  # fmt: skip
# Hand-labelled: each cluster is one event. (feed, entry index)
FEED_EVENTS: dict[str, list[tuple[str, int]]] = {
    "fort lauderdale airport shooting": [
        ("japantoday", 1), ("japantoday", 12), ("mirror", 13), ("mirror", 16), ("mirror", 17),
        ("mirror", 18), ("mirror", 21), ("mirror", 24), ("nytimes", 4), ("nytimes", 5),
        ("indianexpress", 23), ("indianexpress", 29), ("indianexpress", 35), ("indianexpress", 36),
        ("indianexpress", 39), ("indianexpress", 54), ("indianexpress", 60), ("indianexpress", 76),
        ("ctvnews", 0), ("ctvnews", 1), ("ctvnews", 2), ("japantimes", 14),
    ],
    "US intelligence report on Russian election hacking": [
        ("mirror", 14), ("nytimes", 0), ("nytimes", 2), ("nytimes", 3), ("indianexpress", 17),
        ("indianexpress", 65), ("ctvnews", 5), ("japantimes", 6),
    ],
    "Trump: Mexico will repay the wall": [
        ("japantoday", 13), ("reuters", 1), ("nytimes", 11), ("indianexpress", 90),
    ],
    "Trump tweet at Toyota": [("japantoday", 7), ("indianexpress", 78), ("japantimes", 0)],
    "Tilikum dies": [("indianexpress", 46), ("nytimes", 27)],
    "Iraqi forces reach the Tigris in Mosul": [("indianexpress", 8), ("reuters", 2)],
    "Tory donor threatens to cut funds": [("indianexpress", 15), ("reuters", 6)],
    "Russia scales back in Syria": [("japantoday", 19), ("indianexpress", 106), ("japantimes", 11)],
    "Obama envoys told to quit": [("indianexpress", 51), ("indianexpress", 112)],
    "Israel cuts UN funding": [("indianexpress", 26), ("indianexpress", 74)],
    "Guantanamo detainees sent to Saudi Arabia": [("indianexpress", 125), ("indianexpress", 149)],
    "Raheel Sharif to head Saudi-led coalition": [("indianexpress", 14), ("indianexpress", 71)],
    "Hamza bin Laden designated": [("indianexpress", 161), ("indianexpress", 164)],
    "Netanyahu questioned again": [("indianexpress", 83), ("indianexpress", 132)],
    "Haiti ex-rebel leader arrested": [
        ("indianexpress", 53), ("indianexpress", 64), ("indianexpress", 145),
    ],
    "Ivory Coast mutiny": [
        ("indianexpress", 3), ("indianexpress", 13), ("indianexpress", 22), ("indianexpress", 103),
        ("reuters", 4), ("reuters", 7),
    ],
    "Sindh governor returns conversion bill": [("indianexpress", 20), ("indianexpress", 32)],
    "Chicago torture video": [
        ("nytimes", 14), ("nytimes", 15), ("indianexpress", 62), ("indianexpress", 110),
        ("indianexpress", 134), ("japantimes", 9),
    ],
    "Mexico fuel price protests": [("indianexpress", 182), ("indianexpress", 184)],
    "Taiwan leader's trip": [("ctvnews", 8), ("japantimes", 3), ("indianexpress", 50)],
    "Nishikori into Brisbane final": [("japantoday", 2), ("japantoday", 6), ("japantimes", 28)],
    "Nippon Kaigi book suspended": [("japantoday", 0), ("japantimes", 5)],
    "Japan recalls envoy over statue": [("indianexpress", 129), ("japantimes", 17)],
    "Antarctic ice shelf crack": [("indianexpress", 89), ("japantimes", 13)],
    "Japan-France defence talks": [("japantoday", 9), ("japantimes", 10)],
    "Michelle Obama's farewell": [("indianexpress", 37), ("indianexpress", 57)],
    "DEA in China": [("indianexpress", 38), ("indianexpress", 118)],
    "Theresa May to visit Trump": [("indianexpress", 109), ("indianexpress", 150)],
    "election systems made critical infrastructure": [("indianexpress", 48), ("indianexpress", 56)],
    "no intelligence agency revamp": [("indianexpress", 140), ("indianexpress", 158)],
    "Congress certifies the election": [
        ("indianexpress", 55), ("indianexpress", 69), ("indianexpress", 105),
    ],
}  # fmt: skip
# Related to a cluster without being plainly the same event: left out of every event pair.
AMBIGUOUS = {
    ("mirror", 15), ("indianexpress", 120), ("indianexpress", 135), ("indianexpress", 199),
    ("indianexpress", 87), ("indianexpress", 80), ("indianexpress", 68), ("indianexpress", 63),
    ("indianexpress", 157), ("indianexpress", 175), ("indianexpress", 144), ("indianexpress", 155),
    ("indianexpress", 85), ("indianexpress", 198), ("indianexpress", 92), ("indianexpress", 192),
    ("indianexpress", 170), ("japantimes", 27), ("indianexpress", 28), ("indianexpress", 42),
    ("indianexpress", 30), ("japantoday", 4), ("indianexpress", 47), ("indianexpress", 119),
}  # fmt: skip
# Real syndicated copies: the same wire text under two headlines, one summary truncated.
FEED_COPIES = [
    (("japantoday", 19), ("japantimes", 11)), (("japantoday", 9), ("japantimes", 10)),
    (("japantoday", 2), ("japantimes", 28)), (("reuters", 1), ("japantoday", 13)),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    text: str
    url: str = ""
    at: float = 0.0  # seconds
    source: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    a: Story
    b: Story
    positive: bool
    kind: str  # how the pair was made


def _rows(name: str, limit: int | None) -> list[dict]:
    path = CORPUS / "summaries" / name
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return rows[:limit]


def _paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text)  # one-block text: 2 sentences a paragraph
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def articles(limit: int | None) -> list[Story]:
    """Corpus articles as feed stories: a headline (BBC's own, else the first highlight) + text."""
    from bot.text.clean import html_to_text

    out = []
    for row in _rows("dev.jsonl", limit) + _rows("bbc_extractive_dev.jsonl", limit):
        title = row.get("title") or row["highlights"][0]
        paragraphs = _paragraphs(html_to_text(row["text"]))
        if len(paragraphs) >= 3:
            out.append(Story(title.strip(), "\n".join(paragraphs), f"https://example.com/{row['id']}"))
    return out


def variant(story: Story, rng: random.Random) -> tuple[Story, str]:
    """A syndicated copy: a random mix of the edits copies go through."""
    from bot.text.clean import html_to_text

    paragraphs = story.text.split("\n")
    title, edits = story.title, []
    if rng.random() < 0.7:
        words = title.split()
        if rng.random() < 0.5 and len(words) > 5:
            title = f"{rng.choice(OUTLETS)}: " + " ".join(words[: len(words) * 2 // 3])
        else:
            title = rng.choice([p for p in paragraphs[1:4] if p] or [title]).split(". ")[0][:120]
        edits.append("headline")
    if rng.random() < 0.5 and len(paragraphs) > 4:
        paragraphs = paragraphs[: max(3, len(paragraphs) * 2 // 3)]
        edits.append("trimmed")
    if rng.random() < 0.5 and len(paragraphs) > 3:
        paragraphs[1], paragraphs[2] = paragraphs[2], paragraphs[1]
        edits.append("reordered")
    if rng.random() < 0.6:
        outlet = rng.choice(OUTLETS)
        paragraphs = [
            f"By Staff Reporter, {outlet}",
            f"LONDON ({outlet}) - " + paragraphs[0],
            *paragraphs[1:],
        ]
        paragraphs += [rng.choice(PLUGS), f"The post {story.title[:60]} appeared first on {outlet}."]
        edits.append("byline+boilerplate")
    if rng.random() < 0.4:
        paragraphs = [
            re.sub(r"\b(?:CNN|Reuters|BBC|Daily Mail)\b", rng.choice(OUTLETS), p) for p in paragraphs
        ]
        edits.append("outlet name")
    url = story.url + "?utm_source=rss&utm_medium=feed&fbclid=x1"
    if not edits:
        edits.append("tracking only")
    # Copies reach the pipeline through the parser, which cleans text the same way for both.
    text = html_to_text("".join(f"<p>{p}</p>" for p in paragraphs))
    return Story(title, text, url), "+".join(edits)


def copy_pairs(stories: list[Story], rng: random.Random, hard: list[tuple[int, int]]) -> list[Pair]:
    pairs = []
    for n, story in enumerate(stories):
        for _ in range(3):
            copy, how = variant(story, rng)
            pairs.append(Pair(story, copy, True, f"variant: {how}"))
        other = stories[(n + 1 + rng.randrange(len(stories) - 1)) % len(stories)]
        generic = rng.choice(GENERIC_TITLES)
        pairs.append(Pair(Story(generic, story.text), Story(generic, other.text), False, "generic title"))
        pairs.append(Pair(story, Story(story.title, other.text), False, "same title, other text"))
    for i, j in hard:
        pairs.append(Pair(stories[i], stories[j], False, "similar different stories"))
    return pairs


def feed_stories() -> dict[tuple[str, int], Story]:
    """English stories of the January 2017 feeds, keyed (feed prefix, entry index)."""
    import feedparser

    from bot.text.clean import html_to_text

    out: dict[tuple[str, int], Story] = {}
    for feed in FEEDS:
        paths = sorted((CORPUS / "feeds").glob(f"{feed}*"))
        if not paths:
            continue
        parsed = feedparser.parse(paths[0].read_bytes())
        short = feed.split("-")[0]
        for i, entry in enumerate(parsed.entries):
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            at = datetime(*stamp[:6], tzinfo=UTC).timestamp() if stamp else 1483747200.0  # 7 Jan 2017
            title = re.sub(r"^[\w ]{2,25} â€º |^[\w ]{2,25} › ", "", entry.get("title", ""))  # section label
            text = html_to_text(entry.get("summary", ""))
            out[(short, i)] = Story(title.strip(), text, entry.get("link", ""), at, short)
    return out


def event_pairs(feeds: dict[tuple[str, int], Story], window: float = 86400.0) -> list[Pair]:
    cluster = {item: name for name, items in FEED_EVENTS.items() for item in items}
    pairs = []
    for x, y in itertools.combinations(sorted(feeds), 2):
        if x in AMBIGUOUS or y in AMBIGUOUS:
            continue
        a, b = feeds[x], feeds[y]
        same = x in cluster and cluster.get(x) == cluster.get(y)
        if same:
            pairs.append(Pair(a, b, True, f"feeds: {cluster[x]}"))
        elif abs(a.at - b.at) <= window:
            pairs.append(Pair(a, b, False, "feeds: other event"))
    return pairs


def built_event_pairs(limit: int | None) -> list[Pair]:
    """A BBC article's headline + lead vs a 'report' of summary sentences from deeper in it."""
    from bot.text.clean import html_to_text

    pairs = []
    for row in _rows("bbc_extractive_dev.jsonl", limit):
        paragraphs = _paragraphs(html_to_text(row["text"]))
        lead = "\n".join(paragraphs[:2])
        deeper = [h for h in row["highlights"] if h not in lead]
        if len(deeper) >= 3:
            report = Story(deeper[0], " ".join(deeper[1:3]))
            pairs.append(Pair(Story(row["title"], lead), report, True, "built: BBC summary sentences"))
    return pairs


def feed_copy_pairs(feeds: dict[tuple[str, int], Story]) -> list[Pair]:
    return [
        Pair(feeds[a], feeds[b], True, "feeds: real syndicated copy") for a, b in FEED_COPIES if a in feeds
    ]
