"""FeedFetcher against a real loopback HTTP server: statuses, validators, limits, redirects."""

from __future__ import annotations

import gzip
import time
import zlib

import httpx

from bot.ingest.fetch import ERROR_TOO_LARGE, FeedFetcher, FetchStatus
from tests.support.feedserver import FeedServer

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


async def test_ok_returns_body_headers_and_validators(feed_server: FeedServer) -> None:
    feed_server.route("/f", body=FEED, etag='"v1"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/f"))
    await fetcher.aclose()
    assert result.status is FetchStatus.OK
    assert result.body == FEED
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert result.headers["content-type"].startswith("application/rss+xml")
    assert result.http_status == 200
    sent = feed_server.requests[0].headers
    assert sent["user-agent"].startswith("newsbot/")
    assert "if-none-match" not in sent


async def test_conditional_get_sends_validators_and_maps_304(feed_server: FeedServer) -> None:
    feed_server.route("/f", body=FEED, etag='"v1"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(
        feed_server.url("/f"), etag='"v1"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT"
    )
    await fetcher.aclose()
    sent = feed_server.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert result.status is FetchStatus.NOT_MODIFIED
    assert result.body == b""
    assert result.etag == '"v1"'


async def test_304_without_validators_keeps_the_ones_sent(feed_server: FeedServer) -> None:
    feed_server.route("/f", body=FEED, last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(
        feed_server.url("/f"), etag='"old"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT"
    )
    await fetcher.aclose()
    assert result.status is FetchStatus.NOT_MODIFIED
    assert result.etag == '"old"'


async def test_http_errors_are_results_with_status(feed_server: FeedServer) -> None:
    feed_server.route("/gone", status=404, body=b"nope")
    feed_server.route("/boom", status=500, body=b"oops")
    fetcher = FeedFetcher(timeout=2)
    gone = await fetcher.fetch(feed_server.url("/gone"))
    boom = await fetcher.fetch(feed_server.url("/boom"))
    await fetcher.aclose()
    assert (gone.status, gone.error, gone.http_status) == (FetchStatus.ERROR, "HTTP 404", 404)
    assert (boom.status, boom.error, boom.http_status) == (FetchStatus.ERROR, "HTTP 500", 500)


async def test_hanging_server_times_out_quickly(feed_server: FeedServer) -> None:
    feed_server.route("/hang", hang=True)
    fetcher = FeedFetcher(timeout=0.5)
    started = time.monotonic()
    result = await fetcher.fetch(feed_server.url("/hang"))
    await fetcher.aclose()
    assert time.monotonic() - started < 2
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith("timed out")


async def test_trickling_server_is_cut_by_the_overall_deadline(feed_server: FeedServer) -> None:
    # Each byte arrives well within the read timeout; only a deadline on the whole exchange stops it.
    feed_server.route("/slow", chunks=[b"<"] * 100, chunk_delay=0.1)
    fetcher = FeedFetcher(timeout=0.6)
    started = time.monotonic()
    result = await fetcher.fetch(feed_server.url("/slow"))
    await fetcher.aclose()
    assert time.monotonic() - started < 2
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith("timed out")


async def test_redirects_are_followed_and_final_url_reported(feed_server: FeedServer) -> None:
    feed_server.route("/old", redirect_to="/mid")
    feed_server.route("/mid", redirect_to="/new")
    feed_server.route("/new", body=FEED)
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/old"))
    await fetcher.aclose()
    assert result.status is FetchStatus.OK
    assert result.url == feed_server.url("/new")
    assert result.body == FEED


async def test_redirect_loop_is_an_error(feed_server: FeedServer) -> None:
    feed_server.route("/a", redirect_to="/b")
    feed_server.route("/b", redirect_to="/a")
    fetcher = FeedFetcher(timeout=2, max_redirects=5)
    result = await fetcher.fetch(feed_server.url("/a"))
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and "too many redirects" in result.error
    assert len(feed_server.requests) == 6  # the first request and five redirects, then stop


async def test_redirect_to_a_non_http_scheme_is_refused(feed_server: FeedServer) -> None:
    feed_server.route("/a", redirect_to="file:///etc/passwd")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/a"))
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error == "not an http(s) address"


async def test_garbage_http_response_is_an_error(feed_server: FeedServer) -> None:
    feed_server.route("/junk", raw=b"\x00\x01 this is not HTTP at all\r\n\r\n")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/junk"))
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error == "bad HTTP response"


async def test_connection_refused_is_an_error_without_the_url() -> None:
    with FeedServer() as server:
        url = server.url("/f?token=SECRET")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(url)
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error == "connection failed"
    assert "SECRET" not in (result.error or "")


async def test_oversize_stream_is_cut_at_max_bytes(feed_server: FeedServer) -> None:
    sent = {"chunks": 0}

    def hundred_megabytes():  # generated lazily: the test never holds 100 MB either
        for _ in range(1600):
            sent["chunks"] += 1
            yield b"x" * 65536

    feed_server.route("/big", chunks=hundred_megabytes)
    fetcher = FeedFetcher(timeout=5, max_bytes=1024 * 1024)
    result = await fetcher.fetch(feed_server.url("/big"))
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith(ERROR_TOO_LARGE)
    assert sent["chunks"] < 1600


async def test_declared_oversize_is_refused_before_reading(feed_server: FeedServer) -> None:
    feed_server.route("/big", body=b"x" * 2048)
    fetcher = FeedFetcher(timeout=2, max_bytes=1000)
    result = await fetcher.fetch(feed_server.url("/big"))
    await fetcher.aclose()
    assert result.error is not None and result.error.startswith(ERROR_TOO_LARGE)


async def test_gzip_body_is_decompressed(feed_server: FeedServer) -> None:
    feed_server.route("/gz", body=FEED, gzip=True)
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/gz"))
    await fetcher.aclose()
    assert result.status is FetchStatus.OK
    assert result.body == FEED
    assert "gzip" in feed_server.requests[0].headers["accept-encoding"]


async def test_gzip_bomb_stops_at_the_decompressed_cap(feed_server: FeedServer) -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=6)  # ~64 KB on the wire
    assert len(bomb) < 256 * 1024
    feed_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    fetcher = FeedFetcher(timeout=5, max_bytes=2 * 1024 * 1024)
    result = await fetcher.fetch(feed_server.url("/bomb"))
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith(ERROR_TOO_LARGE)


async def test_raw_deflate_is_accepted(feed_server: FeedServer) -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    feed_server.route("/d", body=raw.compress(FEED) + raw.flush(), headers={"Content-Encoding": "deflate"})
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/d"))
    await fetcher.aclose()
    assert result.body == FEED


async def test_corrupt_gzip_and_unknown_encoding_are_errors(feed_server: FeedServer) -> None:
    feed_server.route("/bad", body=b"definitely not gzip", headers={"Content-Encoding": "gzip"})
    feed_server.route("/br", body=b"??", headers={"Content-Encoding": "br"})
    fetcher = FeedFetcher(timeout=2)
    bad = await fetcher.fetch(feed_server.url("/bad"))
    br = await fetcher.fetch(feed_server.url("/br"))
    await fetcher.aclose()
    assert bad.error == "bad HTTP response"
    assert br.error == "unsupported content encoding"


async def test_html_instead_of_feed_is_fetched_ok(feed_server: FeedServer) -> None:
    # The fetcher does not judge content: telling a page from a feed is the parser's job.
    feed_server.route("/page", body=b"<html><body>hello</body></html>", content_type="text/html")
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/page"))
    await fetcher.aclose()
    assert result.status is FetchStatus.OK
    assert result.headers["content-type"] == "text/html"


async def test_fetch_page_asks_for_html_and_refuses_binaries(feed_server: FeedServer) -> None:
    feed_server.route("/story", body=b"<html><p>story</p></html>", content_type="text/html; charset=utf-8")
    feed_server.route("/pdf", body=b"%PDF-1.4", content_type="application/pdf")
    fetcher = FeedFetcher(timeout=2)
    page = await fetcher.fetch_page(feed_server.url("/story"))
    pdf = await fetcher.fetch_page(feed_server.url("/pdf"))
    await fetcher.aclose()
    assert page.status is FetchStatus.OK and page.body.startswith(b"<html>")
    assert feed_server.requests[0].headers["accept"].startswith("text/html")
    assert pdf.status is FetchStatus.ERROR and pdf.error == "not an HTML page"


async def test_injected_transport_is_used() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=FEED)

    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    result = await fetcher.fetch("https://feeds.example/rss")
    await fetcher.aclose()
    assert result.body == FEED
    assert seen == ["https://feeds.example/rss"]


async def test_invalid_urls_are_errors() -> None:
    fetcher = FeedFetcher(timeout=1)
    for url in ("ftp://example.com/feed", "not a url", "http://"):
        result = await fetcher.fetch(url)
        assert result.status is FetchStatus.ERROR, url
    await fetcher.aclose()
