"""Dedup keys: one key per story across tracking tags, feeds and syndicated copies."""

from __future__ import annotations

import pytest

from bot.ingest.identity import article_key, title_key
from bot.text.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),  # path case kept
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a/#comments", "https://example.com/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://example.com/a"),
        (
            "https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&yclid=5&_ga=6&ref=tw&ocid=7",
            "https://example.com/a",
        ),
        ("https://example.com/a?UTM_Source=x&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?b=2&a=1&c=3", "https://example.com/a?a=1&b=2&c=3"),
        (
            "https://example.com/a?tag=x&tag=a",
            "https://example.com/a?tag=x&tag=a",
        ),  # repeated keys keep order
        ("https://example.com/a?q=a%20b", "https://example.com/a?q=a%20b"),  # encoding untouched
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "value", ["tag:example.com,2026:1", "urn:uuid:1234", "12345", "", "http://[::1", "mailto:a@b.c"]
)
def test_canonical_url_leaves_non_web_identifiers_alone(value: str) -> None:
    assert canonical_url(value) == value.strip()


def test_copies_of_one_link_share_a_canonical_url() -> None:
    copies = [
        "https://news.example.com/story/42?utm_source=twitter",
        "https://NEWS.example.com/story/42/",
        "https://news.example.com:443/story/42#top",
        "https://news.example.com/story/42?fbclid=abc&utm_medium=social",
    ]
    assert len({canonical_url(u) for u in copies}) == 1


def test_title_key_folds_case_accents_and_punctuation() -> None:
    assert title_key("SOCAR’s gas — flows to Europe!") == title_key("socar's GAS flows to europe")
    assert title_key("  Bakı   hosts COP29 talks ") == "baki hosts cop29 talks"
    assert title_key("Oil: prices rise, again") == "oil prices rise again"


def test_title_key_is_empty_for_generic_short_titles() -> None:
    assert title_key("Live updates") == ""
    assert title_key("") == ""
    assert title_key("!!!") == ""


def test_article_key_prefers_guid_then_canonical_link_then_hash() -> None:
    # the guid survives a fixed headline and URL slug (issue 12); the link is the fallback
    assert article_key("g-1", "https://x.example.com/a/?utm_source=rss", "T", "S") == "g-1"
    assert article_key("g-1", "https://x.example.com/a-fixed-slug", "T fixed", "S") == "g-1"
    assert article_key(None, "https://x.example.com/a/?utm_source=rss", "T", "S") == "https://x.example.com/a"
    assert article_key("g-1", None, "T", "S") == "g-1"
    assert article_key("  g-1 ", "", "T", "S") == "g-1"
    hashed = article_key(None, None, "Title", "Summary")
    assert hashed.startswith("sha256:")
    assert hashed == article_key(None, None, "TITLE", "Summary")  # folded title
    assert hashed != article_key(None, None, "Title", "Other summary")


def test_same_story_in_two_feeds_has_one_key_without_guids() -> None:
    # with guids, the two feeds' copies differ in key but share the canonical URL (url_key)
    a = article_key(None, "https://wire.example.com/s/1?utm_source=feed-a", "Story", "")
    b = article_key(None, "https://wire.example.com/s/1?ref=b", "Story (B)", "teaser")
    assert a == b
