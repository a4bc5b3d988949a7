"""OPML and plain URL lists in; OPML 2.0 out; hostile XML refused without expanding anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ingest.opml import (
    MAX_BYTES,
    ExportedFeed,
    FeedListError,
    ListedFeed,
    export_opml,
    parse_feed_list,
)

OPML2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News">
      <outline text="World" title="BBC World" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
      <outline text="Region">
        <outline text="Eurasianet" type="rss" xmlUrl="https://eurasianet.org/feeds/online" htmlUrl="https://eurasianet.org"/>
      </outline>
    </outline>
    <outline text="A link, not a feed" type="link" url="https://example.org/"/>
    <outline text="Tom &amp; Jerry &#8211; news" xmlUrl="https://example.com/rss?a=1&amp;b=2"/>
    <outline text="Duplicate" xmlUrl="https://eurasianet.org/feeds/online"/>
  </body>
</opml>"""

OPML1 = b"""<opml version="1.0"><head><title>old</title></head><body>
<outline title="Golem" xmlurl="https://rss.golem.de/rss.php?feed=RSS1.0"/></body></opml>"""


def test_opml2_nested_outlines_in_document_order_without_duplicates() -> None:
    parsed = parse_feed_list(OPML2)
    assert parsed.title == "My feeds"
    assert parsed.feeds == (
        ListedFeed("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC World"),
        ListedFeed("https://eurasianet.org/feeds/online", "Eurasianet"),
        ListedFeed("https://example.com/rss?a=1&b=2", "Tom & Jerry – news"),
    )


def test_opml1_with_lower_case_attribute() -> None:
    parsed = parse_feed_list(OPML1)
    assert parsed.feeds == (ListedFeed("https://rss.golem.de/rss.php?feed=RSS1.0", "Golem"),)


def test_plain_list_of_urls_with_comments_bom_and_crlf() -> None:
    data = (
        "\ufeff# my feeds\r\nhttps://a.example/rss.xml\r\n\r\n  https://b.example/feed  my label\r\n".encode()
    )
    parsed = parse_feed_list(data)
    assert [f.url for f in parsed.feeds] == ["https://a.example/rss.xml", "https://b.example/feed"]
    assert all(f.title is None for f in parsed.feeds)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss version='2.0'><channel/></rss>", "not OPML"),
        (b"<opml><body><outline", "not valid XML"),
        (b"\xff\xfe\x00\x00garbage\x00", "not"),
        (b"# only a comment\n\n", "no feed addresses"),
    ],
)
def test_what_is_not_a_feed_list_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(FeedListError, match=reason):
        parse_feed_list(data)


def test_billion_laughs_and_external_entities_are_refused_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <opml version="2.0"><body><outline text="&c;" xmlUrl="https://x.example/rss"/></body></opml>"""
    xxe = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/rss"/></body></opml>"""
    for data in (bomb, xxe):
        with pytest.raises(FeedListError, match="entities"):
            parse_feed_list(data)


def test_size_and_count_are_capped() -> None:
    with pytest.raises(FeedListError, match="larger"):
        parse_feed_list(b"https://a.example/\n" * (MAX_BYTES // 10))
    many = "".join(f"https://site{i}.example/rss\n" for i in range(30)).encode()
    parsed = parse_feed_list(many, max_feeds=10)
    assert len(parsed.feeds) == 10 and parsed.truncated == 20


def test_export_is_opml2_that_reads_back() -> None:
    feeds = [
        ExportedFeed("https://example.com/rss?a=1&b=2", 'Tom & "Jerry" <news>'),
        ExportedFeed("https://eurasianet.org/feeds/online", "Eurasianet"),
    ]
    data = export_opml(feeds, now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'version="2.0"' in data and b"Tue, 01 Dec 2026 12:00:00 GMT" in data
    back = parse_feed_list(data)
    assert back.title == "newsbot sources"
    assert [(f.url, f.title) for f in back.feeds] == [(f.url, f.title) for f in feeds]
