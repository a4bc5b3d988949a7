"""An analysed article: its stemmed tokens in order (fields kept apart) and the lookup sets the
index and the verifier ask about (distinct stems, adjacent pairs, prefixes)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Container, Iterable
from functools import lru_cache
from itertools import chain, pairwise

from bot.matching.lexicon import lexicon
from bot.matching.query import EXACT, PHRASE, WORD, Term
from bot.text.stemming import UNDETERMINED, analyzer, raw_words

_GAP = "\x00"  # between fields: never equal to a token, so no phrase spans title and text


@lru_cache(maxsize=262144)
def slices(form: str) -> tuple[str, ...]:
    """Every "prefix*" a query may use for this word (at least 3 characters)."""
    return tuple(form[:n] + "*" for n in range(3, len(form) + 1))


class Document:
    """An analysed article: stemmed tokens in order (fields separated) and lookup sets."""

    __slots__ = (
        "_exact",
        "_forms",
        "_pairs",
        "_sorted_forms",
        "alts",
        "distinct",
        "lang",
        "stems",
        "surface",
    )

    def __init__(
        self,
        stems: tuple[str, ...],
        surface: frozenset[str],
        lang: str = UNDETERMINED,
        alts: dict[int, tuple[str, ...]] | None = None,
    ) -> None:
        self.stems = stems  # one key a position (the word's own, under `lang`)
        self.surface = surface  # the words as written, folded and bare: for prefixes and quoted words
        self.lang = lang
        self.alts = alts or {}  # position -> every key of that word, where it has more than one
        distinct = frozenset(stems)
        self.distinct = (distinct.union(*self.alts.values()) if self.alts else distinct) - {_GAP}
        self._exact: frozenset[str] | None = None
        self._forms: frozenset[str] | None = None
        self._pairs: frozenset[tuple[str, str]] | None = None
        self._sorted_forms: list[str] | None = None

    @property
    def forms(self) -> frozenset[str]:
        """Every form a prefix may start: stems and bare surface words ("countries", "country")."""
        if self._forms is None:
            self._forms = self.distinct | self.surface
        return self._forms

    @property
    def exact(self) -> frozenset[str]:
        """The words as written (folded, without possessive): what a quoted word must meet."""
        if self._exact is None:
            self._exact = self.surface
        return self._exact

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Adjacent stems within a field (every key of a word with several)."""
        if self._pairs is None:
            pairs = set(pairwise(self.stems))
            for i in self.alts:
                for j in (i - 1, i):
                    if 0 <= j < len(self.stems) - 1:
                        left = self.alts.get(j, (self.stems[j],))
                        right = self.alts.get(j + 1, (self.stems[j + 1],))
                        pairs.update((a, b) for a in left for b in right)
            self._pairs = frozenset(pairs)
        return self._pairs

    def pairs_from(self, firsts: Container[str]) -> Iterable[tuple[str, str]]:
        """The adjacent pairs whose first stem is in `firsts`: the only pairs an index asks about,
        so most positions of an article make no pair at all."""
        stems, alts = self.stems, self.alts
        if not alts:
            return [pair for pair in pairwise(stems) if pair[0] in firsts]
        starts = {i for i, key in enumerate(stems) if key in firsts}
        starts.update(i for i, keys in alts.items() if any(map(firsts.__contains__, keys)))
        last = len(stems) - 1
        return [
            (a, b)
            for i in starts
            if i < last
            for a in alts.get(i, (stems[i],))
            if a in firsts
            for b in alts.get(i + 1, (stems[i + 1],))
        ]

    def has_phrase(self, keys: tuple[str, ...], pivot: int = 0) -> bool:
        if not self.distinct.issuperset(keys):
            return False
        if self.alts:
            stems, alts, n = self.stems, self.alts, len(keys)
            return any(
                all(stems[i + j] == k or k in alts.get(i + j, ()) for j, k in enumerate(keys))
                for i in range(len(stems) - n + 1)
            )
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
        keys = term_keys(term, self.lang)
        if term.kind == WORD:
            return keys[0] in self.distinct
        if term.kind == PHRASE:
            return self.has_phrase(keys)
        if term.kind == EXACT:
            return keys[0] in self.exact
        return self.has_prefix(keys[0])


@lru_cache(maxsize=262144)
def term_keys(term: Term, lang: str) -> tuple[str, ...]:
    """A query term's keys under an article's language: the words as typed, analysed in it."""
    if lang == UNDETERMINED or term.kind not in (WORD, PHRASE) or len(term.words) != len(term.keys):
        return term.keys
    key = analyzer(lang).key
    return tuple(key(w) for w in term.words)


def analyze(*texts: str, lang: str | None = None) -> Document:
    """Tokenise an article's fields once (e.g. title, text); a phrase never spans two fields.

    `lang` is the article's language (bot.text.lang); without one, the language-neutral
    rules apply (fold, English plurals).
    """
    lex = lexicon(analyzer(lang).lang)
    stems: list[str] = []
    surface: set[str] = set()
    alts: dict[int, tuple[str, ...]] = {}
    for i, text in enumerate(texts):
        if i:
            stems.append(_GAP)
        written = raw_words(text)
        distinct = set(written)
        unknown = distinct.difference(lex.stems)
        if unknown:
            lex.learn(unknown, distinct)
        # whole-article maps and chains (C loops): a Python loop per word was most of the cost
        surface.update(chain.from_iterable(map(lex.surface.__getitem__, distinct)))
        several = lex.several
        if several and not several.keys().isdisjoint(distinct):
            start = len(stems)  # a language's words have one position each
            alts.update([(start + j, several[w]) for j, w in enumerate(written) if w in several])
        stems.extend(chain.from_iterable(map(lex.stems.__getitem__, written)))
    return Document(tuple(stems), frozenset(surface), lex.lang, alts)
