"""Near-duplicate stories ("copies"): MinHash signatures of word shingles, found through LSH band tables.

A copy is the same text republished: a syndicated wire story under another outlet's headline, a
feed that re-posts its own story under a new URL, a version with a byline or a newsletter plug
added. What is compared is the title and the lead (the first `LEAD_WORDS` words of the text) with
furniture removed: bylines, datelines, "sign up" lines. Two stories that only share a title have
different leads, so they are not copies.

Why MinHash + LSH (measured in benchmarks/bench_dedup.py): on the same labelled pairs it has the
better precision/recall of the two proven methods at the same index cost (SimHash on short texts
flips many bits for one changed sentence), and its estimate is an unbiased Jaccard similarity, so
the threshold means the same thing for a 30-word feed summary and a 500-word article. A new story
costs one signature and `BANDS` dictionary look-ups, whatever the number of stories seen.

Pure: no storage, no clock. `NearIndex.dump()` / `NearIndex.load()` give storage plain records.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.text.clean import is_boilerplate
from bot.text.tokens import tokenize

LEAD_WORDS = 200  # the lead: enough to tell two stories apart (measured: 120 loses re-ordered copies)
SHINGLE = 3  # words per shingle
PERMUTATIONS = 64
BANDS, ROWS = 32, 2  # 32 bands of 2 rows: a pair at Jaccard 0.3 is a candidate 95% of the time
COPY_THRESHOLD = 0.5  # estimated Jaccard of the shingle sets at or above which a story is a copy
# or: one lead cut short ("... to scale ...") inside the other's: most of the smaller set is shared
CONTAINED, CONTAINED_MIN_JACCARD, CONTAINED_MIN_SHINGLES = 0.6, 0.25, 20
MIN_LEAD_WORDS = 15  # a shorter lead ("SOCAR.", a stock line every item shares) says too little

_MASK = (1 << 32) - 1
_rng = np.random.default_rng(20261201)  # fixed: signatures are stored and must stay comparable
# multiply-shift hashing (Dietzfelbinger): (a*x + b) mod 2^64, top 32 bits; a odd
_A = _rng.integers(1, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)
assert SHINGLE == 3  # shingle_hashes mixes three words
# Byline, date and credit lines that copies add or drop; short, so story sentences never match.
_FURNITURE = re.compile(
    r"^(?:by|von|par|por|di|door|av)\s+\S.{0,80}$|"
    r"^(?:published|updated|posted|last updated|first published)\b.{0,60}$|"
    r"^(?:reporting|writing|editing|additional reporting) by\b.{0,120}$|"
    r"^(?:\w+ )?(?:staff|news) (?:writer|reporter|desk)$|"
    r"^(?:also read|read also|see also|watch|listen|more)\s*:.{0,120}$",
    re.IGNORECASE,
)


def lead_lines(text: str) -> list[str]:
    """The text's story lines, without the furniture copies differ by."""
    lines = []
    for line in text.split("\n"):
        line = line.strip().removeprefix("• ")
        if not line or is_boilerplate(line):
            continue
        if len(line.split()) <= 12 and _FURNITURE.match(line):
            continue
        lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class StoryWords:
    """A story's title and lead, tokenised once for both copy and event detection."""

    title: list[str]  # folded, stemmed tokens
    lead: list[str]  # the first LEAD_WORDS tokens of the story lines
    lead_lines: list[str]  # the surface lines the lead came from


@lru_cache(maxsize=1024)  # the copy check and the event check of one poll ask for the same stories
def story_words(title: str, text: str, lead_words: int = LEAD_WORDS) -> StoryWords:
    """Read-only for callers: one result serves every stage that asks for the same story."""
    lead: list[str] = []
    used: list[str] = []
    for line in lead_lines(text):
        lead += tokenize(line)
        used.append(line)
        if len(lead) >= lead_words:
            break
    return StoryWords(tokenize(title), lead[:lead_words], used)


def copy_tokens(title: str, text: str, lead_words: int = LEAD_WORDS) -> list[str]:
    """Folded, stemmed words of the title and the lead: what two copies of a story share."""
    words = story_words(title, text, lead_words)
    return words.title + words.lead


def shingles(tokens: list[str], size: int = SHINGLE) -> set[str]:
    """Word shingles as strings (for reference measures; the index hashes them in `signature`)."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@lru_cache(maxsize=262144)
def _token_hash(token: str) -> int:
    return zlib.crc32(token.encode())


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """One 64-bit hash per distinct word shingle (SHINGLE words), computed from per-word crc32s."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    h = np.fromiter(map(_token_hash, tokens), dtype=np.uint64, count=len(tokens))
    if len(h) < SHINGLE:
        h = np.concatenate([h, np.zeros(SHINGLE - len(h), dtype=np.uint64)])
    n = len(h) - SHINGLE + 1
    with np.errstate(over="ignore"):
        mixed = h[:n] * _MIX[0] + h[1 : n + 1] * _MIX[1] + h[2 : n + 2] * _MIX[2]
    return np.unique(mixed >> np.uint64(32))


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash of a set of hashes: PERMUTATIONS uint32 minima under multiply-shift hash functions."""
    if hashes.size == 0:
        return np.full(PERMUTATIONS, _MASK, dtype=np.uint32)
    with np.errstate(over="ignore"):  # wrapping mod 2^64 is the point
        permuted = (np.outer(_A, hashes) + _B[:, None]) >> _SHIFT
    return permuted.min(axis=1).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: np.ndarray
    lead_words: int  # tokens of lead it was made of (besides the title)
    size: int = 0  # distinct shingles

    @property
    def informative(self) -> bool:
        return self.lead_words >= MIN_LEAD_WORDS


def fingerprint(title: str, text: str, words: StoryWords | None = None) -> Fingerprint:
    words = words or story_words(title, text)
    hashes = shingle_hashes(words.title + words.lead)
    return Fingerprint(signature(hashes), len(words.lead), len(hashes))


def is_copy(a: Fingerprint, b: Fingerprint, threshold: float = COPY_THRESHOLD) -> tuple[bool, float]:
    """(copy?, estimated Jaccard) of two informative fingerprints."""
    jaccard = similarity(a.signature, b.signature)
    if jaccard >= threshold:
        return True, jaccard
    smaller = min(a.size, b.size)
    if jaccard < CONTAINED_MIN_JACCARD or smaller < CONTAINED_MIN_SHINGLES:
        return False, jaccard
    shared = jaccard * (a.size + b.size) / (1 + jaccard)  # |A ∩ B| from J, |A| and |B|
    return shared / smaller >= CONTAINED, jaccard


@dataclass(frozen=True, slots=True)
class Copy:
    key: str  # the earlier story's key
    score: float  # estimated Jaccard similarity


class NearIndex:
    """Stories seen in a window, by MinHash bands: `copy_of` looks at candidates only, never at all.

    Times are plain numbers (seconds) so the index needs no clock; `expire(before)` forgets older
    stories. Insertion order must follow time for expiry to be exact (the pipeline's order).
    """

    def __init__(self, threshold: float = COPY_THRESHOLD) -> None:
        self.threshold = threshold
        # band value -> a slot, or a list of slots when stories share it (rare): one list per band
        # per story kept the garbage collector walking millions of lists (most of a look-up's cost)
        self._tables: list[dict[bytes, int | list[int]]] = [{} for _ in range(BANDS)]
        self._prints: dict[int, Fingerprint] = {}
        self._keys: dict[int, str] = {}
        self._slots: dict[str, int] = {}
        self._order: deque[tuple[float, int]] = deque()
        self._next = 0

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, key: str) -> bool:
        return key in self._slots

    @staticmethod
    def _bands(sig: np.ndarray) -> Iterator[tuple[int, bytes]]:
        raw = sig.tobytes()
        width = ROWS * 4
        for band in range(BANDS):
            yield band, raw[band * width : (band + 1) * width]

    def candidates(self, print_: Fingerprint) -> set[int]:
        found: set[int] = set()
        for band, value in self._bands(print_.signature):
            slots = self._tables[band].get(value)
            if slots is None:
                continue
            if isinstance(slots, int):
                found.add(slots)
            else:
                found.update(slots)
        return found

    def copy_of(self, print_: Fingerprint, exclude: str | None = None) -> Copy | None:
        """The most similar stored story at or above the threshold, or None."""
        if not print_.informative:
            return None
        best: Copy | None = None
        for slot in self.candidates(print_):
            key = self._keys[slot]
            if key == exclude:
                continue
            copy, score = is_copy(print_, self._prints[slot], self.threshold)
            if copy and (best is None or score > best.score):
                best = Copy(key, score)
        return best

    def add(self, key: str, print_: Fingerprint, at: float) -> None:
        """Remember a story (an uninformative fingerprint is not indexed: it can match nothing)."""
        if key in self._slots or not print_.informative:
            return
        slot = self._next
        self._next += 1
        self._slots[key] = slot
        self._keys[slot] = key
        self._prints[slot] = print_
        self._order.append((at, slot))
        for band, value in self._bands(print_.signature):
            table = self._tables[band]
            there = table.get(value)
            if there is None:
                table[value] = slot
            elif isinstance(there, int):
                table[value] = [there, slot]
            else:
                there.append(slot)

    def expire(self, before: float) -> int:
        removed = 0
        while self._order and self._order[0][0] < before:
            _, slot = self._order.popleft()
            sig = self._prints.pop(slot).signature
            del self._slots[self._keys.pop(slot)]
            for band, value in self._bands(sig):
                table = self._tables[band]
                slots = table[value]
                if isinstance(slots, int):
                    del table[value]
                    continue
                slots.remove(slot)
                if len(slots) == 1:
                    table[value] = slots[0]
            removed += 1
        return removed

    def dump(self) -> list[dict[str, object]]:
        """Plain records (key, at, signature as a hex string, shingle count) for storage."""
        return [
            {
                "key": self._keys[slot],
                "at": at,
                "sig": self._prints[slot].signature.tobytes().hex(),
                "size": self._prints[slot].size,
            }
            for at, slot in self._order
        ]

    @classmethod
    def load(cls, records: Iterable[dict[str, object]], threshold: float = COPY_THRESHOLD) -> NearIndex:
        index = cls(threshold)
        for record in sorted(records, key=lambda r: float(r["at"])):  # type: ignore[arg-type]
            sig = np.frombuffer(bytes.fromhex(str(record["sig"])), dtype=np.uint32)
            if sig.size == PERMUTATIONS:
                size = int(record.get("size", 0))  # type: ignore[call-overload]
                index.add(
                    str(record["key"]), Fingerprint(sig.copy(), MIN_LEAD_WORDS, size), float(record["at"])
                )  # type: ignore[arg-type]
        return index
