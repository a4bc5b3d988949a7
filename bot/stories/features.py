"""A new story's copy and event features, worked out where its feed is parsed.

`story_features(articles)` takes a parsed feed's stories and gives, by story key, what the never-
seen filter (bot.stories.fresh) and the event tracker (bot.stories.threads) would otherwise work
out in the main process for each new story: its StoryWords, its copy Fingerprint and its
EventTerms. It is top-level and pure, so a feed-parsing worker process runs it beside the parse
(bot.ingest.parse_pool) and sends the results back with the feed; they are bit for bit what the
main process computes (tests/unit/test_features.py).

The terms are `event_terms(title, text, words=words)`, as `EventTracker._assign` has always made
them: English word rarity, whatever the story's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.models import Article
from bot.stories.events import EventTerms, event_parts
from bot.stories.near import Fingerprint, StoryWords, fingerprint, story_words


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    words: StoryWords
    print_: Fingerprint
    weights: dict[str, float]  # the event terms' inputs, as event_parts gives them
    names: frozenset[str]

    @property
    def terms(self) -> EventTerms:
        """Made where they are read, never sent: pickle would refill the terms' sets in the
        sender's iteration order, under the receiver's string hashes, which can iterate otherwise
        than the receiver's own terms of the story, and EventTerms' sums follow a set's order to
        the last bit (the size of `names` counts too)."""
        return EventTerms.of(self.weights, self.words.title, self.names)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # plain values unpickle in a third of the dataclasses' time
        w, p = self.words, self.print_
        raw, dtype = p.signature.tobytes(), p.signature.dtype.str
        return _rebuilt, (
            w.title,
            w.lead,
            w.lead_lines,
            raw,
            dtype,
            p.lead_words,
            p.size,
            self.weights,
            self.names,
        )


def _rebuilt(
    title: list[str],
    lead: list[str],
    lead_lines: list[str],
    raw: bytes,
    dtype: str,
    lead_words: int,
    size: int,
    weights: dict[str, float],
    names: frozenset[str],
) -> StoryFeatures:
    words = StoryWords(title, lead, lead_lines)
    print_ = Fingerprint(np.frombuffer(raw, dtype=np.dtype(dtype)).copy(), lead_words, size)
    return StoryFeatures(words, print_, weights, names)


def features_of(article: Article) -> StoryFeatures:
    words = story_words(article.title, article.text)
    weights, _, names = event_parts(article.title, article.text, words=words)
    return StoryFeatures(words, fingerprint(article.title, article.text, words), weights, frozenset(names))


def story_features(articles: Sequence[Article]) -> dict[str, StoryFeatures]:
    """Story key -> its features. A key two of the stories share is left out: its features would
    be one story's, and the reader could not tell which (it works them out itself)."""
    counts = Counter(a.key for a in articles)
    return {a.key: features_of(a) for a in articles if counts[a.key] == 1}
