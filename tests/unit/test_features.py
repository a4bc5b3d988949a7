"""A story's features worked out in another process (bot.stories.features) are bit for bit those the
main process works out: same tokens, same signature, same event terms, down to the order their
sets iterate in (the event sums follow it)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.ingest.parse import parse_feed
from bot.models import Article
from bot.stories.events import event_terms
from bot.stories.features import StoryFeatures, story_features
from bot.stories.near import fingerprint, story_words

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT / "tests" / "data" / "feeds"
CORPUS = sorted(p.name for p in FEEDS.iterdir())  # the golden feeds: damaged ones included
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Another interpreter (another string-hash seed, as a parsing worker has) parses the same feeds
# and sends their stories' features back pickled, as a worker's answer travels.
CHILD = textwrap.dedent(
    """
    import pickle, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from bot.ingest.parse import parse_feed
    from bot.stories.features import story_features

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    found = {}
    for path in sys.argv[1:]:
        body = Path(path).read_bytes()
        parsed = parse_feed(body, source=Path(path).name, url="https://news.test/feed", now=now)
        found[Path(path).name] = story_features(parsed.articles)
    sys.stdout.buffer.write(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
    """
)


def _articles(name: str) -> tuple[Article, ...]:
    body = (FEEDS / name).read_bytes()
    return parse_feed(body, source=name, url="https://news.test/feed", now=NOW).articles


def _assert_as_computed_here(article: Article, made: StoryFeatures) -> None:
    words = story_words(article.title, article.text)
    assert (made.words.title, made.words.lead, made.words.lead_lines) == (
        words.title,
        words.lead,
        words.lead_lines,
    )
    print_ = fingerprint(article.title, article.text, words)
    assert made.print_.signature.dtype == print_.signature.dtype
    assert np.array_equal(made.print_.signature, print_.signature)
    assert (made.print_.lead_words, made.print_.size) == (print_.lead_words, print_.size)
    # as EventTracker._assign makes them: without the story's language
    terms = event_terms(article.title, article.text, words=words)
    assert made.terms == terms
    assert list(made.terms.weights.items()) == list(terms.weights.items())
    assert list(made.terms.title) == list(terms.title) and list(made.terms.what) == list(terms.what)
    assert made.terms.strong == terms.strong and made.terms.total == terms.total
    assert (made.terms.title_weight, made.terms.what_weight) == (terms.title_weight, terms.what_weight)
    assert made.terms.numbers == terms.numbers


def test_features_from_another_process_are_those_made_here() -> None:
    seed = os.environ.get("PYTHONHASHSEED", "")
    other_seed = str(int(seed) + 1) if seed.isdigit() else "4242"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *(str(FEEDS / name) for name in CORPUS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": other_seed},
        capture_output=True,
        check=True,
    )
    found: dict[str, dict[str, StoryFeatures]] = pickle.loads(child.stdout)
    compared = 0
    for name in CORPUS:
        articles = _articles(name)
        assert set(found[name]) == {a.key for a in articles}
        for article in articles:
            _assert_as_computed_here(article, found[name][article.key])
            compared += 1
    assert compared >= 30


def test_a_key_two_stories_share_gets_no_features() -> None:
    one, other, alone = _articles("real-finanzen-net-analysen-ENCODING-MISMATCH.rss.xml")[:3]
    twin = Article(one.key, one.source, "Another headline", one.url, None, "Other text.", one.fetched_at)
    made = story_features([one, other, twin, alone])
    assert set(made) == {other.key, alone.key}
    _assert_as_computed_here(alone, pickle.loads(pickle.dumps(made[alone.key])))
