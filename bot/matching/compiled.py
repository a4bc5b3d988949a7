"""A query compiled for the index: its terms as keys of an article's key set, and how rare each is.

Takes a parsed Query and the language of the articles it will meet; gives the keys its terms
are looked up by (a word's stem, a phrase's rarest adjacent pair, "prefix*", "=word"), a guess
at how rare each term is (what an index files a query under), and an Entry: the query as set
operations on an article's keys, with a token scan only for phrases of three or more words.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from bot.matching.document import Document, term_keys
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


def word_cost(key: str) -> float:
    if key in STOPWORDS:
        return 100.0
    return (20.0 if key in _FREQUENT else 1.0) + 8.0 / len(key)


def rarest_pair(keys: tuple[str, ...]) -> tuple[str, str]:
    """The adjacent pair of a phrase least likely to occur."""
    j = min(range(len(keys) - 1), key=lambda i: word_cost(keys[i]) + word_cost(keys[i + 1]))
    return keys[j], keys[j + 1]


def term_cost(term: Term) -> float:
    if term.kind in (WORD, EXACT):
        return word_cost(term.keys[0])
    if term.kind == PHRASE:
        return 0.3 * min(map(word_cost, term.keys))
    return 3.0 + 24.0 / len(term.keys[0])  # short prefixes cover many words


def term_key(term: Term, lang: str = UNDETERMINED) -> Hashable:
    """The term's key in an article's key set (words, adjacent pairs, "prefix*", "=word")."""
    if term.kind == WORD:
        return term_keys(term, lang)[0]
    if term.kind == PREFIX:
        return term.label  # "sanction*": the star keeps prefixes apart from words
    if term.kind == EXACT:
        return "=" + term.keys[0]  # the "=" keeps a quoted word apart from stems
    keys = term_keys(term, lang)
    return rarest_pair(keys) if len(keys) == 2 else None


class Entry:
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
                found = known[id(term)] = term_key(term, lang)
            return found

        def scan(terms: Iterable[Term]) -> tuple[tuple[str, ...], ...]:
            return tuple(term_keys(t, lang) for t in terms if key(t) is None)

        single = [g[0] for g in query.groups if len(g) == 1 and key(g[0]) is not None]
        alone = {id(t) for t in single}
        self.required = frozenset(map(key, single)) or NONE
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
            self.seconds: tuple[Hashable, ...] = (key(min(others, key=term_cost)),)
        elif ors:
            self.seconds = tuple(dict.fromkeys(map(key, min(ors, key=lambda g: sum(map(term_cost, g))))))
        else:
            self.seconds = ()
        self.banned = frozenset(k for k in map(key, query.excluded) if k is not None) or NONE
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


NONE: frozenset[Hashable] = frozenset()
