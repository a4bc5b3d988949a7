"""N feeds on one loopback HTTP server in a process of its own, with ETag / Last-Modified.

`/feed/<i>.xml` is feed i: RSS 2.0 with `<language>en</language>` (as news feeds declare it),
20 items (about 10 KB) whose headlines and ~300-character descriptions are English words drawn
with their real frequencies (wordfreq) plus made-up names, a tenth of them reports of events
that several feeds cover (`synthetic_feed`); with `lookalike=True` the older texts
(`lookalike_feed`); or, with `feeds=[bytes, ...]`, real documents served round-robin. A request whose
If-None-Match or If-Modified-Since matches gets 304 with no body, as real servers answer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

# Stories dated in the hours before the run, as a real feed's are (a fixed date would make every
# story days old: past the bot's max story age, which is no real first round).
T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
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


def lookalike_feed(i: int, items: int = 20) -> bytes:
    """The older synthetic feed: every headline "Source i story n: <word> news" and descriptions of
    12 of 23 topic words plus 33 made-up words. Not like real feeds: stories share most of their
    headline, and each has ~37 rare terms (made-up words weigh as the rarest), each in ~130 other
    stories of a 1,000-feed round; real feed stories have ~7 (see benchmarks/README.md)."""
    entries = []
    for n in range(items):
        rng = random.Random(i * 1_000 + n)
        chosen = rng.sample(WORDS, 12) + rng.sample(FILLER, 33)
        rng.shuffle(chosen)
        words = " ".join(chosen)
        entries.append(
            _item(i, n, f"Source {i} story {n}: {WORDS[(i + n) % len(WORDS)]} news", words.capitalize())
        )
    return _rss(i, entries)


def _item(i: int, n: int, title: str, text: str) -> str:
    """Story n of source i; stories are 17 minutes apart, sources staggered by the minute."""
    when = format_datetime(T0 - timedelta(minutes=17 * n + i % 60), usegmt=True)
    return (
        f"<item><title>{title}</title>"
        f"<link>https://news{i}.example.org/story/{n}</link><guid>src{i}-story{n}</guid>"
        f"<pubDate>{when}</pubDate><description>{text}.</description></item>"
    )


def _rss(i: int, entries: list[str]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Source {i}</title>'
        f"<link>https://news{i}.example.org/</link><description>Feed {i}</description>"
        "<language>en</language>" + "".join(entries) + "</channel></rss>"
    ).encode()


EVENTS = 300  # events that several feeds report (a tenth of the stories), like a news day's
EVENT_SHARE = 0.1


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[str], list[float], list[float]]:
    """English words and cumulative weights: all words, and headline words (no function words)."""
    from wordfreq import top_n_list, zipf_frequency

    words = [w for w in top_n_list("en", 20_000, wordlist="small") if w.isalpha()]
    weights = [10 ** zipf_frequency(w, "en", wordlist="small") for w in words]
    common = set(words[:150])  # the, of, said...: headlines mostly leave them out
    heads = [0.0 if w in common else x for w, x in zip(words, weights, strict=True)]
    return words, list(accumulate(weights)), list(accumulate(heads))


def _name(rng: random.Random) -> str:
    return rng.choice(FILLER).capitalize()


def synthetic_feed(i: int, items: int = 20) -> bytes:
    """Stories that look like a real feed's to the copy and event checks: headlines of 7 words
    (a name and six words drawn with English frequencies, function words left out), leads of ~45
    words drawn with English frequencies and two names, 2 in 20 reporting one of EVENTS shared
    events (the event's names and four headline words, the rest their own), all distinct texts."""
    words, every, heads = _vocabulary()
    entries = []
    for n in range(items):
        rng = random.Random(i * 1_000 + n)
        if rng.random() < EVENT_SHARE:
            event = random.Random(-1 - rng.randrange(EVENTS))
            names = [_name(event), _name(event)]
            head = event.choices(words, cum_weights=heads, k=4) + rng.choices(words, cum_weights=heads, k=2)
        else:
            names = [_name(rng), _name(rng)]
            head = rng.choices(words, cum_weights=heads, k=6)
        title = " ".join([names[0], *head])
        lead = rng.choices(words, cum_weights=every, k=44)
        lead[rng.randrange(5)] = names[0]
        lead[rng.randrange(20, 44)] = names[1]
        lead.insert(22, ".")
        text = " ".join(lead).replace(" . ", ". ")
        text = text[0].upper() + text[1:]
        entries.append(_item(i, n, title, text))
    return _rss(i, entries)


def corpus_feeds(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(folder.glob("*.xml")) if "SYNTHETIC" not in p.name]


def _serve(ready: Any, count: int, feeds: list[bytes] | None, lookalike: bool = False) -> None:
    from aiohttp import web

    make = lookalike_feed if lookalike else synthetic_feed
    bodies = [feeds[i % len(feeds)] if feeds else make(i) for i in range(count)]

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
    def __init__(self, count: int, feeds: list[bytes] | None = None, lookalike: bool = False) -> None:
        self.count = count
        self._parent, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(target=_serve, args=(child, count, feeds, lookalike), daemon=True)
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
