"""kill -9 while digests go out: no chat loses its digest, and a crash costs each chat at most one
repeat (the send in flight): of a whole digest, and of one part of a digest sent in several
messages (each part out is recorded before the next goes). The digests here are bursts folded at
once for many chats, due a few seconds after the stories arrive, so the tests need no wall-clock
minute."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.models import Alert
from tests.e2e.harness import BotProcess, rss
from tests.faults.conftest import (
    OLD,
    crash_until_delivered,
    kill_mid_send,
    pending_per_chat,
    record,
    record_max,
    start_primed,
    stop_cleanly,
)
from tests.support.fake_bot_api import FakeBotApi, unmarked
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
STORIES = [
    (f"SOCAR terminal news {n}", f"http://news.test/t{n}", f"SOCAR opened terminal {n}. Exports start.")
    for n in range(3)
]
NEEDLE = "2 more stories matching SOCAR"
TOPIC = "Caspian export capacity and terminal works " * 6
LONG = [  # 40 stories with long titles: the folded digest takes several Telegram messages
    (f"SOCAR pipeline report {n}: {TOPIC}", f"http://news.test/p{n}", f"SOCAR report {n}. More.")
    for n in range(40)
]
PART = re.compile(r"^<b>39 more stories matching SOCAR since \S+ \((\d+)/(\d+)\)</b>")


def _digest(alert: Alert) -> bool:
    return alert.digest is not None


def _folded_for(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess], users: range
) -> BotProcess:
    """A bot that folds all but the first of a burst (NEWSBOT_BURST=1) into a digest 4 s later."""
    return start_primed(launch, api, feeds, tmp_path, users, NEWSBOT_BURST="1", NEWSBOT_BURST_WINDOW="4")


def test_kill_9_mid_digest_loses_none_and_repeats_at_most_once_per_crash(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    users = range(8001, 8061)
    seed = random.randrange(1 << 30)
    bot = _folded_for(tmp_path, api, feeds, launch, users)
    api.send_delay = 0.3

    feeds.route("/feed.xml", body=rss(*STORIES, OLD), etag='"v2"')
    kills, copies = crash_until_delivered(
        bot, api, tmp_path, users, NEEDLE, seed, lambda alert: alert.digest is not None
    )
    lost = sum(c == 0 for c in copies.values())
    worst = max(copies.values()) - 1
    record("kills survived (digests)", kills)
    record("digests lost", lost)
    record_max("extra copies of a digest in one chat", worst)
    assert kills >= 1, f"seed {seed}: the digests went out before they could be interrupted"
    assert lost == 0, f"seed {seed}: {lost} chats never got their digest"
    assert worst <= kills, f"seed {seed}: a chat got its digest {worst + 1} times after {kills} crashes"
    for u in users:  # a folded story never also came instantly
        texts = [unmarked(p["text"]) for p in api.sent_to(u, "SOCAR terminal news")]
        instant = {t.split("</b>")[0] for t in texts if t.startswith("<b>SOCAR terminal news")}
        folded = {f"<b>{s[0]}" for s in STORIES if any(NEEDLE in t and f">{s[0]}<" in t for t in texts)}
        assert len(instant) == 1 and len(folded) == 2 and not instant & folded, f"seed {seed}: {u}"
    assert "Traceback" not in bot.log()


def test_kill_9_mid_multipart_digest_resends_only_the_part_in_flight(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer, launch: Callable[..., BotProcess]
) -> None:
    users = range(8101, 8113)
    seed = random.randrange(1 << 30)
    bot = _folded_for(tmp_path, api, feeds, launch, users)
    api.send_delay = 1.0  # a chat's parts go one after another: several seconds per digest

    def parts() -> dict[int, Counter[int]]:
        """chat -> part number -> copies received; part 0 holds how many parts there are."""
        seen: dict[int, Counter[int]] = {}
        for u in users:
            mine = seen[u] = Counter()
            for found in filter(None, (PART.match(unmarked(str(p.get("text", "")))) for p in api.sent_to(u))):
                mine[int(found.group(1))] += 1
                mine[0] = int(found.group(2))
        return seen

    def complete() -> bool:
        return all(c[0] and all(c[n] for n in range(1, c[0] + 1)) for c in parts().values())

    def out() -> int:
        return sum(n for c in parts().values() for part, n in c.items() if part)

    feeds.route("/feed.xml", body=rss(*LONG, OLD), etag='"v2"')
    assert api.wait_until(lambda a: any(PART.match(unmarked(t)) for t in a.texts()), 60), bot.log()[-3000:]
    count = max(c[0] for c in parts().values())
    kills = kill_mid_send(bot, api, out, len(users) * count, seed)
    assert api.wait_until(lambda a: complete(), 90), f"seed {seed}"
    stop_cleanly(bot, api)

    extra = {u: sum(c[n] - 1 for n in range(1, c[0] + 1)) for u, c in parts().items()}
    record("kills survived (multi-part digests)", kills)
    record_max("messages of one multi-part digest", count)
    record("extra copies of parts (multi-part digests, all chats)", sum(extra.values()))
    record_max("extra copies of parts in one chat", max(extra.values()))
    assert count >= 3, "the digest fits fewer messages than the test needs"
    assert kills >= 1, f"seed {seed}: the digests went out before they could be interrupted"
    assert pending_per_chat(tmp_path) == {}
    assert max(extra.values()) <= kills, f"seed {seed}: parts resent beyond the one in flight: {extra}"
    assert "Traceback" not in bot.log()
