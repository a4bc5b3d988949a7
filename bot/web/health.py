"""GET /healthz and GET /metrics on the bot's one HTTP server.

/healthz answers 200 while the poll schedule and the delivery loop are alive and the store's
directory takes a write, 503 otherwise; the body says which check failed. /metrics is the
Prometheus text format of the bot's own registry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from aiohttp import web

from bot.web.metrics import CONTENT_TYPE, Metrics
from bot.web.server import WebServer


def store_writable(directory: Path) -> bool:
    """Create, sync and remove a small file where the store lives."""
    probe = directory / f".healthz-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
        probe.unlink()
    except OSError:
        return False
    return True


class Health:
    def __init__(self, liveness: Callable[[], Mapping[str, bool]], store_dir: Path) -> None:
        self.liveness = liveness
        self.store_dir = store_dir

    def checks(self) -> dict[str, bool]:
        return {**self.liveness(), "store": store_writable(self.store_dir)}


def add_routes(server: WebServer, health: Health, metrics: Metrics) -> None:
    async def healthz(request: web.Request) -> web.Response:
        checks = health.checks()
        ok = all(checks.values())
        body = {"status": "ok" if ok else "failing", "checks": checks}
        return web.Response(status=200 if ok else 503, text=json.dumps(body), content_type="application/json")

    async def metrics_route(request: web.Request) -> web.Response:
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    server.route("GET", "/healthz", healthz)
    server.route("GET", "/metrics", metrics_route)
