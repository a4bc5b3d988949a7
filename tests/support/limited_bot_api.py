"""A loopback fake Bot API that enforces Telegram's flood limits, in a process of its own.

Limits (Telegram's published ones, enforced strictly over sliding one-second windows):
about 30 messages per second per bot, 1 per second per private chat, 20 per minute per group;
with `allow_paid_broadcast` the bot-wide limit is 1,000 per second. A send over a limit gets
429 with `parameters.retry_after` (whole seconds, at least 1) and is not delivered; a send to a
chat before the retry_after it was given has passed is counted as *ignored retry_after*.

It runs in its own process so that its work never competes with the bot for the GIL:

    with LimitedBotApi() as api:
        ... point the bot at api.url ...
        api.stats()   # {"sent": ..., "too_many": ..., "ignored_retry_after": ..., ...}
        api.reset()
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import time
import urllib.request
from collections import deque
from typing import Any
from urllib.parse import parse_qs

GLOBAL_PER_SECOND = 30
PAID_PER_SECOND = 1000
CHAT_PER_SECOND = 1
GROUP_PER_MINUTE = 20
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Newsbot", "username": "newsbot_test_bot"}


class Limits:
    """The server's bookkeeping; pure, so it is unit-testable without a socket."""

    def __init__(self, now: Any = time.monotonic) -> None:
        self.now = now
        self.reset()

    def reset(self) -> None:
        self.global_window: deque[float] = deque()
        self.paid_window: deque[float] = deque()
        self.chat_windows: dict[str, deque[float]] = {}
        self.banned_until: dict[str, float] = {}
        self.sent = self.too_many = self.ignored = 0
        self.paid_sent = 0
        self.first: float | None = None
        self.last: float | None = None
        self.max_per_second = 0

    @staticmethod
    def _room(window: deque[float], now: float, span: float, limit: int) -> float:
        """0 when one more fits in the window, else the seconds until one does."""
        while window and window[0] <= now - span:
            window.popleft()
        return 0.0 if len(window) < limit else window[0] + span - now

    def send(self, chat: str, paid: bool) -> float | None:
        """None: delivered; else the retry_after given."""
        now = self.now()
        if now < self.banned_until.get(chat, 0.0):
            self.ignored += 1
            self.too_many += 1
            return math.ceil(self.banned_until[chat] - now)
        group = chat.startswith("-")
        chat_window = self.chat_windows.setdefault(chat, deque())
        waits = [
            self._room(chat_window, now, 60.0, GROUP_PER_MINUTE)
            if group
            else self._room(chat_window, now, 1.0, CHAT_PER_SECOND),
            self._room(self.paid_window, now, 1.0, PAID_PER_SECOND)
            if paid
            else self._room(self.global_window, now, 1.0, GLOBAL_PER_SECOND),
        ]
        wait = max(waits)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.banned_until[chat] = now + retry_after
            self.too_many += 1
            return retry_after
        chat_window.append(now)
        (self.paid_window if paid else self.global_window).append(now)
        self.sent += 1
        self.paid_sent += paid
        self.first = now if self.first is None else self.first
        self.last = now
        self.max_per_second = max(self.max_per_second, len(self.paid_window if paid else self.global_window))
        return None

    def stats(self) -> dict[str, Any]:
        span = (self.last - self.first) if self.first is not None and self.last is not None else 0.0
        return {
            "sent": self.sent,
            "paid_sent": self.paid_sent,
            "too_many": self.too_many,
            "ignored_retry_after": self.ignored,
            "first_to_last_s": span,
            "max_in_one_second": self.max_per_second,
        }


def _params(raw: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or b"{}")
    return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}


def _serve(ready: Any) -> None:
    from aiohttp import web

    limits = Limits()
    message_ids = iter(range(1000, 10**9))

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = _params(await request.read(), request.content_type)
        if method == "getMe":
            return web.json_response({"ok": True, "result": BOT_USER})
        if method != "sendMessage":
            return web.json_response({"ok": True, "result": True})
        chat = str(params.get("chat_id"))
        paid = str(params.get("allow_paid_broadcast", "")).lower() == "true"
        retry_after = limits.send(chat, paid)
        if retry_after is not None:
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return web.json_response(body, status=429)
        message = {
            "message_id": next(message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat, "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        return web.json_response({"ok": True, "result": message})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(limits.stats())

    async def reset(request: web.Request) -> web.Response:
        limits.reset()
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/_stats", stats)
        app.router.add_post("/_reset", reset)
        app.router.add_route("*", "/bot{token}/{method}", api)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ready.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


class LimitedBotApi:
    def __init__(self) -> None:
        self._parent, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child,), daemon=True
        )
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> LimitedBotApi:
        self._process.start()
        if not self._parent.poll(30):
            raise RuntimeError("the fake Bot API did not start")
        self.port = int(self._parent.recv())
        return self

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(5)

    def _call(self, path: str, method: str = "GET") -> dict[str, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stats(self) -> dict[str, Any]:
        return self._call("/_stats")

    def reset(self) -> None:
        self._call("/_reset", "POST")

    def __enter__(self) -> LimitedBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
