"""Same event, other report: stories that share the names and key terms of one already seen.

Three outlets covering one airport shooting write three headlines and three leads, so they are
not copies (bot.stories.near), yet a user wants one alert and a line "Also reported by". A story's
event terms are the words of its title and lead weighted by how rare they are in the language
(wordfreq's Zipf scale: "said" weighs almost nothing, "Lauderdale" a lot), names and numbers
favoured, the title counted more than the lead. Two stories report the same event when the share
of the smaller one's term weight that the other has too is high AND that shared weight is large
AND at least MIN_STRONG rare terms are shared AND they are at most a window apart. Precision
first: two stories about one person (two different Trump stories) share names but not the rest,
and stay apart; when unsure, it is not the same event.

Pure: no storage, no clock; `EventIndex.dump()` / `EventIndex.load()` give storage plain records.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.stories.near import StoryWords, story_words
from bot.text.tokens import STOPWORDS, tokenize

EVENT_LEAD_WORDS = 60
# Chosen on bench_dedup's labelled pairs for precision (>= 0.97), not recall: see the README.
EVENT_THRESHOLD = 0.6  # share of the smaller story's term weight that the other story has too
MIN_SHARED = 8.0  # summed weight of the shared terms
MIN_STRONG = 3  # rare terms shared: one name (Trump, Obama) or two never make an event
STRONG = 2.5  # a term this rare (Zipf <= 4) is strong, and indexed
TITLE_BOOST = 1.5
NAME_BOOST = 1.3
MAX_POSTINGS = 64  # newest stories kept per term: the cost of a look-up stays flat
_RARE_CEILING = 6.5  # weight = _RARE_CEILING - Zipf frequency, clamped
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CAPITAL = re.compile(r"(?<![.!?:\"“‘'] )(?<!^)\b([A-Z][\w'’-]+)")


@lru_cache(maxsize=131072)
def _zipf(word: str, lang: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without the frequency table every word counts as ordinary
        return 4.5
    try:
        return zipf_frequency(word, lang, wordlist="small")
    except (LookupError, ValueError):
        return zipf_frequency(word, "en", wordlist="small")


@lru_cache(maxsize=131072)
def rarity(token: str, lang: str = "en") -> float:
    if token.isdigit():
        return 0.5 if _YEAR.match(token) else 2.5
    return min(max(_RARE_CEILING - _zipf(token, lang), 0.3), 5.0)


def _names(line: str) -> set[str]:
    """Tokens written with a capital inside a sentence; none from an all-capitalised headline."""
    found = _CAPITAL.findall(line)
    if len(found) * 2 > len(line.split()):  # Title Case or shouting: capitals say nothing here
        return set()
    return set(tokenize(" ".join(found)))


@dataclass(frozen=True, slots=True)
class EventTerms:
    weights: dict[str, float]
    total: float

    @property
    def strong(self) -> list[str]:
        return [t for t, w in self.weights.items() if w >= STRONG]


def event_terms(title: str, text: str, lang: str = "en", words: StoryWords | None = None) -> EventTerms:
    words = words or story_words(title, text)
    lead_text = " ".join(" ".join(words.lead_lines).split()[:EVENT_LEAD_WORDS])
    names = _names(title) | _names(lead_text)
    weights: dict[str, float] = {}
    for boost, tokens in ((TITLE_BOOST, words.title), (1.0, words.lead[:EVENT_LEAD_WORDS])):
        for token in tokens:
            if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
                continue
            weight = rarity(token, lang) * boost * (NAME_BOOST if token in names else 1.0)
            if weight > weights.get(token, 0.0):
                weights[token] = weight
    return EventTerms(weights, sum(weights.values()))


def event_score(a: EventTerms, b: EventTerms) -> tuple[float, float, int]:
    """(overlap, shared weight, strong terms shared): overlap is the shared weight over the
    smaller story's total weight, so a bare headline and a full report of it score high."""
    small, large = (a, b) if len(a.weights) <= len(b.weights) else (b, a)
    shared, strong = 0.0, 0
    for term, weight in small.weights.items():
        other = large.weights.get(term)
        if other is not None:
            low = min(weight, other)
            shared += low
            strong += low >= STRONG
    smaller = min(a.total, b.total)
    return (shared / smaller if smaller else 0.0), shared, strong


def same_event(a: EventTerms, b: EventTerms) -> bool:
    return _decide(*event_score(a, b))


def _decide(overlap: float, shared: float, strong: int) -> bool:
    return overlap >= EVENT_THRESHOLD and shared >= MIN_SHARED and strong >= MIN_STRONG


@dataclass(frozen=True, slots=True)
class EventMatch:
    event: str  # the event's id: the key of its first story
    key: str  # the most similar story of it
    score: float


@dataclass(slots=True)
class _Entry:
    key: str
    event: str
    terms: EventTerms
    at: float


class EventIndex:
    """Stories of the last window by their distinctive terms; `match` scores only stories that
    share one, and at most MAX_POSTINGS per term, so its cost does not grow with the window."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._postings: dict[str, deque[str]] = {}
        self._order: deque[str] = deque()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def event_of(self, key: str) -> str | None:
        entry = self._entries.get(key)
        return entry.event if entry else None

    def match(self, terms: EventTerms, since: float, exclude: str | None = None) -> EventMatch | None:
        """The most similar story of the window (at or after `since`) that reports the same event."""
        hits: dict[str, int] = {}
        for term in terms.strong:
            for key in self._postings.get(term, ()):
                hits[key] = hits.get(key, 0) + 1
        best: EventMatch | None = None
        for key, count in hits.items():
            if count < MIN_STRONG or key == exclude:  # too few rare terms shared: never the same event
                continue
            entry = self._entries.get(key)
            if entry is None or entry.at < since:
                continue
            overlap, shared, strong = event_score(terms, entry.terms)
            if _decide(overlap, shared, strong) and (best is None or overlap > best.score):
                best = EventMatch(entry.event, entry.key, overlap)
        return best

    def add(self, key: str, terms: EventTerms, at: float, event: str | None = None) -> str:
        """Remember a story as part of `event` (None: it starts its own). Returns the event id."""
        if key in self._entries:
            return self._entries[key].event
        entry = _Entry(key, event or key, terms, at)
        self._entries[key] = entry
        self._order.append(key)
        for term in terms.strong:
            self._postings.setdefault(term, deque(maxlen=MAX_POSTINGS)).append(key)
        return entry.event

    def expire(self, before: float) -> int:
        removed = 0
        while self._order and self._entries[self._order[0]].at < before:
            entry = self._entries.pop(self._order.popleft())
            for term in entry.terms.strong:
                postings = self._postings.get(term)
                if postings is not None:
                    if entry.key in postings:
                        postings.remove(entry.key)
                    if not postings:
                        del self._postings[term]
            removed += 1
        return removed

    def dump(self) -> list[dict[str, object]]:
        return [
            {"key": e.key, "event": e.event, "at": e.at, "terms": e.terms.weights}
            for e in (self._entries[k] for k in self._order)
        ]

    @classmethod
    def load(cls, records: Iterable[dict[str, object]]) -> EventIndex:
        index = cls()
        for record in sorted(records, key=lambda r: float(r["at"])):  # type: ignore[arg-type]
            weights = {str(t): float(w) for t, w in dict(record["terms"]).items()}  # type: ignore[call-overload]
            terms = EventTerms(weights, sum(weights.values()))
            index.add(str(record["key"]), terms, float(record["at"]), str(record["event"]))  # type: ignore[arg-type]
        return index
