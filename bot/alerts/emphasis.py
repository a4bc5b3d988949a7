"""Why a story matched: where the matched words are in a title or bullet, to show them bold.

The same folding and stemming as matching, so "pipelines" is found for the query word pipeline,
"SOCAR’s" for socar, "Bakı" for Baki, and, under the story's language (`story_language`),
"Газпрома" for Газпром; phrases are found whole, prefix terms by the folded start of a word.
Excluded terms are never marked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.errors import QueryError
from bot.matching.document import term_keys
from bot.matching.query import PHRASE, PREFIX, WORD, Term, parse_query
from bot.text.lang import detect
from bot.text.stemming import UNDETERMINED, analyzer
from bot.text.tokens import bare, fold, stem, tokenize

_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
Span = tuple[int, int]


@lru_cache(maxsize=4096)
def _terms_of(normalized: str) -> tuple[Term, ...]:
    try:
        query = parse_query(normalized)
    except QueryError:
        return ()
    return tuple(term for group in query.groups for term in group)


def matched_terms(queries: Sequence[str]) -> tuple[Term, ...]:
    """The positive terms of the (normalised) queries an alert matched."""
    seen: dict[Term, None] = {}
    for query in queries:
        for term in _terms_of(query):
            seen.setdefault(term, None)
    return tuple(seen)


def story_language(title: str, bullets: Sequence[str], known: str = "") -> str:
    """The language the alert's story is written in: as ingest found it (`known`, what matching
    used), else from the alert's own words (alerts queued before the story's language was kept)."""
    return known or detect(" ".join((title, *bullets)))


def spans(text: str, terms: Sequence[Term], lang: str | None = None) -> list[Span]:
    """Non-overlapping (start, end) character spans of `text` where a term occurs, in order;
    with `lang`, also a word that is a form of a query word under that language."""
    if not terms or not text:
        return []
    tokens = [(m.start(), m.end(), tokenize(m.group())) for m in _WORD.finditer(text)]
    found: list[Span] = []
    if lang and analyzer(lang).lang != UNDETERMINED:
        found.extend(_inflected(text, tokens, terms, analyzer(lang).lang))
    for i, (start, end, stems) in enumerate(tokens):
        for term in terms:
            if term.kind == PREFIX:
                if bare(fold(text[start:end])).startswith(term.keys[0]):
                    found.append((start, end))
            elif term.kind == PHRASE:
                n = len(term.keys)
                window = tokens[i : i + n]
                if len(window) == n and all(
                    len(t[2]) == 1 and t[2][0] == k for t, k in zip(window, term.keys, strict=True)
                ):
                    found.append((start, window[-1][1]))
            elif stems and term.keys[0] in stems:
                found.append((start, end))
    found.sort()
    merged: list[Span] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inflected(
    text: str, tokens: Sequence[tuple[int, int, list[str]]], terms: Sequence[Term], lang: str
) -> list[Span]:
    """Words (and phrases) that are forms of query words under `lang`, as matching finds them."""
    keys_of = analyzer(lang).keys
    word_keys = [keys_of(text[start:end]) for start, end, _ in tokens]
    found: list[Span] = []
    for term in terms:
        if term.kind not in (WORD, PHRASE):
            continue
        wanted = term_keys(term, lang)
        n = len(wanted)
        for i in range(len(tokens) - n + 1):
            if all(wanted[j] in word_keys[i + j] for j in range(n)):
                found.append((tokens[i][0], tokens[i + n - 1][1]))
    return found


def stem_of(word: str) -> str:  # pragma: no cover - convenience for callers and tests
    return stem(bare(fold(word)))
