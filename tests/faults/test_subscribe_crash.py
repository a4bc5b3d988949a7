"""kill -9 during a burst of /subscribe commands: every subscription the bot acknowledged is on
disk after the crash, and a command Telegram delivers twice (its update was not yet confirmed
when the process died) is answered as a no-op, never as a second subscription."""

from __future__ import annotations

import random
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import open_store
from tests.e2e.harness import BotProcess, exit_code, send_signal, write_sources
from tests.faults.conftest import record, restarted
from tests.support.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e
ACK = re.compile(r"(?:Subscribed to|already subscribed to) <code>([^<]*)</code>")


def _acknowledged(api: FakeBotApi) -> set[tuple[str, str]]:
    acks = set()
    for payload in list(api.sent):
        found = ACK.search(str(payload.get("text", "")))
        if found:
            acks.add((str(payload["chat_id"]), found.group(1)))
    return acks


def test_kill_9_during_subscribe_bursts_loses_no_acknowledged_subscription(
    tmp_path: Path, api: FakeBotApi, launch: Callable[..., BotProcess]
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    users = range(7001, 7031)
    per_user = 6
    wanted = {(str(u), f"topic{u}n{k}") for u in users for k in range(per_user)}
    sources = write_sources(tmp_path / "sources.toml", {"Nowhere": "http://127.0.0.1:9/feed"})
    bot = launch(sources)
    api.wait_for_call("setMyCommands", timeout=30)
    for k in range(per_user):  # each user fires a burst; the bursts interleave
        for u in users:
            api.push_message(u, u, f"/subscribe topic{u}n{k}")

    kills = 0
    for _ in range(3):
        done = len(_acknowledged(api))
        if done >= len(wanted) - 5:
            break
        target = done + rng.randint(1, max(1, (len(wanted) - done) // 3))
        assert api.wait_until(lambda a, target=target: len(_acknowledged(a)) >= target, 30), (
            f"seed {seed}: no progress"
        )
        time.sleep(rng.uniform(0.0, 0.05))
        bot.kill()
        kills += 1
        before = _acknowledged(api)
        store = open_store(tmp_path / "db" / "newsbot.json")  # the dead process's files, as it left them
        on_disk = {(s.chat.id, s.query) for s in store.subscriptions.all()}
        store.close()
        missing = before - on_disk
        record("acknowledged subscriptions lost", len(missing))
        assert not missing, (
            f"seed {seed}: acknowledged but not on disk after kill {kills}: {sorted(missing)[:5]}"
        )
        restarted(bot, api)

    # everything still queued at Telegram is answered by the last process
    api.wait_until(lambda a: _acknowledged(a) >= wanted, 30)
    send_signal(bot, signal.SIGTERM)
    assert exit_code(bot, 10) == 0
    acked = _acknowledged(api)
    store = open_store(tmp_path / "db" / "newsbot.json")
    subs = store.subscriptions.all()
    store.close()
    on_disk = [(s.chat.id, s.query) for s in subs]
    record("kills survived (subscribe bursts)", kills)
    record("acknowledged subscriptions lost", len(acked - set(on_disk)))
    record("subscribe commands never answered (fetched, then killed)", len(wanted - acked))
    assert kills >= 2, f"seed {seed}"
    assert acked - set(on_disk) == set()
    assert len(on_disk) == len(set(on_disk)), "a re-delivered /subscribe created a second copy"
    assert set(on_disk) <= wanted
    assert "Traceback" not in bot.log()
