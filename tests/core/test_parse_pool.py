"""Feed-parsing worker processes never outlive the bot that started them; one that dies is replaced."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A bot stand-in: parses one feed in a worker, says the worker's pid, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from bot.ingest.parse_pool import ParsePool

    FEED = b"<rss version='2.0'><channel><title>t</title><item><title>SOCAR</title>" \\
        b"<link>http://news.test/a</link></item></channel></rss>"

    async def main():
        pool = ParsePool(1)
        parsed = await pool.parse(FEED, source="s", url="http://news.test/f", headers={},
                                  now=datetime.now(UTC))
        assert parsed.articles, parsed
        print(*pool.pids(), flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


def test_a_worker_exits_when_its_bot_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 30  # a wait for the exit, not a measure of its speed
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "a parse worker outlived its bot"
    finally:
        if parent.poll() is None:
            parent.kill()


FEED = (
    b"<rss version='2.0'><channel><title>t</title><item><title>SOCAR</title>"
    b"<link>http://news.test/a</link></item></channel></rss>"
)


def test_a_killed_worker_is_replaced_and_no_feed_is_lost() -> None:
    from bot.ingest.parse_pool import ParsePool

    async def scenario() -> None:
        pool = ParsePool(1)
        try:
            now = datetime.now(UTC)
            first = await pool.parse(FEED, source="s", url="http://news.test/f", headers={}, now=now)
            (pid,) = pool.pids()
            os.kill(pid, signal.SIGKILL)
            again = await pool.parse(FEED, source="s", url="http://news.test/f", headers={}, now=now)
            assert [a.title for a in again.articles] == [a.title for a in first.articles] == ["SOCAR"]
            third = await pool.parse(FEED, source="s", url="http://news.test/f", headers={}, now=now)
            assert third.articles
            (replacement,) = pool.pids()
            assert replacement != pid
        finally:
            pool.close()
        assert pool.pids() == []

    asyncio.run(scenario())


def test_the_pool_serves_several_event_loops_and_raises_what_the_parser_raises() -> None:
    from bot.ingest.parse_pool import ParsePool

    pool = ParsePool(2)
    try:
        for _ in range(2):  # asyncio.run twice: a new loop each time, as the benchmarks do
            parsed = asyncio.run(
                pool.parse(FEED, source="s", url="http://news.test/f", headers={}, now=datetime.now(UTC))
            )
            assert parsed.articles
        with pytest.raises(ValueError, match="invalid literal"):  # raised in the worker, as in a thread
            pool._worker().submit(functools.partial(int, "not a number")).result(30)
        assert len(pool.pids()) >= 1  # the worker that raised serves on
        assert asyncio.run(
            pool.parse(FEED, source="s", url="http://news.test/f", headers={}, now=datetime.now(UTC))
        ).articles
    finally:
        pool.close()


FEED3 = (
    b"<rss version='2.0'><channel><title>t</title>"
    b"<item><title>SOCAR ships gas</title><link>http://news.test/a</link>"
    b"<description>SOCAR began supplying gas via Europe.</description></item>"
    b"<item><title>Rosneft results</title><link>http://news.test/b</link>"
    b"<description>Rosneft profit rose.</description></item>"
    b"<item><title>Gazprom cuts</title><link>http://news.test/c</link>"
    b"<description>Gazprom cut supplies.</description></item>"
    b"</channel></rss>"
)


@pytest.mark.parametrize("workers", [1, 0])
def test_the_parse_that_reads_a_feed_annotates_its_new_stories(workers: int) -> None:
    from bot.ingest.parse_pool import ParsePool
    from bot.stories.features import StoryFeatures, features_of, story_features

    async def scenario() -> None:
        pool = ParsePool(workers)
        try:
            now = datetime.now(UTC)
            args = {"source": "s", "url": "http://news.test/f", "headers": {}, "now": now}
            plain = await pool.parse(FEED3, **args)
            assert plain.notes == {} and len(plain.articles) == 3
            first, *later = plain.articles
            noted = await pool.parse(FEED3, **args, annotate=story_features, skip=frozenset({first.key}))
            assert len(pool.pids()) == workers  # it was a worker process's call (or a thread's)
            assert noted.articles == plain.articles
            assert set(noted.notes) == {a.key for a in later}  # only what the last document lacked
            for article in later:
                note = noted.notes[article.key]
                assert isinstance(note, StoryFeatures)
                here = features_of(article)
                assert note.words == here.words and note.terms == here.terms
            everything = await pool.parse(FEED3, **args, annotate=story_features)
            assert set(everything.notes) == {a.key for a in plain.articles}
            none_new = await pool.parse(
                FEED3, **args, annotate=story_features, skip=frozenset(a.key for a in plain.articles)
            )
            assert none_new.notes == {}
        finally:
            pool.close()

    asyncio.run(scenario())


def _refuses(articles: object) -> dict[str, object]:
    raise RuntimeError("cannot annotate")


def test_a_failing_annotation_costs_the_notes_not_the_feed() -> None:
    from bot.ingest.parse_pool import ParsePool

    pool = ParsePool(0)
    parsed = asyncio.run(
        pool.parse(
            FEED3, source="s", url="http://news.test/f", headers={}, now=datetime.now(UTC), annotate=_refuses
        )
    )
    assert len(parsed.articles) == 3 and parsed.notes == {}


def _feed(n: int) -> bytes:
    return (
        f"<rss version='2.0'><channel><title>Feed {n}</title><item><title>Story {n}</title>"
        f"<link>http://news.test/{n}</link></item></channel></rss>"
    ).encode()


def test_many_feeds_in_flight_each_get_their_own_answer() -> None:
    """Calls queue in a worker's pipe (up to QUEUED each) and answers come back in order."""
    from bot.ingest.parse_pool import QUEUED, ParsePool

    async def scenario(pool: ParsePool) -> list[str]:
        now = datetime.now(UTC)
        calls = [
            pool.parse(_feed(n), source=f"s{n}", url="http://news.test/f", headers={}, now=now)
            for n in range(3 * QUEUED)
        ]
        return [parsed.articles[0].title for parsed in await asyncio.gather(*calls)]

    pool = ParsePool(2)
    try:
        assert asyncio.run(scenario(pool)) == [f"Story {n}" for n in range(3 * QUEUED)]
        assert len(pool.pids()) == 2
    finally:
        pool.close()


def test_the_feeds_a_killed_worker_held_are_parsed_anyway() -> None:
    from bot.ingest.parse_pool import ParsePool

    async def scenario(pool: ParsePool) -> list[str]:
        now = datetime.now(UTC)
        # a first call starts the worker; then a call that never ends holds it while more queue up
        await pool.parse(_feed(0), source="s", url="http://news.test/f", headers={}, now=now)
        (pid,) = pool.pids()
        stuck = pool._worker().submit(functools.partial(time.sleep, 3600))
        calls = [
            asyncio.ensure_future(
                pool.parse(_feed(n), source="s", url="http://news.test/f", headers={}, now=now)
            )
            for n in range(1, 6)
        ]
        await asyncio.sleep(0)  # the calls are queued behind the stuck one
        os.kill(pid, signal.SIGKILL)
        titles = [parsed.articles[0].title for parsed in await asyncio.gather(*calls)]
        assert stuck.exception(30) is not None  # the stuck call failed with its worker
        return titles

    pool = ParsePool(1)
    try:
        assert asyncio.run(scenario(pool)) == [f"Story {n}" for n in range(1, 6)]
    finally:
        pool.close()
