"""An analysed article: its stemmed tokens in order (fields kept apart) and the lookup sets the
index and the verifier ask about (distinct stems, adjacent pairs, prefixes)."""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from itertools import pairwise

from bot.matching.query import PHRASE, WORD, Term
from bot.text.tokens import bare, stem, words

_GAP = "\x00"  # between fields: never equal to a token, so no phrase spans title and text


@lru_cache(maxsize=262144)
def slices(form: str) -> tuple[str, ...]:
    """Every "prefix*" a query may use for this word (at least 3 characters)."""
    return tuple(form[:n] + "*" for n in range(3, len(form) + 1))


class Document:
    """An analysed article: stemmed tokens in order (fields separated) and lookup sets."""

    __slots__ = ("_forms", "_pairs", "_sorted_forms", "distinct", "stems", "surface")

    def __init__(self, stems: tuple[str, ...], surface: frozenset[str]) -> None:
        self.stems = stems
        self.surface = surface  # folded surface words, for prefixes
        self.distinct = frozenset(stems) - {_GAP}
        self._forms: frozenset[str] | None = None
        self._pairs: frozenset[tuple[str, str]] | None = None
        self._sorted_forms: list[str] | None = None

    @property
    def forms(self) -> frozenset[str]:
        """Every form a prefix may start: stems and bare surface words ("countries", "country")."""
        if self._forms is None:
            self._forms = self.distinct | frozenset(map(bare, self.surface))
        return self._forms

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Adjacent stems within a field."""
        if self._pairs is None:
            self._pairs = frozenset(pairwise(self.stems))
        return self._pairs

    def has_phrase(self, keys: tuple[str, ...], pivot: int = 0) -> bool:
        if not self.distinct.issuperset(keys):
            return False
        stems, n, word = self.stems, len(keys), keys[pivot]
        i = -1
        try:
            while True:
                i = stems.index(word, i + 1)
                if i >= pivot and stems[i - pivot : i - pivot + n] == keys:
                    return True
        except ValueError:
            return False

    def has_prefix(self, prefix: str) -> bool:
        if self._sorted_forms is None:
            self._sorted_forms = sorted(self.forms)
        forms = self._sorted_forms
        i = bisect_left(forms, prefix)
        return i < len(forms) and forms[i].startswith(prefix)

    def has(self, term: Term) -> bool:
        if term.kind == WORD:
            return term.keys[0] in self.distinct
        if term.kind == PHRASE:
            return self.has_phrase(term.keys)
        return self.has_prefix(term.keys[0])


def analyze(*texts: str) -> Document:
    """Tokenise an article's fields once (e.g. title, text); a phrase never spans two fields."""
    stems: list[str] = []
    surface: set[str] = set()
    for i, text in enumerate(texts):
        if i:
            stems.append(_GAP)
        found = words(text)
        surface.update(found)
        stems.extend(map(stem, found))
    return Document(tuple(stems), frozenset(surface))
