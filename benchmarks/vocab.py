"""Articles and realistic subscription queries for bench_matching.

Articles come from the shared corpus (summaries/*.jsonl `title` + `text`); the query
vocabulary is built from those articles' capitalised names, content words and bigrams, the
feed titles in corpus/feeds, and a list of energy and geopolitics names, so that queries
match sometimes. Without the corpus, articles are generated from the same names.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

CORPUS = Path("/work/shared/corpus")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ENERGY = _names(
    "SOCAR Gazprom Rosneft Lukoil Novatek Transneft BP Chevron ExxonMobil Shell TotalEnergies Equinor "
    "Eni KazMunayGas Tengizchevroil OPEC Azerbaijan Armenia Georgia Kazakhstan Turkmenistan Uzbekistan "
    "Russia Ukraine Iran Turkey Turkiye Belarus Moldova Baku Bakı Tbilisi Yerevan Astana Ashgabat Moscow "
    "Kyiv Ankara Tehran Brussels Caspian Karabakh Nakhchivan Ceyhan Zangezur Aliyev Pashinyan Putin "
    "Erdogan Zelensky pipeline pipelines LNG gas oil crude refinery sanctions tariff embargo OSCE NATO "
    "Kremlin Gazprombank Shah Deniz Azeri Chirag Guneshli TAP TANAP Баку Газпром Роснефть Казахстан"
)
ENERGY_PHRASES = (
    "Caspian Sea",
    "Shah Deniz",
    "Southern Gas Corridor",
    "Middle Corridor",
    "Black Sea",
    "oil price",
    "gas supplies",
    "peace treaty",
    "European Union",
    "Trans Caspian",
    "Baku Tbilisi Ceyhan",
    "Nord Stream",
)
STOP = frozenset(
    _names(
        "the a an and or but if of to in on at by for with from as is are was were be been being it its this "
        "that these those he she they we you i his her their our my your not no yes so than then there here "
        "when where which who whom what why how all any some more most other such only own same very can "
        "will just should now also after before over under again further once said says would could has "
        "have had do does did mr mrs ms one two new year years but into out up down off about"
    )
)
_CAP = re.compile(r"(?<![.!?]\s)\b([A-Z][a-z]{2,})\b")
_WORDS = re.compile(r"[A-Za-z][a-z]{3,}")


def load_articles(data: Path | None) -> tuple[list[tuple[str, str]], str]:
    """(title, text) pairs and a description of where they came from."""
    paths = [data] if data else sorted((CORPUS / "summaries").glob("*.jsonl"))
    articles: list[tuple[str, str]] = []
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record.get("text"):
                    articles.append((record.get("title", ""), record["text"]))
    if articles:
        return articles, f"{len(articles)} corpus articles from {', '.join(p.name for p in paths)}"
    return _generated(), "corpus absent: 300 generated articles (energy names + filler words)"


def _generated() -> list[tuple[str, str]]:
    rng = random.Random(7)
    filler = [f"w{rng.randrange(20000)}" for _ in range(3000)] + sorted(STOP)
    names = list(ENERGY) + [w for p in ENERGY_PHRASES for w in p.split()]
    out = []
    for _ in range(300):
        body = [rng.choice(names) if rng.random() < 0.05 else rng.choice(filler) for _ in range(500)]
        out.append((" ".join(rng.choice(names) for _ in range(6)), " ".join(body)))
    return out


def feed_titles() -> list[str]:
    """Titles in the corpus feeds (raw <title> text), for more names in the vocabulary."""
    titles: list[str] = []
    for path in sorted((CORPUS / "feeds").glob("*.xml")):
        raw = path.read_bytes().decode("utf-8", "replace")
        titles += re.findall(r"<title>(?:<!\[CDATA\[)?([^<\]]{10,200})", raw)
    return titles


class Vocabulary:
    def __init__(self, articles: list[tuple[str, str]], extra: list[str]) -> None:
        names: Counter[str] = Counter()
        content: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        for title, text in articles:
            for chunk in (title, text):
                names.update(m for m in _CAP.findall(chunk) if m.lower() not in STOP)
                found = [w for w in _WORDS.findall(chunk)]
                content.update(w.lower() for w in found if w.lower() not in STOP)
                bigrams.update(
                    f"{a} {b}" for a, b in pairwise(found) if a.lower() not in STOP and b.lower() not in STOP
                )
        for title in extra:
            names.update(m for m in _CAP.findall(title) if m.lower() not in STOP)
        self.names = sorted(n for n, c in names.items() if c >= 2) + list(ENERGY) * 5
        self.words = sorted(w for w, c in content.items() if c >= 2)
        self.phrases = sorted(b for b, c in bigrams.items() if c >= 2) + list(ENERGY_PHRASES) * 5

    def word(self, rng: random.Random) -> str:
        return rng.choice(self.names if rng.random() < 0.6 else self.words)

    def phrase(self, rng: random.Random) -> str:
        return f'"{rng.choice(self.phrases)}"'

    def prefix(self, rng: random.Random) -> str:
        word = rng.choice(self.words)
        while len(word) < 5:
            word = rng.choice(self.words)
        return word[: rng.randint(4, len(word) - 1)] + "*"

    def query(self, rng: random.Random) -> str:
        kind = rng.random()
        if kind < 0.40:
            return self.word(rng)
        if kind < 0.55:
            return f"{self.word(rng)} {self.word(rng)}"
        if kind < 0.70:
            return self.phrase(rng)
        if kind < 0.80:
            group = " OR ".join(self.word(rng) for _ in range(rng.randint(2, 3)))
            return f"{self.word(rng)} {group}" if rng.random() < 0.5 else group
        if kind < 0.90:
            head = self.word(rng) if rng.random() < 0.7 else self.phrase(rng)
            tail = self.word(rng) if rng.random() < 0.7 else self.phrase(rng)
            return f"{head} -{tail}"
        return self.prefix(rng) + (f" {self.word(rng)}" if rng.random() < 0.4 else "")
