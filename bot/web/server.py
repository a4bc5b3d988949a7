"""One aiohttp.web server for every HTTP endpoint the bot serves; features register their routes.

Started only when something needs it (NEWSBOT_HTTP_PORT set, or WebSub push configured).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.errors import ConfigError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self._port = port
        self._routes: list[tuple[str, str, Handler]] = []
        self._runner: web.AppRunner | None = None

    def route(self, method: str, path: str, handler: Handler) -> None:
        if self._runner is not None:
            raise RuntimeError("routes are registered before the server starts")
        self._routes.append((method.upper(), path, handler))

    @property
    def routes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self._routes]

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 asked the OS to pick)."""
        return self._port

    async def start(self) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        for method, path, handler in self._routes:
            app.router.add_route(method, path, handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(
                f"cannot listen on {self.host}:{self._port} "
                f"(NEWSBOT_HTTP_HOST/NEWSBOT_HTTP_PORT): {exc.strerror}"
            ) from None
        self._runner = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self._port = sockets[0].getsockname()[1]
        log.info("HTTP server listening on %s:%d", self.host, self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
