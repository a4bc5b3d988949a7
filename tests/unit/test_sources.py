"""The sources file, URL normalisation, and vetting a source a user wants to add."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.errors import ConfigError, SourceError
from bot.ingest.fetch import FeedFetcher
from bot.ingest.netguard import AddressGuard
from bot.ingest.sources import bundled_sources_path, check_candidate_source, load_sources
from bot.text.urls import normalize_url
from tests.support.feedserver import FeedServer

FEED = (Path(__file__).resolve().parents[1] / "data" / "feeds" / "rss2.xml").read_bytes()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sources_are_real_public_feeds() -> None:
    sources = load_sources()
    assert bundled_sources_path().is_file()
    assert 8 <= len(sources) <= 15
    assert all(s.url.startswith("https://") and s.added_by is None for s in sources)
    assert len({s.name for s in sources}) == len(sources)


def test_load_sources_reads_names_and_urls(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = " Wire "\nurl = " HTTPS://Wire.Example.com/rss "\n\n'
                           '[[sources]]\nname = "Local"\nurl = "http://127.0.0.1:8080/feed"\n')  # fmt: skip
    wire, local = load_sources(path)
    assert (wire.name, wire.url) == ("Wire", "https://wire.example.com/rss")
    assert local.url == "http://127.0.0.1:8080/feed"  # the operator may poll internal hosts


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[sources]]\nname = "A"\nurl = "https://a.example.com"\nname = "B"\n', "not valid TOML"),
        ('[[sources]\nname = "A"\n', "line 1"),
        ('[[sources]]\nurl = "https://a.example.com/rss"\n', "source #1: missing name"),
        ('[[sources]]\nname = "A"\n', "source #1 (A): missing url"),
        ('[[sources]]\nname = "A"\nurl = "ftp://a.example.com/rss"\n', "must start with http:// or https://"),
        ('[[sources]]\nname = "A"\nurl = "a.example.com/rss"\n', "must start with http:// or https://"),
        ('[[sources]]\nname = "A"\nurl = "https://a.example.com/1"\n[[sources]]\nname = "a"\nurl = "https://a.example.com/2"\n',
         "source #2: the name 'a' is already used by #1"),
        ('[[sources]]\nname = "A"\nurl = "https://a.example.com/1"\n[[sources]]\nname = "B"\nurl = "https://a.example.com/1"\n',
         "already listed as #1"),
        ('[[sources]]\nname = "A"\nurl = "https://a.example.com/1"\nnmae = "typo"\n', "unknown key(s) nmae"),
        ('title = "no sources here"\n', "no sources"),
    ],
)  # fmt: skip
def test_load_sources_errors_name_the_file_and_the_fault(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_missing_sources_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_sources(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  https://Example.COM/rss.xml  ", "https://example.com/rss.xml"),
        ("example.com/feed", "https://example.com/feed"),
        ("<https://example.com/feed>", "https://example.com/feed"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/feed#latest", "https://example.com/feed"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "ftp://example.com/f", "https://", "https://exa mple.com/f", "http://x.com:99999/"]
)
def test_normalize_url_refuses(raw: str) -> None:
    with pytest.raises(SourceError):
        normalize_url(raw)


async def test_candidate_feed_is_accepted_with_its_title() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=FEED, headers={"content-type": "application/rss+xml"})

    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    candidate = await check_candidate_source(" https://wire.example.com/rss ", fetcher)
    await fetcher.aclose()
    assert candidate.url == "https://wire.example.com/rss"
    assert candidate.title == "Caspian Energy Wire"


@pytest.mark.parametrize(
    ("status", "body", "ctype", "message"),
    [
        (404, b"", "text/plain", "could not be fetched: HTTP 404"),
        (200, b"<!DOCTYPE html><html><body>hi</body></html>", "text/html", "is not an RSS/Atom feed"),
        (200, b"", "application/xml", "is not an RSS/Atom feed"),
    ],
)
async def test_candidate_refusals(status: int, body: bytes, ctype: str, message: str) -> None:
    fetcher = FeedFetcher(
        transport=httpx.MockTransport(
            lambda r: httpx.Response(status, content=body, headers={"content-type": ctype})
        )
    )
    with pytest.raises(SourceError, match=message):
        await check_candidate_source("https://site.example.com/rss?key=SECRET", fetcher)
    await fetcher.aclose()


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/rss", "http://localhost:8080/rss", "http://[::1]/rss", "http://169.254.169.254/"],
)
async def test_candidate_on_internal_literal_is_not_public(url: str) -> None:
    fetcher = FeedFetcher(timeout=1)
    with pytest.raises(SourceError, match="is not a public address"):
        await check_candidate_source(url, fetcher)
    await fetcher.aclose()


async def test_candidate_resolving_to_loopback_is_refused_at_connect(feed_server: FeedServer) -> None:
    feed_server.route("/rss", body=FEED)

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    fetcher = FeedFetcher(timeout=2, guard=AddressGuard(resolve=resolve))
    with pytest.raises(SourceError, match="is not a public address"):
        await check_candidate_source(f"http://sneaky.example.com:{feed_server.port}/rss", fetcher)
    await fetcher.aclose()
    assert feed_server.requests == []


async def test_candidate_error_messages_do_not_leak_query_secrets() -> None:
    fetcher = FeedFetcher(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with pytest.raises(SourceError) as caught:
        await check_candidate_source("https://site.example.com/rss?token=SECRET", fetcher)
    await fetcher.aclose()
    assert "SECRET" not in str(caught.value)
    assert "HTTP 500" in str(caught.value)
