"""The SSRF guard: address classification, and refusal at connect time through the real fetcher."""

from __future__ import annotations

import httpx
import pytest

from bot.ingest.fetch import ERROR_BLOCKED, FeedFetcher, FetchStatus
from bot.ingest.netguard import AddressGuard, is_public_address
from tests.support.feedserver import FeedServer

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "[2606:4700::1111]",
    ],
)
def test_public_addresses(ip: str) -> None:
    assert is_public_address(ip)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "127.8.9.10", "::1", "[::1]",  # loopback
        "10.0.0.1", "172.16.5.4", "192.168.1.1", "fc00::1",  # private
        "169.254.169.254", "fd00:ec2::254", "169.254.1.1", "fe80::1",  # metadata, link-local
        "100.64.0.1", "100.127.255.254",  # CGNAT
        "224.0.0.1", "ff02::1",  # multicast
        "0.0.0.0", "::", "240.0.0.1", "255.255.255.255", "192.0.2.1",  # unspecified, reserved, docs
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
        "64:ff9b::7f00:1", "2002:7f00:1::",  # NAT64 and 6to4 wrapping loopback
        "fe80::1%eth0", "not-an-ip", "",
    ],
)  # fmt: skip
def test_internal_addresses(ip: str) -> None:
    assert not is_public_address(ip)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/f",
        "http://10.1.2.3:{port}/f",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/f",
        "http://localhost:{port}/f",
        "http://[::ffff:127.0.0.1]:{port}/f",
    ],
)
async def test_guarded_fetch_refuses_internal_targets(feed_server: FeedServer, url: str) -> None:
    feed_server.route("/f", body=FEED)
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(url.format(port=feed_server.port), guarded=True)
    await fetcher.aclose()
    assert result.status is FetchStatus.ERROR
    assert result.error == ERROR_BLOCKED and result.blocked
    assert feed_server.requests == []


async def test_unguarded_fetch_reaches_loopback(feed_server: FeedServer) -> None:
    feed_server.route("/f", body=FEED)
    fetcher = FeedFetcher(timeout=2)
    result = await fetcher.fetch(feed_server.url("/f"), guarded=False)
    await fetcher.aclose()
    assert result.status is FetchStatus.OK


def _resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


async def test_the_resolved_address_is_checked_not_the_name(feed_server: FeedServer) -> None:
    # A public-looking name that resolves to loopback (DNS rebinding): refused at connect time.
    feed_server.route("/f", body=FEED)
    guard = AddressGuard(resolve=_resolver({"news.example.com": ["127.0.0.1"]}))
    fetcher = FeedFetcher(timeout=2, guard=guard)
    result = await fetcher.fetch(f"http://news.example.com:{feed_server.port}/f", guarded=True)
    await fetcher.aclose()
    assert result.error == ERROR_BLOCKED
    assert feed_server.requests == []


async def test_a_name_with_one_internal_address_is_refused(feed_server: FeedServer) -> None:
    guard = AddressGuard(resolve=_resolver({"mixed.example.com": ["8.8.8.8", "10.0.0.7"]}))
    fetcher = FeedFetcher(timeout=2, guard=guard)
    result = await fetcher.fetch("http://mixed.example.com/f", guarded=True)
    await fetcher.aclose()
    assert result.error == ERROR_BLOCKED


async def test_connects_to_the_checked_address_and_keeps_the_host_name(feed_server: FeedServer) -> None:
    # The name is unknown to real DNS: the request only arrives if we connected to the IP we checked.
    feed_server.route("/f", body=FEED)
    guard = AddressGuard(allow=lambda ip: ip == "127.0.0.1", resolve=_resolver({"feeds.test": ["127.0.0.1"]}))
    fetcher = FeedFetcher(timeout=2, guard=guard)
    result = await fetcher.fetch(f"http://feeds.test:{feed_server.port}/f", guarded=True)
    await fetcher.aclose()
    assert result.status is FetchStatus.OK
    assert feed_server.requests[0].headers["host"] == f"feeds.test:{feed_server.port}"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/f",
        "http://169.254.169.254/latest/meta-data/",
        "http://internal.test:{port}/f",
    ],
)
async def test_redirect_to_an_internal_target_is_refused(feed_server: FeedServer, target: str) -> None:
    # The first hop is allowed (only 127.0.0.1 is let through for the test); the redirect is re-checked.
    feed_server.route("/start", redirect_to=target.format(port=feed_server.port))
    feed_server.route("/f", body=FEED)
    guard = AddressGuard(
        allow=lambda ip: ip == "127.0.0.1" or is_public_address(ip),
        resolve=_resolver({"127.0.0.1": ["127.0.0.1"], "127.0.0.2": ["127.0.0.2"],
                           "169.254.169.254": ["169.254.169.254"], "internal.test": ["10.0.0.5"]}),
    )  # fmt: skip
    fetcher = FeedFetcher(timeout=2, guard=guard)
    result = await fetcher.fetch(feed_server.url("/start"), guarded=True)
    await fetcher.aclose()
    assert result.error == ERROR_BLOCKED
    assert [r.path for r in feed_server.requests] == ["/start"]


async def test_injected_transport_still_refuses_literal_internal_hosts() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/"})

    fetcher = FeedFetcher(transport=httpx.MockTransport(handler))
    direct = await fetcher.fetch("http://10.0.0.1/feed", guarded=True)
    redirected = await fetcher.fetch("https://feeds.example/rss", guarded=True)
    await fetcher.aclose()
    assert direct.error == ERROR_BLOCKED and redirected.error == ERROR_BLOCKED
    assert calls == ["https://feeds.example/rss"]
