"""Every real feed of the shared corpus parses; damaged ones still give their readable entries."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.parse import parse_feed

CORPUS = Path("/work/shared/corpus/feeds")
FILES = sorted(p for p in CORPUS.glob("*.xml*")) if CORPUS.is_dir() else []
NOW = datetime(2026, 1, 1, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not FILES, reason="shared feed corpus not present")


def body_of(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_feed_parses(path: Path) -> None:
    feed = parse_feed(body_of(path), source="corpus", url="https://corpus.example.com/feed", now=NOW)
    assert feed.is_feed
    for article in feed.articles:
        assert article.title and article.key and article.fetched_at == NOW
        assert article.published is None or article.published <= NOW
        assert "\ufffd" not in article.title or "INVALID" in path.name or "MESSAGGERO" in path.name.upper()


@pytest.mark.parametrize(
    ("name", "at_least"),
    [
        ("SYNTHETIC-unescaped-ampersand.rss.xml", 3),
        ("stackoverflow-nmea-INVALID-BYTES.atom.xml", 1),
        ("pcmag-dvorak-ILLEGALLY-NESTED.rss.xml", 10),
        ("uol-noticias-NO-XML-DECL-latin1.rss.xml", 15),
    ],
)
def test_damaged_feeds_keep_their_usable_entries(name: str, at_least: int) -> None:
    feed = parse_feed(body_of(CORPUS / name), source="corpus", url="https://corpus.example.com/feed", now=NOW)
    assert len(feed.articles) >= at_least


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("oren-ru-windows-1251.rss.xml", "Бузулук"),
        ("oren-ru-windows-1251.rss.xml.gz", "Бузулук"),
        ("yandex-news-moscow-MOJIBAKE.rss.xml", "Москв"),
        ("finanzen-net-analysen-ENCODING-MISMATCH.rss.xml", "für"),
        ("uol-noticias-NO-XML-DECL-latin1.rss.xml", "ç"),
        ("intranet30-iso-8859-1.rss.xml", "Ä"),
    ],
)
def test_corpus_encodings_decode_to_real_words(name: str, word: str) -> None:
    feed = parse_feed(body_of(CORPUS / name), source="corpus", url="https://corpus.example.com/feed", now=NOW)
    joined = " ".join(a.title + " " + a.text for a in feed.articles)
    assert word in joined
    assert "Ð" not in joined and "Ã¼" not in joined


def test_raw_gzip_bytes_are_not_a_feed() -> None:
    raw = (CORPUS / "nshipster-INVALID-CHARS.rss.xml.gz").read_bytes()  # served without Content-Encoding
    feed = parse_feed(raw, source="corpus", url="https://corpus.example.com/feed", now=NOW)
    assert not feed.is_feed and feed.articles == ()
