"""parse_feed on golden feeds in tests/data/feeds: handmade edge cases and a few real feeds."""

from __future__ import annotations

import dataclasses
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.parse import MAX_ENTRIES, MAX_TEXT, ParsedFeed, parse_feed
from bot.models import Article
from bot.text.urls import canonical_url

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2026, 1, 6, tzinfo=UTC)
URL = "https://feeds.example.com/feed.xml"


def parse(name: str, headers: dict[str, str] | None = None, source: str = "Test") -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), source=source, url=URL, headers=headers, now=NOW)


def test_rss2_entries_become_articles() -> None:
    feed = parse("rss2.xml", {"Content-Type": "application/rss+xml; charset=utf-8"})
    assert feed.is_feed and feed.problem is None
    assert feed.title == "Caspian Energy Wire"
    first, second, third = feed.articles
    assert isinstance(first, Article)
    assert first.title == "SOCAR signs gas deal with Ukraine’s Naftogaz"
    assert first.source == "Test" and first.fetched_at == NOW
    assert first.published == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)  # +0100 converted to UTC
    assert first.guid == "wire-1001"
    # content:encoded is longer than the teaser, so it is the text; list items become bullets
    assert first.text.splitlines() == [
        "SOCAR and Naftogaz signed a supply agreement in Baku on Monday.",
        "• Deliveries start in March",
        "• Volumes rise through 2027",
        "The deal was welcomed by the European Commission & Kyiv.",
    ]
    # the link keeps its tracking tags; the canonical URL key does not; the guid is the key
    assert "utm_source" in first.url
    assert first.url_key == "https://wire.example.com/news/socar-naftogaz"
    assert first.key == "Test#wire-1001"
    assert first.title_key == "socar signs gas deal with ukraine s naftogaz"
    assert second.title == "Oil prices climb after OPEC+ meeting"  # escaped markup in a title is dropped
    assert second.text == "Brent rose 2% to $78 a barrel.\nTraders cited the cuts."
    # guid isPermaLink="true" without <link> is the link
    assert third.url == "https://wire.example.com/news/pipeline-georgia"


def test_articles_are_immutable() -> None:
    article = parse("rss2.xml").articles[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "changed"  # type: ignore[misc]


def test_atom_relative_links_html_titles_and_dates() -> None:
    feed = parse("atom.xml")
    assert feed.title == "Central Asia Monitor"
    water, gas = feed.articles
    assert water.title == "Kazakhstan & Uzbekistan agree water deal"
    assert water.url == "https://atom.example.org/blog/posts/water-deal"  # resolved against xml:base
    assert water.published == datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # published wins over updated
    assert water.text == "Water\nThe two governments agreed to share the Syr Darya flows."
    assert gas.published == datetime(2026, 1, 4, 12, 0, tzinfo=UTC)  # only <updated>
    assert gas.guid == "tag:atom.example.org,2026:turkmen-gas"


def test_rdf_feed() -> None:
    feed = parse("rdf.xml")
    assert [a.title for a in feed.articles] == [
        "Tanker traffic resumes at Novorossiysk",
        "Grain corridor insurance costs fall",
    ]
    assert feed.articles[0].published == datetime(2026, 1, 3, 6, 0, tzinfo=UTC)


RUSSIAN = ("Газпром и SOCAR обсудили поставки газа", "Стороны обсудили транзит через Азербайджан.")
GERMAN = (
    "Gaspreise fallen: Verbraucher in Köln atmen auf",
    "Die Großhändler senken die Preise für Erdgas um fünf Prozent.",
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("windows-1251.xml", RUSSIAN),
        ("cp1251-declared-utf8.xml", RUSSIAN),
        ("iso-8859-1.xml", GERMAN),
        ("utf8-declared-latin1.xml", GERMAN),
    ],
)
def test_encodings_declared_and_misdeclared(name: str, expected: tuple[str, str]) -> None:
    (article,) = parse(name).articles
    assert (article.title, article.text) == expected


def test_http_charset_overrides_the_xml_declaration() -> None:
    # Served with the right charset in the header though the document itself lies.
    body = (
        (FEEDS / "windows-1251.xml")
        .read_bytes()
        .replace(b'encoding="windows-1251"', b'encoding="iso-8859-1"')
    )
    feed = parse_feed(
        body, source="T", url=URL, headers={"content-type": "text/xml; charset=windows-1251"}, now=NOW
    )
    assert feed.title == "Новости Каспия"


def test_identity_and_dates_of_odd_entries() -> None:
    feed = parse("identity.xml", source="Ids")
    guid_only, bare, untitled = feed.articles  # the empty entries are skipped
    assert guid_only.url == ""
    assert guid_only.key == "Ids#ids-guid-7"  # a local guid is only unique within its feed
    assert guid_only.published == NOW  # 2099 clamped to the fetch time
    assert bare.key.startswith("sha256:") and bare.published is None  # unparseable date
    assert untitled.title == "A story without a title. Its first words become the title."
    assert untitled.key == "https://ids.example.com/untitled"


def test_hash_key_is_stable_across_polls() -> None:
    first = parse("identity.xml").articles[1].key
    again = parse_feed(
        (FEEDS / "identity.xml").read_bytes(), source="Test", url=URL, now=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert again.articles[1].key == first


def test_truncated_feed_keeps_complete_entries() -> None:
    feed = parse("truncated.xml")
    assert feed.is_feed and feed.problem is not None
    assert [a.title for a in feed.articles][:2] == [
        "First complete story about Azerbaijan",
        "Second complete story about Armenia",
    ]


def test_billion_laughs_neither_hangs_nor_explodes() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    feed = parse("billion-laughs.xml")
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB on Linux
    (article,) = feed.articles
    assert len(article.title) < 100 and len(article.text) < 100
    assert "root:" not in article.text  # the external entity was not resolved


def test_quadratic_blowup_is_bounded() -> None:
    big = "A" * 50_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>'
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>x y z w</title><link>https://q.example.com/1</link><description>{'&a;' * 20_000}"
        "</description></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    feed = parse_feed(body, source="T", url=URL, now=NOW)
    assert time.monotonic() - started < 2
    assert all(len(a.text) <= MAX_TEXT for a in feed.articles)
    assert "A" * 1000 not in "".join(a.text for a in feed.articles)  # the entity was never expanded


def test_html_page_is_not_a_feed() -> None:
    feed = parse("not-a-feed.html", {"content-type": "text/html; charset=utf-8"})
    assert not feed.is_feed and feed.articles == ()
    assert feed.problem == "not an RSS/Atom feed (an HTML page)"


@pytest.mark.parametrize(
    "body", [b"", b"   \n", b"\x00\x01\x02garbage\xff\xfe", b"/etc/passwd", b'{"json": true}']
)
def test_garbage_is_not_a_feed(body: bytes) -> None:
    feed = parse_feed(body, source="T", url=URL, now=NOW)
    assert not feed.is_feed and feed.articles == ()
    assert feed.problem


def test_limits_on_entries_and_text() -> None:
    items = "".join(
        f"<item><title>Story number {i} here</title><link>https://many.example.com/{i}</link></item>"
        for i in range(600)
    )
    huge = "<p>" + ("word " * 40_000) + "</p>"
    body = (
        f'<rss version="2.0"><channel><title>Many</title><item><title>Huge one here</title>'
        f"<link>https://many.example.com/huge</link><description><![CDATA[{huge}]]></description></item>"
        f"{items}</channel></rss>"
    ).encode()
    feed = parse_feed(body, source="T", url=URL, now=NOW)
    assert len(feed.articles) == MAX_ENTRIES
    assert len(feed.articles[0].text) == MAX_TEXT


def test_mojibake_from_double_encoding_is_repaired() -> None:
    # As seen in a real Yandex feed: UTF-8 bytes read as cp1252 (Latin-1 where cp1252 has no character)
    double = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in "Москва: Ölpreis steigt".encode()
    )
    body = f'<rss version="2.0"><channel><item><title>{double}</title><link>https://m.example.com/1</link></item></channel></rss>'
    (article,) = parse_feed(body.encode(), source="T", url=URL, now=NOW).articles
    assert article.title == "Москва: Ölpreis steigt"


def test_real_feeds() -> None:
    nbc = parse("real-nbc-newyork.rss.xml")
    assert nbc.title == "NBC New York" and len(nbc.articles) == 1
    assert nbc.articles[0].published == datetime(2023, 12, 16, 2, 2, 33, tzinfo=UTC)
    golem = parse("real-golem-de-iso-8859-1.rdf.xml")
    assert golem.articles[0].title == "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"
    finanzen = parse("real-finanzen-net-analysen-ENCODING-MISMATCH.rss.xml")
    assert len(finanzen.articles) == 15
    assert "für NVIDIA" in finanzen.articles[0].text  # UTF-8 bytes despite the iso-8859-1 declaration
    broken = parse("real-stackoverflow-nmea-INVALID-BYTES.atom.xml")
    assert broken.problem and broken.problem.startswith("SAXParseException")
    assert [a.key for a in broken.articles] == ["https://stackoverflow.com/q/49812816"]  # its guid
    assert [a.url_key for a in broken.articles] == [
        canonical_url(
            "https://stackoverflow.com/questions/49812816/decode-nmea-bytes-received-via-external-gps-bluetooth-device"
        )
    ]


def test_emoji_as_surrogate_pair_references_does_not_break_the_feed() -> None:
    from datetime import UTC, datetime

    from bot.ingest.parse import parse_feed

    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        b"<item><title>SOCAR raises output</title><link>http://x.example/1</link></item>"
        b"<item><title>Emoji &#55357;&#56832; and &#xD83D;&#xDE00;, lone &#55357;</title>"
        b"<link>http://x.example/2</link></item></channel></rss>"
    )
    parsed = parse_feed(feed, source="F", url="http://x.example/", now=datetime.now(UTC))
    assert [a.title for a in parsed.articles] == ["SOCAR raises output", "Emoji 😀 and 😀, lone \ufffd"]


def test_comparison_signs_in_titles_are_text_not_tags() -> None:
    from datetime import UTC, datetime

    from bot.ingest.parse import parse_feed

    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>Inflation '
        b"&lt; 3% in Baku, rates &gt; 4% &lt;b&gt;stay&lt;/b&gt;</title><link>http://x.example/1</link>"
        b"</item></channel></rss>"
    )
    [article] = parse_feed(feed, source="F", url="http://x.example/", now=datetime.now(UTC)).articles
    assert article.title == "Inflation < 3% in Baku, rates > 4% stay"


def test_a_guid_identifies_a_story_unless_other_entries_share_it() -> None:
    from datetime import UTC, datetime

    from bot.ingest.parse import parse_feed

    def feed(*items: tuple[str, str, str]) -> bytes:
        body = "".join(
            f"<item><title>{t}</title><link>{link}</link><guid>{g}</guid></item>" for t, link, g in items
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
            f"<link>https://w.example/</link>{body}</channel></rss>"
        ).encode()

    now = datetime(2026, 12, 1, tzinfo=UTC)
    before = parse_feed(
        feed(("Typo in headlne", "https://w.example/typo-headlne", "w-77")),
        source="W",
        url="https://w.example/feed",
        now=now,
    )
    after = parse_feed(
        feed(("Typo in headline", "https://w.example/typo-headline", "w-77")),
        source="W",
        url="https://w.example/feed",
        now=now,
    )
    assert before.articles[0].key == after.articles[0].key  # new link and title, one story
    shared = parse_feed(
        feed(
            ("One story", "https://w.example/1", "https://w.example/"),
            ("Another story", "https://w.example/2", "https://w.example/"),
        ),
        source="W",
        url="https://w.example/feed",
        now=now,
    )
    assert [a.key for a in shared.articles] == ["https://w.example/1", "https://w.example/2"]


def test_cdata_titles_with_markup_show_what_the_publisher_meant() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        b"<item><title><![CDATA[<b>AT&amp;T</b> deal <script>alert(1)</script>]]></title><link>http://x.example/1</link></item></channel></rss>"
    )
    parsed = parse_feed(body, source="F", url="http://x.example/feed", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert [a.title for a in parsed.articles] == ["AT&T deal"]
