"""The one HTTP server: routes registered before start, a real loopback socket, a clear error when taken."""

from __future__ import annotations

import httpx
import pytest
from aiohttp import web

from bot.config import load_settings
from bot.errors import ConfigError
from bot.web.server import WebServer


async def test_serves_registered_routes_on_a_picked_port() -> None:
    server = WebServer("127.0.0.1", 0)

    async def ping(request: web.Request) -> web.Response:
        return web.Response(text="pong")

    server.route("GET", "/ping", ping)
    await server.start()
    try:
        assert server.port > 0
        async with httpx.AsyncClient() as client:
            ok = await client.get(f"http://127.0.0.1:{server.port}/ping")
            missing = await client.get(f"http://127.0.0.1:{server.port}/nope")
        assert (ok.status_code, ok.text, missing.status_code) == (200, "pong", 404)
        with pytest.raises(RuntimeError):
            server.route("GET", "/late", ping)
    finally:
        await server.stop()


async def test_a_port_in_use_is_one_clear_configuration_error() -> None:
    first = WebServer("127.0.0.1", 0)
    await first.start()
    try:
        with pytest.raises(ConfigError, match="NEWSBOT_HTTP_PORT"):
            await WebServer("127.0.0.1", first.port).start()
    finally:
        await first.stop()


def test_http_settings_default_off_and_validate() -> None:
    assert load_settings({}).http_port is None and load_settings({}).http_host == "127.0.0.1"
    assert load_settings({"NEWSBOT_HTTP_PORT": "8080"}).http_port == 8080
    with pytest.raises(ConfigError, match="NEWSBOT_HTTP_PORT"):
        load_settings({"NEWSBOT_HTTP_PORT": "eighty"})
