"""N feeds on one loopback HTTP server in a process of its own, with ETag / Last-Modified.

`/feed/<i>.xml` is feed i: RSS 2.0 with `<language>en</language>` (as news feeds declare it),
20 items with ~300-character descriptions of distinct made-up words (about 10 KB),
or, with `feeds=[bytes, ...]`, real documents served round-robin. A request whose
If-None-Match or If-Modified-Since matches gets 304 with no body, as real servers answer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
LAST_MODIFIED = format_datetime(T0, usegmt=True)
WORDS = [
    "pipeline",
    "gas",
    "energy",
    "minister",
    "parliament",
    "election",
    "talks",
    "border",
    "trade",
    "market",
    "oil",
    "export",
    "sanctions",
    "agreement",
    "river",
    "harbour",
    "railway",
    "drought",
    "harvest",
    "festival",
    "court",
    "ruling",
    "strike",
]


# Made-up words (no language's): each story draws most of its text from these, so two stories
# are as different as two real ones. Texts built from one short word list alone made every story
# a near-copy of every other, and the copy and event checks compared each with thousands.
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
FILLER = [a + b + c for a in _SYLLABLES for b in _SYLLABLES[::3] for c in ("n", "r", "l")]


def synthetic_feed(i: int, items: int = 20) -> bytes:
    entries = []
    for n in range(items):
        rng = random.Random(i * 1_000 + n)
        chosen = rng.sample(WORDS, 12) + rng.sample(FILLER, 33)
        rng.shuffle(chosen)
        words = " ".join(chosen)
        when = format_datetime(T0 - timedelta(minutes=17 * n + i % 60), usegmt=True)
        entries.append(
            f"<item><title>Source {i} story {n}: {WORDS[(i + n) % len(WORDS)]} news</title>"
            f"<link>https://news{i}.example.org/story/{n}</link><guid>src{i}-story{n}</guid>"
            f"<pubDate>{when}</pubDate><description>{words.capitalize()}.</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Source {i}</title>'
        f"<link>https://news{i}.example.org/</link><description>Feed {i}</description>"
        "<language>en</language>" + "".join(entries) + "</channel></rss>"
    ).encode()


def corpus_feeds(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(folder.glob("*.xml")) if "SYNTHETIC" not in p.name]


def _serve(ready: Any, count: int, feeds: list[bytes] | None) -> None:
    from aiohttp import web

    bodies = [feeds[i % len(feeds)] if feeds else synthetic_feed(i) for i in range(count)]

    async def feed(request: web.Request) -> web.Response:
        try:
            i = int(request.match_info["i"])
            body = bodies[i]
        except (ValueError, IndexError):
            return web.Response(status=404)
        etag = f'"v{i}"'
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == (
            LAST_MODIFIED
        ):
            return web.Response(status=304, headers={"ETag": etag})
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        return web.Response(body=body, headers=headers, content_type="application/rss+xml", charset="utf-8")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{i}.xml", feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ready.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


class FeedFarm:
    def __init__(self, count: int, feeds: list[bytes] | None = None) -> None:
        self.count = count
        self._parent, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(target=_serve, args=(child, count, feeds), daemon=True)
        self.port = 0

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed/{i}.xml"

    def __enter__(self) -> FeedFarm:
        self._process.start()
        if not self._parent.poll(60):
            raise RuntimeError("the feed server did not start")
        self.port = int(self._parent.recv())
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(5)
