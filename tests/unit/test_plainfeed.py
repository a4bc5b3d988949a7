"""The lxml reader of plain feeds (bot.ingest.plainfeed) gives the same articles as feedparser.

Each document is parsed twice by the real parse_feed: once as the bot does (plain feeds through
lxml) and once through feedparser only; the results must be equal, field by field. Documents
the fast reader must refuse are checked to be refused (feedparser then reads them as before).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.parse import parse_feed
from bot.ingest.plainfeed import read_plain

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
URL = "https://news.example.org/feeds/world.xml"


def both(body: bytes, headers: dict[str, str] | None = None) -> tuple[object, object]:
    fast = parse_feed(body, source="Wire", url=URL, headers=headers, now=NOW)
    slow = parse_feed(body, source="Wire", url=URL, headers=headers, now=NOW, use_plain=False)
    return fast, slow


def takes_plain(body: bytes, headers: dict[str, str] | None = None) -> bool:
    merged = {"content-location": URL, "content-type": "application/xml", **(headers or {})}
    return read_plain(body, merged) is not None


def rss(items: str, channel: str = "<language>en</language>", root: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{root}><channel><title>Wire</title>'
        f"<link>https://news.example.org/</link>{channel}{items}</channel></rss>"
    ).encode()


NAMESPACES = (
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    ' xmlns:x="http://example.org/unknown"'
)

PLAIN = {
    "guid that is a link, no <link>": "<item><title>A</title><guid>https://news.example.org/a</guid></item>",
    "relative guid and link": (
        "<item><title>A</title><guid>story-1</guid><link>/world/a?x=1&amp;y=2</link></item>"
        "<item><title>B</title><guid isPermaLink='false'>story-2</guid></item>"
    ),
    "dates of every kind": (
        "<item><title>A</title><pubDate>Tue, 01 Dec 2026 08:30:00 +0400</pubDate></item>"
        "<item><title>B</title><dc:date>2026-12-01T07:00:00Z</dc:date></item>"
        "<item><title>C</title><pubDate>next week</pubDate></item>"
        "<item><title>D</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
    ),
    "HTML in titles and descriptions": (
        "<item><title>AT&amp;amp;T &lt;b&gt;wins&lt;/b&gt;</title>"
        "<description><![CDATA[<p>First <b>para</b>.</p><script>x()</script><p>Second para.</p>]]>"
        "</description></item>"
    ),
    "content:encoded longer than the teaser": (
        "<item><title>A</title><description>Teaser.</description>"
        "<content:encoded><![CDATA[<p>The whole story, much longer than its teaser.</p>]]>"
        "</content:encoded></item>"
        "<item><title>B</title><content:encoded>Only content here.</content:encoded></item>"
    ),
    "pictures": (
        '<item><title>A</title><media:content url="https://img.example.org/a.jpg" medium="image" '
        'width="800"><media:credit>AP</media:credit></media:content></item>'
        '<item><title>B</title><media:group><media:thumbnail url="/b.png" width="120"/></media:group>'
        '<enclosure url="https://img.example.org/b.jpg" type="image/jpeg" length="1"/></item>'
        "<item><title>C</title><media:thumbnail>https://img.example.org/c.jpg</media:thumbnail></item>"
        '<item><title>D</title><atom:link rel="enclosure" href="/d.jpg"/></item>'
    ),
    "links written as Atom links": (
        '<item><title>A</title><guid>g1</guid><atom:link rel="alternate" href="/a"/></item>'
        '<item><title>B</title><atom:link rel="standout" href="/b"/><link>/b2</link></item>'
    ),
    "UTF-8 read as Latin-1 once, and C1 controls": (
        "<item><title>Ã©tÃ© \u0096 summer</title><description>caf\u0080</description></item>"
    ),
    "languages: xml:lang and <language>": (
        '<item xml:lang="de"><title>Nachrichten aus Berlin</title></item>'
        '<item><title xml:lang="">Plain</title><description xml:lang="fr">Bonjour</description></item>'
    ),
    "media:title only where the item has none": (
        "<item><media:title>Picture title</media:title><description>No title.</description></item>"
        "<item><title>Real</title><media:title>Ignored</media:title></item>"
    ),
    "elements feedparser only files away": (
        "<item><title>A</title><x:score>5</x:score><creditLine>AP</creditLine><author>x@y.z</author>"
        "<category>World</category><comments>/c</comments><source url='https://o.example/'>O</source>"
        "<dc:creator>Jane</dc:creator><dc:subject>Politics</dc:subject></item>"
    ),
    "empty elements": "<item><title></title><description> </description><link></link></item><item/>",
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_rss_reads_as_feedparser_does(name: str) -> None:
    body = rss(PLAIN[name], root=NAMESPACES)
    assert takes_plain(body)
    fast, slow = both(body)
    assert fast == slow


def test_content_language_header_and_root_language() -> None:
    body = rss("<item><title>Haber</title></item>", channel="", root=' xml:lang="tr"')
    for headers in (
        {},
        {"Content-Language": "az_AZ"},
        {"Content-Type": "application/rss+xml; charset=utf-8"},
    ):
        assert takes_plain(body, headers)
        fast, slow = both(body, headers)
        assert fast == slow


ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" '
    'xmlns:media="http://search.yahoo.com/mrss/"><title type="html">Wire &amp;amp; Co</title>'
    '<link href="https://news.example.org/"/><link rel="self" href="/feed.atom"/>'
    "<entry><title>A</title><id>tag:news.example.org,2026:1</id><updated>2026-12-01T08:00:00Z</updated>"
    '<link href="/a"/><summary type="html">&lt;p&gt;Lead &lt;i&gt;text&lt;/i&gt;&lt;/p&gt;</summary>'
    "<author><name>Jane</name></author></entry>"
    "<entry><title>B</title><id>https://news.example.org/b</id><published>2026-12-01T06:00:00+02:00</published>"
    '<content type="html">&lt;p&gt;Full story.&lt;/p&gt;</content>'
    '<media:thumbnail url="https://img.example.org/b.jpg"/></entry>'
    '<entry><title type="text">C &lt;3</title><id>urn:uuid:1</id><link rel="enclosure" href="/c.jpg"/>'
    "<content>Plain content only.</content></entry>"
    "</feed>"
)


def test_atom_reads_as_feedparser_does() -> None:
    body = ATOM.encode()
    assert takes_plain(body)
    fast, slow = both(body)
    assert fast == slow and len(fast.articles) == 3  # type: ignore[attr-defined]


RDF = (
    '<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<channel rdf:about="https://news.example.org/"><title>Wire</title><link>https://news.example.org/</link>'
    "<dc:language>de</dc:language></channel>"
    '<item rdf:about="https://news.example.org/1"><title>Eins</title><link>https://news.example.org/1</link>'
    "<description>Text eins.</description><dc:date>2026-12-01T08:00:00+01:00</dc:date></item>"
    "</rdf:RDF>"
)


def test_rss_1_reads_as_feedparser_does() -> None:
    body = RDF.encode()
    assert takes_plain(body)
    fast, slow = both(body)
    assert fast == slow


REFUSED = {
    "a DOCTYPE": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss version="2.0"><channel/></rss>',
    "not UTF-8": '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item><title>'
    "Новости</title></item></channel></rss>".encode("cp1251"),
    "not well-formed": rss("<item><title>A & B</title></item>"),
    "xml:base": rss('<item xml:base="https://other.example/"><title>A</title><link>a</link></item>'),
    "two titles": rss("<item><title>A</title><title>B</title></item>"),
    "media:description": rss(
        "<item><title>A</title><media:description>B</media:description></item>", root=NAMESPACES
    ),
    "an iTunes summary": rss(
        "<item><title>A</title><itunes:summary>B</itunes:summary></item>", root=NAMESPACES
    ),
    "markup as child elements": rss("<item><title>A</title><description><p>B</p></description></item>"),
    "an item in an item": rss("<item><title>A</title><item><title>B</title></item></item>"),
    "Atom xhtml": ATOM.replace(
        "<title>A</title>", '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A</div></title>'
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_documents_go_to_feedparser(name: str) -> None:
    body = REFUSED[name]
    assert not takes_plain(body)
    fast, slow = both(body)
    assert fast == slow  # both are feedparser's reading


def test_non_xml_content_type_without_charset() -> None:
    body = rss("<item><title>Café</title></item>")
    assert not takes_plain(body, {"content-type": "text/xml"})  # US-ASCII by RFC 3023: feedparser guesses
    assert takes_plain(body, {"content-type": "text/xml; charset=utf-8"})
    assert takes_plain(rss("<item><title>Cafe</title></item>"), {"content-type": "text/html"})


@pytest.mark.parametrize("path", sorted(p.name for p in DATA.iterdir()))
def test_sample_feeds_read_the_same_either_way(path: str) -> None:
    body = (DATA / path).read_bytes()
    for headers in ({}, {"Content-Type": "application/rss+xml; charset=utf-8"}, {"Content-Type": "text/xml"}):
        fast, slow = both(body, headers)
        assert fast == slow


def test_real_plain_feeds_take_the_fast_path() -> None:
    """The real samples that are plain UTF-8 RSS are read by lxml (not only refused and handed on)."""
    plain = {p.name for p in DATA.iterdir() if takes_plain(p.read_bytes())}
    assert {"real-nbc-newyork.rss.xml", "rss2.xml", "identity.xml"} <= plain


URLS = [
    "https://news.example.org/a",
    "https://news.example.org",
    "https://news.example.org/",
    "http://news.example.org/a/b/../c",
    "https://news.example.org/a?x=1&y=2",
    "https://news.example.org/a?",
    "https://news.example.org/a#top",
    "https://news.example.org/a;jsessionid=1",
    "https://news.example.org:8443/a",
    "HTTPS://News.Example.org/A",
    "https:///news.example.org/a",
    "https://news.example.org/a b",
    "https://news.example.org/ä",
    "https://[::1]/a",
    "https://user:pass@news.example.org/a",
    "//news.example.org/a",
    "/a/b",
    "a/b",
    "?page=2",
    "tag:news.example.org,2026:1",
    "urn:uuid:1",
    "mailto:desk@example.org",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("base", ["", "https://news.example.org/feeds/world.xml", "http://plain.example/"])
def test_links_are_joined_as_feedparser_joins_them(base: str, url: str) -> None:
    from feedparser.urls import _urljoin

    from bot.ingest.plainxml import Reader

    assert Reader({"content-location": base}).uri(url) == _urljoin(base, url)
