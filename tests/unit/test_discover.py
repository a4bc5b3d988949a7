"""Feed discovery from a page: announced feeds first, then common paths; only safe absolute URLs."""

from __future__ import annotations

from bot.ingest.discover import FeedLink, absolute_http_url, common_feed_urls, feed_links

PAGE = """<!doctype html><html><head>
<title>Site</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All  stories" href="/feed.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://site.example/atom">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="text/html" hreflang="de" href="/de/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="https://user:pw@site.example/private.xml">
</head><body>
<link rel="alternate" type="application/rss+xml" href="https://other.example/widget.xml">
</body></html>"""


def test_announced_feeds_in_page_order_resolved_and_deduplicated() -> None:
    assert feed_links(PAGE, "https://site.example/news/") == [
        FeedLink("https://site.example/feed.xml", "All stories", "application/rss+xml"),
        FeedLink("https://site.example/atom", None, "application/atom+xml"),
    ]


def test_base_href_and_bytes_input() -> None:
    page = (
        b'<html><head><base href="https://cdn.example/blog/"><link rel="alternate" '
        b'type="application/rss+xml" href="rss"></head></html>'
    )
    assert [f.url for f in feed_links(page, "https://site.example/")] == ["https://cdn.example/blog/rss"]


def test_garbage_and_empty_pages_give_nothing() -> None:
    assert feed_links("", "https://site.example/") == []
    assert feed_links("<<<>>><link rel=alternate", "https://site.example/") == []
    assert feed_links(b"\xff\xfe\x00<link", "https://site.example/") == []


def test_common_paths_on_the_site_with_a_section_first() -> None:
    urls = common_feed_urls("https://Site.example/world")
    assert urls[:2] == ["https://site.example/world/feed", "https://site.example/world/rss"]
    assert "https://site.example/feed" in urls and "https://site.example/atom.xml" in urls
    assert len(urls) == len(set(urls))
    assert common_feed_urls("ftp://site.example/") == []
    assert "https://site.example/feed" not in common_feed_urls("https://site.example/feed")


def test_absolute_http_url_refuses_what_is_not_a_public_link() -> None:
    assert absolute_http_url("/a b", "https://x.example/") is None
    assert absolute_http_url("mailto:a@x.example", "https://x.example/") is None
    assert absolute_http_url("//evil.example/rss", "https://x.example/") == "https://evil.example/rss"
    assert absolute_http_url("http://x.example:99999/", "https://x.example/") is None
