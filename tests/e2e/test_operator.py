"""The operator's kit as a new user meets it: the real `newsbot` commands and HTTP endpoints."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import BotProcess, rss, run_once, write_sources
from tests.support.fake_bot_api import FakeBotApi
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.e2e
ADMIN = 4242
STORY = ("SOCAR opens a new pipeline", "http://news.test/pipeline", "SOCAR opened a pipeline today.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_version_and_run_help_list_the_environment(tmp_path: Path) -> None:
    version = run_once(["--version"], {}, tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("newsbot ")
    helped = run_once(["run", "--help"], {}, tmp_path)
    assert helped.returncode == 0
    for name in ("TELEGRAM_BOT_TOKEN", "NEWSBOT_POLL_SECONDS", "NEWSBOT_HTTP_PORT", "NEWSBOT_PAID_BROADCAST"):
        assert name in helped.stdout
    assert "(default: 300)" in helped.stdout


def test_check_validates_and_lists_without_network(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", {"Wire": "http://127.0.0.1:9/feed.xml"})
    env = {
        "TELEGRAM_BOT_TOKEN": "1:x",
        "NEWSBOT_SOURCES": str(sources),
        "NEWSBOT_DB": str(tmp_path / "d.json"),
    }
    ok = run_once(["check"], env, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "configuration is valid" in ok.stdout and "Wire  http://127.0.0.1:9/feed.xml" in ok.stdout
    assert not (tmp_path / "d.json").exists()  # check writes nothing
    online = run_once(["check", "--online"], env, tmp_path)
    assert online.returncode == 1 and "FAILED  Wire: connection failed" in online.stdout
    day = run_once(["check"], {**env, "NEWSBOT_POLL_SECONDS": "1e12"}, tmp_path)
    assert day.returncode == 2
    assert day.stderr.strip().splitlines() == [
        "newsbot: configuration error: NEWSBOT_POLL_SECONDS must be at most 86400 seconds (a day), got '1e12'"
    ]
    (tmp_path / "afile").write_text("")
    under_file = run_once(["run"], {**env, "NEWSBOT_DB": str(tmp_path / "afile" / "db.json")}, tmp_path)
    assert under_file.returncode == 1
    assert "afile is a file, not a directory" in under_file.stderr


def test_check_online_reports_each_source(tmp_path: Path, feeds: FeedServer) -> None:
    feeds.route("/feed.xml", body=rss(STORY))
    sources = write_sources(tmp_path / "sources.toml", {"Wire": feeds.url("/feed.xml")})
    out = run_once(
        ["check", "--online"], {"TELEGRAM_BOT_TOKEN": "1:x", "NEWSBOT_SOURCES": str(sources)}, tmp_path
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok      Wire: 1 stories" in out.stdout and "1 of 1 sources answered" in out.stdout


def test_healthz_metrics_stats_and_a_backup_round_trip(
    tmp_path: Path, api: FakeBotApi, feeds: FeedServer
) -> None:
    feeds.route("/feed.xml", body=rss(STORY), etag='"v1"')
    sources = write_sources(tmp_path / "sources.toml", {"Wire": feeds.url("/feed.xml")})
    port = free_port()
    bot = BotProcess(
        tmp_path,
        api.url,
        sources,
        NEWSBOT_HTTP_PORT=str(port),
        NEWSBOT_ADMINS=str(ADMIN),
        NEWSBOT_PARSE_WORKERS="1",
    ).start()
    base = f"http://127.0.0.1:{port}"
    try:
        api.wait_for_call("setMyCommands", timeout=30)
        api.push_message(ADMIN, ADMIN, "/subscribe SOCAR")
        api.wait_for_sent(lambda p: "socar" in str(p.get("text", "")).lower(), timeout=15)
        deadline = time.monotonic() + 20
        while True:
            metrics = httpx.get(f"{base}/metrics", timeout=5)
            if "newsbot_polls_total 2.0" in metrics.text or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert 'newsbot_source_seconds_since_success{source="Wire"}' in metrics.text
        assert "newsbot_polls_total 2.0" in metrics.text or "newsbot_polls_total 3.0" in metrics.text
        health = httpx.get(f"{base}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        api.push_message(ADMIN, ADMIN, "/pause")  # a chat setting the backup must carry
        api.wait_for_sent(lambda p: "paused" in str(p.get("text", "")).lower(), timeout=15)
        api.push_message(ADMIN, ADMIN, "/timezone Asia/Baku")  # and a rhythm setting
        api.wait_for_sent(lambda p: "Asia/Baku" in str(p.get("text", "")), timeout=15)
        api.push_message(ADMIN, ADMIN, "/stats")
        stats = api.wait_for_sent(lambda p: "newsbot stats" in str(p.get("text", "")), timeout=15)
        assert "Subscriptions: 1" in stats["text"] and "1 healthy" in stats["text"]
        assert "(1 paused)" in stats["text"]

        backup = tmp_path / "backup.json"
        exported = run_once(["export", "--out", str(backup)], bot.env, tmp_path)  # while it runs
        assert exported.returncode == 0, exported.stderr
        assert "exported 1 subscriptions" in exported.stderr
        data = json.loads(backup.read_text())
        assert data["format"] == "newsbot-backup" and data["subscriptions"][0]["query"] == "socar"
        [chat] = data["chats"]  # every field ChatState has (images, bindings...) travels with it
        assert chat["chat"] == f"telegram:{ADMIN}" and chat["active"] is True and chat["paused"] is True
        assert [r["zone"] for r in data["rhythms"]] == ["Asia/Baku"]
        refused = run_once(["import", str(backup)], bot.env, tmp_path)
        assert refused.returncode == 2 and "already running" in refused.stderr
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.log()

    fresh = {**bot.env, "NEWSBOT_DB": str(tmp_path / "restored" / "newsbot.json")}
    restored = run_once(["import", str(backup)], fresh, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "imported 1 subscriptions, 1 chats, 1 chats' rhythm settings" in restored.stdout
    again = run_once(["import", str(backup)], fresh, tmp_path)
    assert again.returncode != 0 and "--merge" in again.stderr
    merged = run_once(["import", str(backup), "--merge"], fresh, tmp_path)
    assert merged.returncode == 0 and "already there" in merged.stdout
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**data, "subscriptions": [{"chat": "x", "query": "-a", "created": "no"}]}))
    invalid = run_once(
        ["import", str(broken)], {**fresh, "NEWSBOT_DB": str(tmp_path / "b" / "n.json")}, tmp_path
    )
    assert invalid.returncode != 0 and "nothing was imported" in invalid.stderr
