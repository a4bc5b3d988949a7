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

from bot.matching.document import Document, slices, term_keys
from bot.matching.query import EXACT, PHRASE, PREFIX, WORD, Query, Term
from bot.text.stemming import UNDETERMINED
from bot.text.tokens import STOPWORDS, tokenize

# Frequent English and news words: a query anchored on one would be verified for most articles,
# so an anchor prefers any other term. (Length is the fallback rarity guess.)
_FREQUENT = frozenset(
    tokenize(
        "all any back because before being between both came come day days did do does down during each "
        "even every few get go going good great had here how however if into just know like made make many "
        "may me might most much must my never next no now off old only other own part put right same say "
        "see should since so some still such take taking than them then these think those three through "
        "told under until us use very want way well what when where while why work world years yet "
        "four five six seven eight ten hundred thousand million millions billion percent per cent "
        "monday tuesday wednesday thursday friday saturday sunday week weeks month months today "
        "january february march april june july august september october november december "
        "government minister president country countries state states national international official "
        "officials police report reports company companies market markets group leader leaders party "
        "political election public former general secretary office number game team club season "
        "economic economy european britain british england london america american united city home "
        "news told added according statement says saying called including later early long high big "
        "least around again against another among already although become became best better "
        "business money price prices rise fell record records plan plans deal talks war world "
        "programme program service services support system court law security health work workers"
    )
)


def _word_cost(key: str) -> float:
    if key in STOPWORDS:
        return 100.0
    return (20.0 if key in _FREQUENT else 1.0) + 8.0 / len(key)


def _pair(keys: tuple[str, ...]) -> tuple[str, str]:
    """The adjacent pair of a phrase least likely to occur."""
    j = min(range(len(keys) - 1), key=lambda i: _word_cost(keys[i]) + _word_cost(keys[i + 1]))
    return keys[j], keys[j + 1]


def _cost(term: Term) -> float:
    if term.kind in (WORD, EXACT):
        return _word_cost(term.keys[0])
    if term.kind == PHRASE:
        return 0.3 * min(map(_word_cost, term.keys))
    return 3.0 + 24.0 / len(term.keys[0])  # short prefixes cover many words


def _key(term: Term, lang: str = UNDETERMINED) -> Hashable:
    """The term's key in an article's key set (words, adjacent pairs, "prefix*", "=word")."""
    if term.kind == WORD:
        return term_keys(term, lang)[0]
    if term.kind == PREFIX:
        return term.label  # "sanction*": the star keeps prefixes apart from words
    if term.kind == EXACT:
        return "=" + term.keys[0]  # the "=" keeps a quoted word apart from stems
    keys = term_keys(term, lang)
    return _pair(keys) if len(keys) == 2 else None


class _Entry:
    """A query compiled to set operations on an article's keys; only long phrases need a scan."""

    __slots__ = (
        "banned", "groups", "normalized", "plain", "query", "required", "seconds", "simple", "vetoes",
    )  # fmt: skip

    def __init__(self, query: Query, lang: str = UNDETERMINED, anchor: Iterable[Hashable] = ()) -> None:
        self.query = query
        self.normalized = query.normalized

        known: dict[int, Hashable] = {}  # by identity: a Term's own hash and == are slow dataclass code

        def key(term: Term) -> Hashable:
            found = known.get(id(term), known)
            if found is known:
                found = known[id(term)] = _key(term, lang)
            return found

        def scan(terms: Iterable[Term]) -> tuple[tuple[str, ...], ...]:
            return tuple(term_keys(t, lang) for t in terms if key(t) is None)

        single = [g[0] for g in query.groups if len(g) == 1 and key(g[0]) is not None]
        alone = {id(t) for t in single}
        self.required = frozenset(map(key, single)) or _NONE
        # Candidates are also filed under "second" keys, one of which an article must have
        # besides the anchor, so an article with the anchor alone is never verified: the rarest
        # other required key ("gazprom pipeline"), else every key of the cheapest other OR-group
        # ("take (england OR stone)" is verified only where "take" meets england or stone).
        anchor = frozenset(anchor)
        others = [t for t in single if key(t) not in anchor]
        ors = [
            g
            for g in query.groups
            if len(g) > 1 and all(key(t) is not None for t in g) and anchor.isdisjoint(map(key, g))
        ]
        if others:
            self.seconds: tuple[Hashable, ...] = (key(min(others, key=_cost)),)
        elif ors:
            self.seconds = tuple(dict.fromkeys(map(key, min(ors, key=lambda g: sum(map(_cost, g))))))
        else:
            self.seconds = ()
        self.banned = frozenset(k for k in map(key, query.excluded) if k is not None) or _NONE
        self.groups = tuple(
            (frozenset(k for k in map(key, g) if k is not None), scan(g))
            for g in query.groups
            if not (len(g) == 1 and id(g[0]) in alone)
        )
        self.vetoes = scan(query.excluded)
        self.simple = not self.groups and not self.vetoes  # required and banned keys only
        self.plain = self.simple and not self.banned  # required keys only

    def rest(self, keys: frozenset[Hashable] | set[Hashable], doc: Document) -> bool:
        """The OR-groups and long-phrase exclusions (the caller checked required and banned keys)."""
        for group, phrases in self.groups:
            if group.isdisjoint(keys) and not any(map(doc.has_phrase, phrases)):
                return False
        return not any(map(doc.has_phrase, self.vetoes))


_NONE: frozenset[Hashable] = frozenset()
STARTS_CACHE = 50_000  # words whose indexed prefixes are remembered (a few MB)


class _Posting:
    """What one key of an article brings besides queries it satisfies alone: queries it
    excludes ("-sport"), and candidates to verify (filed under it as their anchor)."""

    __slots__ = ("loose", "paired", "vetoed")

    def __init__(self) -> None:
        self.vetoed: set[str] | None = None  # queries with a hit elsewhere that this key excludes
        self.loose: set[_Entry] | None = None  # candidates anchored here, without second keys
        self.paired: dict[Hashable, set[_Entry]] | None = None  # second key -> candidates anchored here

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


def _firsts(entry: _Entry, anchor: Iterable[tuple[Hashable, bool]]) -> list[str]:
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
        self._entries: dict[str, _Entry] = {}
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
        anchor = min(query.groups, key=lambda g: sum(map(_cost, g)))
        # one group and exclusions that are keys ("gazprom -sport"): a hit unless an excluded key is there
        alone = len(query.groups) == 1 and all(_key(t, self.lang) is not None for t in query.excluded)
        found: dict[Hashable, bool] = {}  # two long phrases of a group may share their pair
        for term in anchor:
            key = _key(term, self.lang)
            if key is None:  # a longer phrase: filed under its rarest pair, always verified
                found.setdefault(_pair(term_keys(term, self.lang)), False)
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
        entry = _Entry(query, self.lang, [key for key, _ in anchor])
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
        candidates: set[_Entry] = set()
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
