"""The reference (naive) query evaluator: plain scanning, no index. The index must agree with it."""

from __future__ import annotations

from bot.matching.document import Document, term_keys
from bot.matching.index import SubscriptionIndex
from bot.matching.query import EXACT, PREFIX, WORD, Query, Term
from bot.text.tokens import bare


def naive_matches(query: Query, doc: Document) -> bool:
    """Reference semantics: every group has a term in doc and no exclusion is in doc."""
    return all(any(naive_has(doc, t) for t in group) for group in query.groups) and not any(
        naive_has(doc, t) for t in query.excluded
    )


def naive_has(doc: Document, term: Term) -> bool:
    """Whether `term` occurs in `doc`, by plain scanning (no index)."""
    keys = term_keys(term, doc.lang)
    if term.kind == WORD:
        return keys[0] in doc.distinct
    if term.kind == EXACT:
        return any(bare(word) == keys[0] for word in doc.surface)
    if term.kind == PREFIX:
        prefix = keys[0]
        return any(form.startswith(prefix) for form in doc.forms)
    n, stems = len(keys), doc.stems
    if not all(k in doc.distinct for k in keys):
        return False
    return any(
        all(stems[i + j] == k or k in doc.alts.get(i + j, ()) for j, k in enumerate(keys))
        for i in range(len(stems) - n + 1)
    )


def matched_terms(index: SubscriptionIndex, query: Query, doc: Document) -> tuple[str, ...]:
    """Which positive terms of an indexed query occur in doc (empty if it is not indexed)."""
    if query.normalized not in index:
        return ()
    return tuple(t.label for group in query.groups for t in group if doc.has(t))
