"""One bot, many sources, each broken in its own way, and one healthy source whose new story must
still arrive: no crash, no traceback, bounded memory, and /sources names every source's trouble."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, exit_code, gzip_bomb, rss, send_signal, status_kib, write_sources
from tests.faults.conftest import record, restarted, subscribe_all, to_chat
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
USER = 9001
FETCH_TIMEOUT = 20.0  # FeedFetcher's default: how long a hanging source takes to fail
HUGE = 100 * 1024 * 1024
OLD = ("SOCAR annual report", "http://news.test/old", "SOCAR published its report.")
HEALTHY = (
    "SOCAR signs a healthy pipeline deal",
    "http://news.test/healthy",
    "SOCAR signed a deal. It is big.",
)


def item(title: str, link: str | None = "auto", date: str | None = "now") -> str:
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()) if date == "now" else date
    return (
        f"<item><title>{title}</title>"
        + (f"<link>http://news.test/{abs(hash(title))}</link>" if link else "")
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + "<description>SOCAR said gas flows rose. Officials spoke. Talks go on.</description></item>"
    )


def feed(*items: str, encoding: str = "utf-8", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>{doctype}<rss version="2.0"><channel><title>T</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY a "ha">'
    + "".join(f'<!ENTITY b{i} "{(f"&b{i - 1};" if i else "&a;") * 10}">' for i in range(10))
    + "]>"
)
# name -> (route, phase-1 body, phase-2 body, route options, title expected in an alert or None)
CONTENT = {
    "Truncated": (
        "/truncated",
        feed(item("SOCAR truncated old")),
        feed(item("SOCAR truncated feed keeps its first story"), item("SOCAR lost half"))[:-70],
        {},
        "truncated feed keeps its first story",
    ),
    "Laughs": (
        "/laughs",
        feed(item("SOCAR laughs old")),
        feed(item("SOCAR entity story &b9;"), doctype=LAUGHS),
        {},
        None,
    ),
    "WrongCharset": (
        "/charset",
        feed(item("SOCAR charset old")),
        feed(item("SOCAR café deal in Bakı")).replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'),
        {},
        "SOCAR café deal in Bakı",
    ),
    "NoLink": (
        "/nolink",
        feed(item("SOCAR nolink old", link=None)),
        feed(item("SOCAR story without link or guid", link=None)),
        {},
        "story without link or guid",
    ),
    "Future": (
        "/future",
        feed(item("SOCAR future old")),
        feed(item("SOCAR story dated 2099", date="Thu, 01 Jan 2099 00:00:00 GMT")),
        {},
        "story dated 2099",
    ),
    "BadDate": (
        "/baddate",
        feed(item("SOCAR baddate old")),
        feed(item("SOCAR story with a nonsense date", date="the day after tomorrow-ish")),
        {},
        "story with a nonsense date",
    ),
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_broken_sources_never_stop_the_healthy_one(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    sent_bytes = [0]  # the most one request was sent (sources are retried on their own schedule)

    def endless() -> Iterator[bytes]:
        chunk = b"<item><title>x</title></item>" * 36000  # ~1 MB
        sent = 0
        for _ in range(HUGE // len(chunk)):
            sent += len(chunk)
            sent_bytes[0] = max(sent_bytes[0], sent)
            yield chunk

    feeds.route("/healthy", body=rss(OLD), etag='"h1"')
    for _name, (path, before, _after, options, _title) in CONTENT.items():
        feeds.route(path, body=before, **options)
    phase1 = {"Healthy": feeds.url("/healthy")} | {n: feeds.url(c[0]) for n, c in CONTENT.items()}
    # /sources shows feed addresses and errors to admins only
    # every broken feed brings a story at once: no burst folding here (tests/faults/test_digest_crash.py)
    bot = launch(
        write_sources(tmp_path / "sources.toml", phase1), NEWSBOT_ADMINS=str(USER), NEWSBOT_BURST="100"
    )
    api.wait_for_call("setMyCommands", timeout=30)
    assert feeds.wait_for_requests(2 * len(phase1), timeout=20)  # a whole cycle primed every source
    subscribe_all(api, [USER], "SOCAR")
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0

    network = {
        "Refused": f"http://127.0.0.1:{closed_port()}/feed",
        "NoDNS": "http://nonexistent.invalid/feed",
        "TLS": f"https://127.0.0.1:{feeds.port}/tls",
        "Missing": feeds.url("/missing"),
        "Broken": feeds.url("/500"),
        "Hangs": feeds.url("/hang"),
        "Loop": feeds.url("/loop"),
        "Huge": feeds.url("/huge"),
        "Bomb": feeds.url("/bomb"),
        "Html": feeds.url("/html"),
    }
    expected_errors = {
        "Refused": "connection failed",
        "NoDNS": "",
        "TLS": "",  # bot/ingest/fetch.py misreports TLS failures (test_fetch_names_tls_failures)
        "Missing": "HTTP 404",
        "Broken": "HTTP 500",
        "Hangs": "timed out",
        "Loop": "too many redirects",
        "Huge": "too large",
        "Bomb": "too large",
        "Html": "not an RSS/Atom feed",
    }
    feeds.route("/500", status=500, body=b"oops")
    feeds.route("/hang", hang=True)
    feeds.route("/loop", redirect_to="/loop")
    feeds.route("/huge", chunks=endless)
    feeds.route("/bomb", body=gzip_bomb(1 << 30), headers={"Content-Encoding": "gzip"})
    feeds.route(
        "/html",
        body=b"<!DOCTYPE html><html><body><p>SOCAR</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    for path, _before, after, options, _title in CONTENT.values():
        feeds.route(path, body=after, **options)
    feeds.route("/healthy", body=rss(HEALTHY, OLD), etag='"h2"')
    for kind in [*network, *CONTENT]:
        record(f"feed faults injected: {kind}")
    write_sources(tmp_path / "sources.toml", phase1 | network)

    started = time.monotonic()
    restarted(bot, api)
    api.wait_for_sent(to_chat(USER, "healthy pipeline deal"), timeout=FETCH_TIMEOUT + 15)
    latency = time.monotonic() - started
    # causal, not timed: the healthy alert went out while the hanging fetch was still waiting
    held_back = "source Hangs failed" in bot.log()
    for _name, (*_, title) in CONTENT.items():
        if title:
            api.wait_for_sent(to_chat(USER, title), timeout=10)
    assert bot.proc is not None and bot.proc.poll() is None, "the bot died"
    peak_mib = status_kib(bot.proc.pid, "VmHWM") // 1024

    # the hanging source only fails once its fetch times out, long after the healthy alert
    deadline = time.monotonic() + FETCH_TIMEOUT + 15
    while "source Hangs failed" not in bot.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    seen = len(api.sent)
    api.push_message(USER, USER, "/sources")
    assert api.wait_until(lambda a: any("Sources (" in str(p.get("text")) for p in a.sent[seen:]), 15)
    time.sleep(0.5)  # a long list comes in several messages
    listing = "\n".join(str(p.get("text")) for p in api.sent[seen:])
    blocks = {b.split("</b>", 1)[0]: b for b in listing.split("<b>")[1:]}
    for name, error in expected_errors.items():
        assert "last error: " + error in blocks[name], (name, blocks.get(name))
    assert "last error" not in blocks["Healthy"]

    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    log = bot.log()
    print(
        f"healthy alert after {latency:.1f}s; peak RSS {peak_mib} MiB; /huge sent {sent_bytes[0] >> 20} MiB"
    )
    assert not held_back, "a hanging source held back the healthy source's alert"
    assert peak_mib < 250, f"peak RSS {peak_mib} MiB: a body was read whole"
    assert sent_bytes[0] < 50 * 1024 * 1024, "the 100 MB body was read to its end"
    assert "café deal in Bakı" in "".join(unmarked(p["text"]) for p in api.sent_to(USER, "café"))
    assert "Traceback" not in log
    assert log.count("newsbot running") == 2 and "BUG" not in log
