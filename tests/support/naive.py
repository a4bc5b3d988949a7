"""The reference (naive) query evaluator: plain scanning, no index. The index must agree with it."""

from __future__ import annotations

from bot.matching.document import Document
from bot.matching.index import SubscriptionIndex
from bot.matching.query import PREFIX, WORD, Query, Term


def naive_matches(query: Query, doc: Document) -> bool:
    """Reference semantics: every group has a term in doc and no exclusion is in doc."""
    return all(any(naive_has(doc, t) for t in group) for group in query.groups) and not any(
        naive_has(doc, t) for t in query.excluded
    )


def naive_has(doc: Document, term: Term) -> bool:
    """Whether `term` occurs in `doc`, by plain scanning (no index)."""
    if term.kind == WORD:
        return term.keys[0] in doc.distinct
    if term.kind == PREFIX:
        prefix = term.keys[0]
        return any(form.startswith(prefix) for form in doc.forms)
    keys, n, stems = term.keys, len(term.keys), doc.stems
    if not all(k in doc.distinct for k in keys):
        return False
    return any(stems[i : i + n] == keys for i in range(len(stems) - n + 1))


def matched_terms(index: SubscriptionIndex, query: Query, doc: Document) -> tuple[str, ...]:
    """Which positive terms of an indexed query occur in doc (empty if it is not indexed)."""
    if query.normalized not in index:
        return ()
    return tuple(t.label for group in query.groups for t in group if doc.has(t))
