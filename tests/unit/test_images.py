"""Story images from feed entries and pages; every URL checked like a link."""

from __future__ import annotations

import io

import feedparser
import pytest

from bot.ingest.images import entry_image, page_image, safe_image_url

FEED = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>t</title>
<item><title>content</title><link>https://n.example/1</link>
  <media:content url="https://img.example/small.jpg" medium="image" width="300"/>
  <media:content url="https://img.example/big.jpg" medium="image" width="1200"/>
  <media:content url="https://img.example/clip.mp4" medium="video" width="1920"/>
</item>
<item><title>thumbnail</title><link>https://n.example/2</link>
  <media:thumbnail url="https://img.example/thumb.png" width="150" height="100"/>
</item>
<item><title>enclosure</title><link>https://n.example/3</link>
  <enclosure url="https://cdn.example/podcast.mp3" type="audio/mpeg" length="1"/>
  <enclosure url="https://cdn.example/photo.webp" type="image/webp" length="1"/>
</item>
<item><title>pixel</title><link>https://n.example/4</link>
  <media:content url="https://track.example/p.gif" medium="image" width="1" height="1"/>
</item>
<item><title>unsafe</title><link>https://n.example/5</link>
  <media:thumbnail url="javascript:alert(1)"/>
  <enclosure url="https://user:secret@cdn.example/a.jpg" type="image/jpeg" length="1"/>
</item>
</channel></rss>"""


def entries() -> dict[str, dict]:
    parsed = feedparser.parse(io.BytesIO(FEED))
    return {e["title"]: e for e in parsed["entries"]}


@pytest.mark.parametrize(
    ("title", "image"),
    [
        ("content", "https://img.example/big.jpg"),
        ("thumbnail", "https://img.example/thumb.png"),
        ("enclosure", "https://cdn.example/photo.webp"),
        ("pixel", None),
        ("unsafe", None),
    ],
)
def test_entry_image(title: str, image: str | None) -> None:
    assert entry_image(entries()[title]) == image


def test_atom_enclosure_link_and_relative_urls() -> None:
    entry = {"links": [{"rel": "enclosure", "type": "image/jpeg", "href": "/i/cover.jpg"}]}
    assert entry_image(entry, base="https://site.example/feed") == "https://site.example/i/cover.jpg"
    assert entry_image({"media_content": [{"url": "https://x.example/a.png"}]}) == "https://x.example/a.png"
    assert entry_image({"media_content": [{"url": "https://x.example/a"}]}) is None  # no sign of an image
    assert entry_image({}) is None
    assert entry_image({"media_content": "junk", "enclosures": [None, 3]}) is None


def test_page_og_image_in_preference_order() -> None:
    page = """<html><head><meta name="twitter:image" content="https://t.example/tw.jpg">
    <meta property="og:image" content="/og.jpg"><meta property="og:image" content="/second.jpg">
    </head><body><meta property="og:image:secure_url" content="https://late.example/x.jpg"></body></html>"""
    assert page_image(page, "https://site.example/story") == "https://site.example/og.jpg"
    assert page_image(
        b"<meta name='twitter:image' content='https://t.example/a.jpg'>", "https://s.example/"
    ) == ("https://t.example/a.jpg")
    assert page_image("<html><head></head></html>", "https://s.example/") is None
    assert (
        page_image("<meta property='og:image' content='data:image/png;base64,AAA'>", "https://s.example/")
        is None
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x.example/a.jpg",
        "https://user@x.example/a.jpg",
        "https://x.example/a b.jpg",
        "https:///a.jpg",
        "https://x.example/" + "a" * 3000,
        "https://x.example:notaport/a.jpg",
        None,
        42,
    ],
)
def test_safe_image_url_refuses(url: object) -> None:
    assert safe_image_url(url) is None


def test_safe_image_url_keeps_good_ones() -> None:
    assert safe_image_url(" https://x.example/a.jpg?w=800 ") == "https://x.example/a.jpg?w=800"
