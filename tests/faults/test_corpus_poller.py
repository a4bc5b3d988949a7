"""Every real feed of the shared corpus, served over loopback HTTP to an in-process Poller with a
real fetcher and store: none breaks the cycle, and damaged feeds still yield their usable entries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.ingest.fetch import FeedFetcher
from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Repos
from bot.service import NewsService
from handlers.telegram.render import MAX_MESSAGE, render_alert, utf16_len
from storage import open_store
from tests.support.clock import FakeClock
from tests.support.feedserver import FeedServer
from tests.telegram.html_checker import check_telegram_html

CORPUS = Path("/work/shared/corpus/feeds")
pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.md").exists(), reason="shared corpus absent")
ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| (\w+) \| [^|]* \| [^|]* \| (\d+) \| ([^|]+) \|")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def manifest() -> dict[str, int]:
    """File name -> the entries feedparser 6 read from it (after gunzip)."""
    rows = {}
    for line in (CORPUS / "MANIFEST.md").read_text().splitlines():
        found = ROW.match(line)
        if found:
            rows[found.group(1)] = int(found.group(4))
    return rows


def _usable_entries(path: Path) -> int:
    """feedparser's entries that carry a title or a link (node-feedparser's illegally nested items
    come out as empty entries: ignoring them is right)."""
    import gzip

    import feedparser

    raw = path.read_bytes()
    entries = feedparser.parse(gzip.decompress(raw) if path.suffix == ".gz" else raw).entries
    return sum(bool(e.get("title") or e.get("link")) for e in entries)


@pytest.fixture
def served() -> Iterator[tuple[FeedServer, dict[str, str]]]:
    with FeedServer() as server:
        names = {}
        for n, path in enumerate(sorted(p for p in CORPUS.iterdir() if p.name != "MANIFEST.md")):
            route = f"/{n}.xml"
            if path.suffix == ".gz":  # saved as served: gzip bytes with Content-Encoding: gzip
                server.route(route, body=path.read_bytes(), headers={"Content-Encoding": "gzip"})
            else:
                server.route(route, body=path.read_bytes(), content_type="application/xml")
            names[path.name] = server.url(route)
        yield server, names


async def test_every_corpus_feed_goes_through_a_poll_cycle(
    tmp_path: Path, served: tuple[FeedServer, dict[str, str]]
) -> None:
    _, urls = served
    store = open_store(tmp_path / "db.json")
    fetcher = FeedFetcher(timeout=10)
    try:
        repos = Repos.of(store)
        clock = FakeClock(NOW)
        book = SubscriptionBook()
        service = NewsService(repos, book, clock)
        for query in (
            "news",
            "world OR welt OR monde",
            "pres*",
            "police",
        ):  # common words: many matches to render
            service.subscribe(ChatRef("telegram", "1"), query)
        sources = [Source(name, url) for name, url in urls.items()]
        settings = PollSettings(
            prime_new_sources=False,
            max_story_age=timedelta(days=36500),
            fetch_pages=False,
            syndication_window=timedelta(0),
            batch_seconds=60,  # one batch: the .gz twin of a feed never takes its stories first
        )
        poller = Poller(repos, book, fetcher, clock, lambda: sources, settings)
        report = await poller.poll_once()
        read = {name: 0 for name in urls}
        for article in store.articles.recent(NOW - timedelta(days=36500), 100_000):
            read[article.source] += 1
        alerts = store.outbox.pending()
    finally:
        await fetcher.aclose()
        store.close()

    expected = manifest()
    assert report.polled == len(urls)
    failed = {e.split(":", 1)[0] for e in report.errors}
    assert failed <= {n for n, count in expected.items() if count == 0}, report.errors
    # the same stories served twice (a .gz twin of a plain file) are one story: dedup, not loss
    twins = {n for n in read if n.endswith(".gz") and n[: -len(".gz")] in read}
    usable = {n: _usable_entries(CORPUS / n) for n in expected if n in read and n not in twins}
    short = {n: (read[n], count) for n, count in usable.items() if read[n] < 0.9 * min(count, 500)}
    assert not short, f"feeds whose usable entries were not all read (ours, feedparser's): {short}"
    assert read["SYNTHETIC-unescaped-ampersand.rss.xml"] >= 1  # damaged but usable
    assert read["stackoverflow-nmea-INVALID-BYTES.atom.xml"] >= 1
    assert alerts, "common words matched nothing in 45 feeds"
    for alert in alerts:
        markup = render_alert(alert)
        check_telegram_html(markup)
        assert utf16_len(markup) <= MAX_MESSAGE
    print(
        f"{len(urls)} feeds, {sum(read.values())} entries read, {len(alerts)} alerts rendered, "
        f"{report.failed} failed: {report.errors}"
    )
