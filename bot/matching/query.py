"""The subscription query language: words, "phrases", OR, -exclusions and prefix*.

A query is an AND of OR-groups of positive terms, plus exclusions. The tests' naive evaluator
(tests/support/naive.py) is the reference `bot.matching.index.SubscriptionIndex` must agree with.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.errors import QueryError
from bot.text.stemming import raw_words
from bot.text.stopwords import common_in
from bot.text.tokens import bare, fold, stem, words
from bot.texts import N_, Text

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
MIN_PREFIX = 3
WORD, PHRASE, PREFIX, EXACT = "word", "phrase", "prefix", "exact"  # EXACT: a quoted single word
_SYMBOLS = "+#&"

# Phones and keyboards turn " into typographic quotes; they all mean a phrase.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_EXAMPLE = Text(N_('e.g. Caspian pipeline, "Caspian Sea", Gazprom OR Rosneft, Armenia -peace, sanction*'))


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # WORD, PHRASE, PREFIX or EXACT
    keys: tuple[str, ...]  # stems for a word or phrase; the folded prefix or exact word
    label: str  # display form without quotes: 'socar', 'caspian sea', 'sanction*'
    words: tuple[str, ...] = ()  # the words as typed: per-language keys come from these

    @property
    def text(self) -> str:
        """The form in a normalized query: phrases quoted."""
        # a word that reads as an operator keeps its quotes, or the normal form would re-parse as OR
        quoted = self.kind in (PHRASE, EXACT) or self.label.upper() in ("OR", "AND", "NOT")
        return f'"{self.label}"' if quoted else self.label


@dataclass(frozen=True)
class Query:
    normalized: str
    terms: tuple[str, ...]
    groups: tuple[tuple[Term, ...], ...] = field(default=(), compare=False, repr=False)
    excluded: tuple[Term, ...] = field(default=(), compare=False, repr=False)
    typed: str = field(default="", compare=False)  # as the user typed it: what replies show

    @property
    def display(self) -> str:
        """The query as its user wrote it (case, accents, order); the normal form for old rows."""
        return self.typed or self.normalized


def _display(word: str) -> str:
    while word.endswith("'s") and len(word) > 2:  # "socar's's" too: normalising twice changes nothing
        word = word[:-2]
    return word


def _term(text: str, quoted: bool) -> Term:
    found = words(text)
    if not found:
        what = f'"{text}"' if quoted else f"'{text}'"
        raise QueryError(N_("{what} has no letters or digits: remove it or put a word in it."), what=what)
    if "*" in text:
        if quoted:
            raise QueryError(
                N_('Wildcards do not work inside quotes: "{text}". Use a word like sanction* alone.'),
                text=text,
            )
        if not text.endswith("*") or "*" in text[:-1]:
            raise QueryError(
                N_("'{text}': '*' goes only once, at the end of a word, as in sanction*."), text=text
            )
        if len(found) > 1:
            raise QueryError(N_("'{text}': '*' applies to a single word, as in sanction*."), text=text)
        prefix = bare(found[0])
        if sum(ch.isalnum() for ch in prefix) < MIN_PREFIX:
            raise QueryError(
                N_("'{text}': put at least {n} letters before '*', as in sanction*."), text=text, n=MIN_PREFIX
            )
        return Term(PREFIX, (prefix,), prefix + "*")
    if not quoted and any(ch in text for ch in _SYMBOLS) and not any(ch in "".join(found) for ch in _SYMBOLS):
        raise QueryError(
            N_(
                "'{text}' cannot be matched as written: only names like C++, C#, AT&T or S&P keep their "
                "symbols. Write it in letters, or quote the words around it."
            ),
            text=text,
        )
    raw = raw_words(text)
    typed = tuple(raw) if len(raw) == len(found) else tuple(found)
    if len(found) == 1:
        if quoted:  # "Москва": that form only
            return Term(EXACT, (bare(found[0]),), _display(found[0]), typed)
        return Term(WORD, (stem(found[0]),), _display(found[0]), typed)
    return Term(PHRASE, tuple(map(stem, found)), " ".join(map(_display, found)), typed)


def _scan(text: str) -> list[tuple[str, bool, bool] | None]:
    """Split into (text, quoted, excluded) terms; None stands for the OR operator."""
    items: list[tuple[str, bool, bool] | None] = []
    i, n = 0, len(text)
    negate = False  # after NOT: "NOT x" and "AND NOT x" mean -x
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        excluded = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if excluded:
            i += 1
        excluded, negate = excluded or negate, False
        if text[i] == '"':
            end = text.index('"', i + 1)  # quotes were checked to be balanced
            items.append((text[i + 1 : end], True, excluded))
            i = end + 1
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] != '"':
            end += 1
        word = text[i:end]
        if word == "-":
            raise QueryError(N_("Put the word to exclude right after '-', with no space: Armenia -peace."))
        i = end
        operator = word.upper() if not excluded else ""
        if operator == "AND":  # every word is required anyway: "Gazprom AND Rosneft" means both
            continue
        if operator == "NOT":
            if i >= n:
                raise QueryError(N_("Put the word to exclude after NOT, as in: Armenia NOT peace."))
            negate = True
            continue
        # "or" in any case: in a chat nobody types the capitals web search wants
        items.append(None if operator == "OR" else (word, False, excluded))
    return items


def _group(items: list[tuple[str, bool, bool] | None]) -> tuple[list[list[Term]], list[Term]]:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    last: str | None = None  # "pos", "neg" or None (start)
    for item in items:
        if item is None:
            if last == "neg":
                raise QueryError(
                    N_("An excluded term cannot be part of an OR: write Gazprom OR Rosneft -peace.")
                )
            if last is None or pending_or:
                raise QueryError(
                    N_("'OR' must stand between two terms, as in: Gazprom OR Rosneft ({example})."),
                    example=_EXAMPLE,
                )
            pending_or = True
            continue
        text, quoted, negated = item
        term = _term(text, quoted)
        if negated:
            if pending_or:
                raise QueryError(
                    N_("An excluded term cannot be part of an OR: write Gazprom OR Rosneft -peace.")
                )
            excluded.append(term)
            last = "neg"
        else:
            if pending_or:
                groups[-1].append(term)
            else:
                groups.append([term])
            pending_or, last = False, "pos"
    if pending_or:
        raise QueryError(N_("'OR' must stand between two terms, as in: Gazprom OR Rosneft."))
    return groups, excluded


def _canonical(groups: list[list[Term]], excluded: list[Term]) -> Query:
    """One form for queries that mean the same: duplicates, redundant groups and order removed."""
    label: dict[tuple[str, tuple[str, ...]], Term] = {}  # one display per (kind, keys)
    for term in [*excluded, *(t for g in groups for t in g)]:
        ident = (term.kind, term.keys)
        if ident not in label or term.label < label[ident].label:
            label[ident] = term
    out = {(t.kind, t.keys) for t in excluded}
    sets = {frozenset((t.kind, t.keys) for t in g) - out for g in groups}
    for ids in sets:
        if not ids:
            raise QueryError(
                N_("Every word of the query is also excluded, so nothing could match: remove one.")
            )
    # A group that contains another group is implied by it: "a (a OR b)" is just "a".
    kept = [s for s in sets if not any(other < s for other in sets)]
    ordered = sorted(
        (tuple(sorted((label[i] for i in s), key=lambda t: t.text)) for s in kept),
        key=lambda g: " OR ".join(t.text for t in g),
    )
    ex = tuple(sorted((label[i] for i in out), key=lambda t: t.text))
    normalized = " ".join([*(" OR ".join(t.text for t in g) for g in ordered), *("-" + t.text for t in ex)])
    terms = tuple(dict.fromkeys(t.label for g in ordered for t in g))
    return Query(normalized, terms, tuple(ordered), ex)


def _too_common(groups: list[list[Term]]) -> str | None:
    """Why a query would match nearly every story, in any language; None when it would not."""
    for group in groups:
        for term in group:
            if term.kind not in (WORD, EXACT):
                return None
            label = fold(term.label)
            if len(label) > 1 and common_in(label) is None:
                return None
    return "single letters, digits or words found in almost every story"


def parse_query(text: str, *, max_chars: int = MAX_QUERY_CHARS, stored: bool = False) -> Query:
    """Parse a subscription query; raises QueryError with what to fix.

    The limit is on what a user types; a stored normal form may be longer ("Trans-Caspian"
    becomes a quoted phrase), so stored rows are re-read with a larger `max_chars`, and
    `stored=True` (rows written by an older, laxer parser must still load) skips the
    "matches nearly everything" refusal.
    """
    typed = " ".join(text.split())
    text = text.translate(_QUOTES).strip()
    if not text:
        raise QueryError(N_("The query is empty: type the words to watch for, {example}."), example=_EXAMPLE)
    if len(text) > max_chars:
        raise QueryError(
            N_("The query is {length} characters long: use at most {most}."), length=len(text), most=max_chars
        )
    if text.count('"') % 2:
        raise QueryError(
            N_('A quote is not closed: phrases need a quote on both sides, as in "Caspian Sea".')
        )
    items = _scan(text)
    count = sum(item is not None for item in items)
    if count > MAX_TERMS:
        raise QueryError(
            N_("The query has {count} terms: use at most {most} words, phrases or exclusions."),
            count=count,
            most=MAX_TERMS,
        )
    groups, excluded = _group(items)
    if not groups:
        raise QueryError(
            N_("A query needs at least one word to look for, not only exclusions ({example})."),
            example=_EXAMPLE,
        )
    query = _canonical(groups, excluded)
    # on the normal form, the one stored: "new gas OR new" is just "new" (and would not load again)
    if not stored and _too_common([list(g) for g in query.groups]):
        common = " ".join(t.label for g in query.groups for t in g)
        raise QueryError(
            N_(
                "'{common}' would match almost every story (single letters, digits and words like "
                "'the', 'и', 'und' are in nearly all): add a more specific word ({example})."
            ),
            common=common,
            example=_EXAMPLE,
        )
    return replace(query, typed=typed)
