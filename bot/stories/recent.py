"""The recent stories a query finds: /latest's pages and /subscribe's preview.

Both read the article cache (the last few days of stories, newest first). A story its feed
republished under a new link is one story: the newest copy of each canonical link or title stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.matching.document import Document, analyze
from bot.matching.query import Query, Term
from bot.models import Article
from bot.stories.events import EventIndex, event_terms
from bot.texts import N_, Text, plural_text


def distinct_stories(articles: Iterable[Article]) -> list[Article]:
    """Newest first, without the older copies of a story (same canonical link or same title)."""
    seen: set[str] = set()
    out: list[Article] = []
    for article in articles:
        keys = {f"u:{article.url_key}" if article.url_key else "", f"t:{article.title_key}"} - {"", "t:"}
        if keys & seen:
            continue
        seen |= keys
        out.append(article)
    return out


@dataclass(frozen=True, slots=True)
class Preview:
    """What a query would have found in the recent stories."""

    scanned: int  # distinct recent stories looked at
    matched: int
    examples: tuple[Article, ...]  # the newest few matches
    reason: str | None = None  # why nothing matched, in words a user can act on


def _positive(doc: Document, query: Query) -> bool:
    return all(any(doc.has(term) for term in group) for group in query.groups)


def _excluded(doc: Document, query: Query) -> Term | None:
    return next((term for term in query.excluded if doc.has(term)), None)


def preview(articles: Sequence[Article], query: Query, examples: int = 3, days: int = 3) -> Preview:
    docs = [(a, analyze(a.title, a.text, lang=a.lang or None)) for a in distinct_stories(articles)]
    found = [a for a, d in docs if _positive(d, query) and _excluded(d, query) is None]
    if found or not docs:
        reason = None if found else Text(N_("no stories arrived in the last {days} days yet"), days=days)
        return Preview(len(docs), len(found), tuple(found[:examples]), reason)
    positive = [d for _, d in docs if _positive(d, query)]
    if positive:
        blockers = {t.text for d in positive if (t := _excluded(d, query)) is not None}
        what = ", ".join(f"-{b}" for b in sorted(blockers))
        reason = plural_text(
            "{what} removes the only story that matches the rest of the query",
            "{what} removes all {n} stories that match the rest of the query",
            len(positive),
            what=what,
        )
        return Preview(len(docs), 0, (), reason)
    unused = [t for group in query.groups for t in group if not any(d.has(t) for _, d in docs)]
    if unused:
        names = ", ".join(f"“{t.label}”" for t in unused[:3])
        reason = Text(N_("no source has used {names} in the last {days} days"), names=names, days=days)
    else:
        reason = Text(N_("its words never appeared together in one story in the last {days} days"), days=days)
    return Preview(len(docs), 0, (), reason)


def by_event(articles: Sequence[Article]) -> list[tuple[Article, list[Article]]]:
    """Newest-first stories grouped by the event they report (bot.stories.events): each event's
    newest story, with the other reports of it (newest first), in the order of those newest."""
    index = EventIndex()
    event_of: dict[str, str] = {}
    for n, article in enumerate(reversed(articles)):  # oldest first: an event starts with its first report
        terms = event_terms(article.title, article.text)
        found = index.match(terms, since=float("-inf"), exclude=article.key)
        event_of[article.key] = index.add(article.key, terms, float(n), found.event if found else None)
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(event_of[article.key], []).append(article)
    return [(group[0], group[1:]) for group in groups.values()]
