"""The fetcher's error for a TLS failure, in-process: /sources should say what went wrong."""

from __future__ import annotations

from bot.ingest.fetch import FeedFetcher, FetchStatus
from tests.support.feedserver import FeedServer


async def test_fetch_names_tls_failures() -> None:
    with FeedServer() as server:
        fetcher = FeedFetcher(timeout=5)
        try:
            result = await fetcher.fetch(f"https://127.0.0.1:{server.port}/feed.xml")  # plain HTTP port
        finally:
            await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error == "TLS handshake failed"
