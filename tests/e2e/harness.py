"""Runs the real `newsbot run` process against a loopback fake Bot API and a loopback feed server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token-not-real"


def newsbot_command() -> list[str]:
    script = Path(sys.executable).with_name("newsbot")
    return [str(script), "run"] if script.exists() else [sys.executable, str(ROOT / "bot.py"), "run"]


def rss(*items: tuple[str, str, str]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<description>{escape(d)}</description><pubDate>{now}</pubDate></item>"
        for t, link, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loopback Wire</title>'
        f"{body}</channel></rss>"
    ).encode()


def write_sources(path: Path, feeds: dict[str, str]) -> Path:
    path.write_text("".join(f'[[sources]]\nname = "{n}"\nurl = "{u}"\n\n' for n, u in feeds.items()))
    return path


class BotProcess:
    def __init__(self, workdir: Path, api_url: str, sources: Path, **env: str) -> None:
        self.log_path = workdir / "newsbot.log"
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api_url,
            "NEWSBOT_DB": str(workdir / "db" / "newsbot.json"),
            "NEWSBOT_SOURCES": str(sources),
            "NEWSBOT_POLL_SECONDS": "1",
            "NEWSBOT_LOG_LEVEL": "INFO",
            **env,
        }
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            newsbot_command(), cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )
        return self

    def stop(self, timeout: float = 10.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def run_once(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    command = newsbot_command()[:-1] + args
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


# -- helpers for the fault-injection suite (tests/faults) ------------------------------------------


def status_kib(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of a live process from /proc/<pid>/status (VmRSS now, VmHWM its peak), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def send_signal(bot: BotProcess, sig: int) -> None:
    assert bot.proc is not None and bot.proc.poll() is None, "the bot is not running"
    bot.proc.send_signal(sig)


def exit_code(bot: BotProcess, timeout: float) -> int:
    assert bot.proc is not None
    return bot.proc.wait(timeout)


def gzip_bomb(size: int, level: int = 1) -> bytes:
    """gzip bytes that inflate to `size` zero bytes (1 GiB of zeros is about 4.5 MB at level 1)."""
    import zlib

    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)
