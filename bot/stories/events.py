"""Same event, other report: stories that share the names and key terms of one already seen.

Three outlets covering one airport shooting write three headlines and three leads, so they are
not copies (bot.stories.near), yet a user wants one alert and a line "Also reported by". A story's
event terms are the words of its title and lead weighted by how rare they are in the language
(wordfreq's Zipf scale: "said" weighs almost nothing, "Lauderdale" a lot), names and numbers
favoured, the title counted more than the lead. Two stories report the same event when, at most a
window apart, all of these hold:
- overlap: most of the smaller story's term weight is in the other too (a bare headline and a
  full report of it score high), and that shared weight is large;
- at least MIN_STRONG rare terms are shared (one name, Trump or Obama, never makes an event);
- headlines: at least half of EACH headline's term weight is in the other story, and at least
  MIN_WHAT_COVER of the weight of its words that are not names (what happened: "shooting",
  "quit"). Same-topic stories about different events (a semifinal and a final, one bidder's
  meeting and another's, "Trump asks Obama's envoys to quit" and "Obama calls for a seamless
  transition to Trump") share names but not what the headline says;
- numbers: two headlines that both hold numbers share one ("round 1" and "round 2" differ).
Thresholds chosen on half of bench_dedup's labelled pairs and checked on the other half (see
benchmarks/README.md). Precision first: when unsure, it is not the same event.

Pure: no storage, no clock; `EventIndex.dump()` / `EventIndex.load()` give storage plain records.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from bot.stories.near import StoryWords, story_words
from bot.stories.rarity import rarity
from bot.text.tokens import STOPWORDS, tokenize

EVENT_LEAD_WORDS = 60
# Chosen on bench_dedup's labelled pairs for precision (>= 0.97), not recall: see the README.
EVENT_THRESHOLD = 0.5  # share of the smaller story's term weight that the other story has too
MIN_SHARED = 8.0  # summed weight of the shared terms
MIN_STRONG = 2  # rare terms shared: one name (Trump, Obama) never makes an event
MIN_TITLE_COVER = 0.5  # of each headline's term weight found in the other story
MIN_WHAT_COVER = 0.3  # the same for the headline's words that are not names
STRONG = 2.5  # a term this rare (Zipf <= 4) is strong, and indexed
TITLE_BOOST = 1.5
NAME_BOOST = 1.3
MAX_POSTINGS = 32  # newest stories kept per term: the cost of a look-up stays flat (see EventIndex)
_CAPITAL = re.compile(r"(?<![.!?:\"“‘'] )(?<!^)\b([A-Z][\w'’-]+)")


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
    title: frozenset[str] = frozenset()  # the terms of the headline
    what: frozenset[str] = frozenset()  # those of them that are not names
    strong: tuple[str, ...] = ()  # the terms at least STRONG: what the index looks stories up by
    # Worked out once per story, not at each of the many comparisons a look-up makes: the
    # headline's and its non-names' summed weight (summed in the order `_cover` sums them, so
    # covers come out bit for bit as before) and the headline's numbers.
    title_weight: float = field(init=False, repr=False, compare=False)
    what_weight: float = field(init=False, repr=False, compare=False)
    numbers: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weights = self.weights
        object.__setattr__(self, "title_weight", sum(map(weights.__getitem__, self.title)))
        object.__setattr__(self, "what_weight", sum(map(weights.__getitem__, self.what)))
        object.__setattr__(self, "numbers", frozenset(t for t in self.title if t.isdigit()))

    @classmethod
    def of(
        cls, weights: dict[str, float], title: Iterable[str] = (), names: Iterable[str] = ()
    ) -> EventTerms:
        heads = frozenset(t for t in title if t in weights)
        strong = tuple(t for t, w in weights.items() if w >= STRONG)
        return cls(weights, sum(weights.values()), heads, heads - frozenset(names), strong)


@dataclass(frozen=True, slots=True)
class EventScore:
    overlap: float  # shared weight over the smaller story's total
    shared: float  # summed weight of the shared terms
    strong: int  # rare terms shared
    title_cover: float  # the smaller of the two headlines' shares found in the other story
    what_cover: float  # the same for the headlines' words that are not names
    numbers_agree: bool = True  # False: both headlines hold numbers, none in common ("day 1", "day 2")

    @property
    def same(self) -> bool:
        return (
            self.overlap >= EVENT_THRESHOLD
            and self.shared >= MIN_SHARED
            and self.strong >= MIN_STRONG
            and self.title_cover >= MIN_TITLE_COVER
            and self.what_cover >= MIN_WHAT_COVER
            and self.numbers_agree
        )


def event_terms(title: str, text: str, lang: str = "en", words: StoryWords | None = None) -> EventTerms:
    return EventTerms.of(*event_parts(title, text, lang, words))


def event_parts(
    title: str, text: str, lang: str = "en", words: StoryWords | None = None
) -> tuple[dict[str, float], list[str], set[str]]:
    """What event_terms makes its EventTerms of (weights, headline tokens, names): another process
    sends these, not the terms, as its sets would iterate in its own string-hash order."""
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
    return weights, words.title, names


def _cover(terms: frozenset[str], total: float, weights: dict[str, float], other: dict[str, float]) -> float:
    """The share of `terms`' weight (`total`) that the other story has too."""
    # filter and map run in C, in the set's own order: the same sum as a loop over `terms`
    return sum(map(weights.__getitem__, filter(other.__contains__, terms))) / total if total else 0.0


def _shared(a: EventTerms, b: EventTerms) -> tuple[float, int]:
    """(summed weight, rare terms) that the two stories share, each term at its lower weight."""
    small, large = (a.weights, b.weights) if len(a.weights) <= len(b.weights) else (b.weights, a.weights)
    # in the smaller story's order, as a plain loop would add them (so the sum is the same to
    # the last bit), but filtered and looked up in C: this is what a look-up repeats most
    common = list(filter(large.__contains__, small))
    lows = list(map(min, map(small.__getitem__, common), map(large.__getitem__, common)))
    return sum(lows), sum(low >= STRONG for low in lows)


def event_score(a: EventTerms, b: EventTerms) -> EventScore:
    shared, strong = _shared(a, b)
    smaller = min(a.total, b.total)
    aw, bw = a.weights, b.weights
    return EventScore(
        shared / smaller if smaller else 0.0,
        shared,
        strong,
        min(_cover(a.title, a.title_weight, aw, bw), _cover(b.title, b.title_weight, bw, aw)),
        min(_cover(a.what, a.what_weight, aw, bw), _cover(b.what, b.what_weight, bw, aw)),
        _numbers_agree(a, b),
    )


def same_event_overlap(a: EventTerms, b: EventTerms) -> float | None:
    """`event_score(a, b).overlap` when `.same`, else None: the same decision, but the cheap
    tests (numbers, headlines) come first and the first that fails ends it."""
    if not _numbers_agree(a, b):
        return None
    aw, bw = a.weights, b.weights
    if (
        min(_cover(a.title, a.title_weight, aw, bw), _cover(b.title, b.title_weight, bw, aw))
        < MIN_TITLE_COVER
    ):
        return None
    if min(_cover(a.what, a.what_weight, aw, bw), _cover(b.what, b.what_weight, bw, aw)) < MIN_WHAT_COVER:
        return None
    shared, strong = _shared(a, b)
    if shared < MIN_SHARED or strong < MIN_STRONG:
        return None
    smaller = min(a.total, b.total)
    overlap = shared / smaller if smaller else 0.0
    return overlap if overlap >= EVENT_THRESHOLD else None


def _numbers_agree(a: EventTerms, b: EventTerms) -> bool:
    mine, theirs = a.numbers, b.numbers
    return not mine or not theirs or not mine.isdisjoint(theirs)


def same_event(a: EventTerms, b: EventTerms) -> bool:
    return event_score(a, b).same


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
    share MIN_STRONG of them, and only the newest MAX_POSTINGS per term, so its cost does not grow
    with the window. The cap loses nothing that matters: a new report has to meet one story of its
    event, and an event reported more often than the cap fills the term's list with its own."""

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
        postings = self._postings
        hits = Counter(chain.from_iterable(postings[t] for t in terms.strong if t in postings))
        entries = self._entries
        title, weight_of = terms.title, terms.weights.__getitem__
        need = MIN_TITLE_COVER * terms.title_weight
        if not need:  # no headline terms: no cover can reach MIN_TITLE_COVER
            return None
        best: EventMatch | None = None
        # fewer than MIN_STRONG rare terms shared: never the same event
        for key in [k for k, count in hits.items() if count >= MIN_STRONG]:
            entry = entries.get(key)
            if entry is None or entry.at < since or key == exclude:
                continue
            other = entry.terms
            # this headline's test first: a few look-ups (in C) that rule out nearly every candidate
            if sum(map(weight_of, filter(other.weights.__contains__, title))) < need:
                continue
            overlap = same_event_overlap(terms, other)
            if overlap is not None and (best is None or overlap > best.score):
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

    def record(self, key: str) -> dict[str, object]:
        """A story's entry as a plain record (what storage keeps; `load` reads it back)."""
        e = self._entries[key]
        return {
            "key": e.key,
            "event": e.event,
            "at": e.at,
            "terms": {t: round(w, 4) for t, w in e.terms.weights.items()},
            "title": sorted(e.terms.title),
            "names": sorted(e.terms.title - e.terms.what),
        }

    def dump(self) -> list[dict[str, object]]:
        return [self.record(k) for k in self._order]

    @classmethod
    def load(cls, records: Iterable[Mapping[str, Any]]) -> EventIndex:
        """An index of stored records, oldest first; a record it cannot read is skipped."""
        index = cls()
        readable = []
        for record in records:
            try:
                weights = {str(t): float(w) for t, w in dict(record["terms"]).items()}
                terms = EventTerms.of(weights, map(str, record["title"]), map(str, record.get("names", ())))
                readable.append((float(record["at"]), str(record["key"]), str(record["event"]), terms))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        for at, key, event, terms in sorted(readable, key=lambda r: r[0]):
            index.add(key, terms, at, event)
        return index
