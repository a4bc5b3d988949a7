"""One pass over an article finds every subscription it satisfies.

An article becomes a set of keys: its distinct stems, its adjacent stem pairs (within a
field) and the "prefix*" keys of indexed queries that its words start with. Each query is
filed under the keys of one OR-group, its "anchor" (the group least likely to occur; a
phrase under its rarest pair). A query that is just its anchor matches outright; the others
are candidates, verified with set operations on the article's keys (required terms,
exclusions, OR-groups); only phrases of three or more words need a token scan. Cost grows
with the article and its candidates, not with the number of subscriptions.

Keys depend on the article's language (a query has none: its words are analysed under the
language of each article), so there is one such index per language met, built on first use
and kept up to date from then on."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import chain

from bot.matching.compiled import Entry, rarest_pair, term_cost, term_key
from bot.matching.document import Document, slices, term_keys
from bot.matching.query import EXACT, PREFIX, Query, Term
from bot.text.stemming import UNDETERMINED

STARTS_CACHE = 50_000  # words whose indexed prefixes are remembered (a few MB)


class _Posting:
    """What one key of an article brings besides queries it satisfies alone: queries it
    excludes ("-sport"), and candidates to verify (filed under it as their anchor)."""

    __slots__ = ("loose", "paired", "vetoed")

    def __init__(self) -> None:
        self.vetoed: set[str] | None = None  # queries with a hit elsewhere that this key excludes
        self.loose: set[Entry] | None = None  # candidates anchored here, without second keys
        self.paired: dict[Hashable, set[Entry]] | None = None  # second key -> candidates anchored here

    def empty(self) -> bool:
        return self.vetoed is None and self.loose is None and self.paired is None


def _put(slot: set | None, item: object) -> set:
    if slot is None:
        return {item}
    slot.add(item)
    return slot


def _take(slot: set | None, item: object) -> set | None:
    if slot is not None:
        slot.discard(item)
    return slot or None


def _firsts(entry: Entry, anchor: Iterable[tuple[Hashable, bool]]) -> list[str]:
    """The first word of every word pair the entry looks up (once per pair)."""
    keys = chain(
        (key for key, _ in anchor),
        entry.required,
        entry.banned,
        entry.seconds,
        chain.from_iterable(group for group, _ in entry.groups),
    )
    return [key[0] for key in set(keys) if isinstance(key, tuple)]


_MANY_SECONDS = 8  # past this many second keys under one anchor, intersect instead of looping


class _LanguageIndex:
    """Every active query under one language, filed under its anchor terms; updated in place.

    Two maps: the queries each key satisfies alone (most keys have only those, unioned in one
    call) and a posting per key for the rest, so an article's keys are looked up twice; a map per
    kind cost four lookups of every key, most of the matching time at 100,000 queries."""

    def __init__(self, lang: str, queries: Iterable[Query] = ()) -> None:
        self.lang = lang
        self._entries: dict[str, Entry] = {}
        self._hits: dict[Hashable, set[str]] = {}  # key -> queries it satisfies alone
        self._postings: dict[Hashable, _Posting] = {}
        self._prefixes: dict[str, int] = {}  # "prefix*" in any indexed query -> how many queries
        self._starts: dict[str, tuple[str, ...]] = {}  # word -> indexed "prefix*" it starts with
        # first words of the word pairs any query looks up: only those pairs of an article are keys
        self._firsts: dict[str, int] = {}
        self._exact = 0  # indexed queries with a quoted word: articles need their "=word" keys
        for query in queries:
            self.add(query)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, normalized: object) -> bool:
        return normalized in self._entries

    def _anchor(self, query: Query) -> Iterable[tuple[Hashable, bool]]:
        """(key, matches outright) for each term of the anchor group."""
        anchor = min(query.groups, key=lambda g: sum(map(term_cost, g)))
        # one group and exclusions that are keys ("gazprom -sport"): a hit unless an excluded key is there
        alone = len(query.groups) == 1 and all(term_key(t, self.lang) is not None for t in query.excluded)
        found: dict[Hashable, bool] = {}  # two long phrases of a group may share their pair
        for term in anchor:
            key = term_key(term, self.lang)
            if key is None:  # a longer phrase: filed under its rarest pair, always verified
                found.setdefault(rarest_pair(term_keys(term, self.lang)), False)
            else:
                found[key] = alone
        return found.items()

    @staticmethod
    def _terms(query: Query) -> Iterable[Term]:
        return chain(chain.from_iterable(query.groups), query.excluded)

    def _posting(self, key: Hashable) -> _Posting:
        posting = self._postings.get(key)
        if posting is None:
            posting = self._postings[key] = _Posting()
        return posting

    def _tidy(self, key: Hashable) -> None:
        if self._postings[key].empty():
            del self._postings[key]

    def add(self, query: Query) -> None:
        if query.normalized in self._entries:
            return
        anchor = list(self._anchor(query))
        entry = Entry(query, self.lang, [key for key, _ in anchor])
        if entry.banned and any(outright for _, outright in anchor):
            for key in entry.banned:
                posting = self._posting(key)
                posting.vetoed = _put(posting.vetoed, entry.normalized)
        for key, outright in anchor:
            if outright:
                self._hits[key] = _put(self._hits.get(key), entry.normalized)
                continue
            posting = self._posting(key)
            if not entry.seconds:
                posting.loose = _put(posting.loose, entry)
            else:
                paired = posting.paired if posting.paired is not None else {}
                for second in entry.seconds:
                    paired[second] = _put(paired.get(second), entry)
                posting.paired = paired
        kinds = {t.kind for t in self._terms(query)}
        for term in self._terms(query):
            if term.kind == PREFIX:
                if term.label not in self._prefixes:
                    self._starts.clear()  # a new prefix: what words start changes
                self._prefixes[term.label] = self._prefixes.get(term.label, 0) + 1
        for first in _firsts(entry, anchor):
            self._firsts[first] = self._firsts.get(first, 0) + 1
        self._exact += EXACT in kinds
        self._entries[entry.normalized] = entry

    def remove(self, normalized: str) -> None:
        entry = self._entries.pop(normalized, None)
        if entry is None:
            return
        query = entry.query
        anchor = list(self._anchor(query))
        if entry.banned and any(outright for _, outright in anchor):
            for key in entry.banned:
                posting = self._postings[key]
                posting.vetoed = _take(posting.vetoed, entry.normalized)
                self._tidy(key)
        for key, outright in anchor:
            if outright:
                if _take(self._hits[key], entry.normalized) is None:
                    del self._hits[key]
                continue
            posting = self._postings[key]
            if not entry.seconds:
                posting.loose = _take(posting.loose, entry)
            else:
                assert posting.paired is not None
                for second in entry.seconds:
                    left = _take(posting.paired.get(second), entry)
                    if left is None:
                        posting.paired.pop(second, None)
                posting.paired = posting.paired or None
            self._tidy(key)
        kinds = {t.kind for t in self._terms(query)}
        for term in self._terms(query):
            if term.kind == PREFIX:
                left = self._prefixes[term.label] - 1
                if left:
                    self._prefixes[term.label] = left
                else:
                    del self._prefixes[term.label]
                    self._starts.clear()
        for first in _firsts(entry, anchor):
            left = self._firsts[first] - 1
            if left:
                self._firsts[first] = left
            else:
                del self._firsts[first]
        self._exact -= EXACT in kinds

    def _keys(self, doc: Document) -> frozenset[Hashable] | set[Hashable]:
        if not self._firsts and not self._prefixes and not self._exact:
            return doc.distinct
        keys: set[Hashable] = set(doc.distinct)
        if self._firsts:
            keys.update(doc.pairs_from(self._firsts))
        if self._exact:
            keys.update("=" + w for w in doc.exact)
        if self._prefixes:
            # per word, remembered: a word's prefixes are looked up once, not in every article
            # (the lookups are set operations and maps, in C: a loop per word was ~0.2 ms an article)
            starts, prefixes, forms = self._starts, self._prefixes, doc.forms
            unknown = forms.difference(starts)
            if len(starts) + len(unknown) > STARTS_CACHE:
                starts.clear()
                unknown = forms
            for form in unknown:
                starts[form] = tuple(filter(prefixes.__contains__, slices(form)))
            keys.update(chain.from_iterable(map(starts.__getitem__, forms)))
        return keys

    def match(self, doc: Document) -> set[str]:
        """Normalized forms of every indexed query that `doc` satisfies."""
        keys = self._keys(doc)
        postings, hits = self._postings, self._hits
        vetoed: list[set[str]] = []
        candidates: set[Entry] = set()
        for posting in map(postings.__getitem__, keys & postings.keys()):
            if posting.vetoed is not None:
                vetoed.append(posting.vetoed)
            if posting.loose is not None:
                candidates |= posting.loose
            paired = posting.paired
            if paired is not None:
                if len(paired) > _MANY_SECONDS:
                    for second in paired.keys() & keys:
                        candidates |= paired[second]
                else:
                    for second, entries in paired.items():
                        if second in keys:
                            candidates |= entries
        # unions of whole postings in one call each: per-key Python loops were most of the cost
        out: set[str] = set().union(*map(hits.__getitem__, keys & hits.keys()))
        if vetoed:  # a query is one entry: what an excluded key removes came from hits or fails anyway
            out -= set().union(*vetoed)
        out.update(
            e.normalized
            for e in candidates
            if e.required <= keys
            and (e.plain or (e.banned.isdisjoint(keys) and (e.simple or e.rest(keys, doc))))
        )
        return out


class SubscriptionIndex:
    """Every active query; an index per article language, each built when first needed."""

    def __init__(self, queries: Iterable[Query] = ()) -> None:
        self._queries: dict[str, Query] = {}
        self._langs: dict[str, _LanguageIndex] = {}
        for query in queries:
            self.add(query)

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, normalized: object) -> bool:
        return normalized in self._queries

    def add(self, query: Query) -> None:
        if query.normalized in self._queries:
            return
        self._queries[query.normalized] = query
        for index in self._langs.values():
            index.add(query)

    def remove(self, normalized: str) -> None:
        if self._queries.pop(normalized, None) is None:
            return
        for index in self._langs.values():
            index.remove(normalized)

    def prepare(self, lang: str = UNDETERMINED) -> None:
        """Build the index for articles in `lang` now rather than at its first article."""
        if lang not in self._langs:
            self._langs[lang] = _LanguageIndex(lang, self._queries.values())

    def match(self, doc: Document) -> set[str]:
        """Normalized forms of every indexed query that `doc` satisfies (under doc's language)."""
        self.prepare(doc.lang)
        return self._langs[doc.lang].match(doc)
