"""GET /healthz and GET /metrics on the real aiohttp server, over loopback HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.web.health import Health, add_routes, store_writable
from bot.web.metrics import Metrics
from bot.web.server import WebServer


async def serve(health: Health, metrics: Metrics) -> WebServer:
    server = WebServer("127.0.0.1", 0)
    add_routes(server, health, metrics)
    await server.start()
    return server


async def get(server: WebServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(f"http://127.0.0.1:{server.port}{path}")


async def test_healthz_is_200_while_everything_is_alive(tmp_path: Path) -> None:
    server = await serve(Health(lambda: {"poller": True, "delivery": True}, tmp_path), Metrics())
    try:
        response = await get(server, "/healthz")
    finally:
        await server.stop()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"poller": True, "delivery": True, "store": True}}
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing behind


async def test_healthz_is_503_when_a_loop_died_or_the_store_is_unwritable(tmp_path: Path) -> None:
    alive = {"poller": True, "delivery": False}
    server = await serve(Health(lambda: alive, tmp_path), Metrics())
    try:
        dead_loop = await get(server, "/healthz")
        alive["delivery"] = True
        healthy = await get(server, "/healthz")
    finally:
        await server.stop()
    assert dead_loop.status_code == 503 and dead_loop.json()["checks"]["delivery"] is False
    assert healthy.status_code == 200
    gone = tmp_path / "removed"
    server = await serve(Health(lambda: {"poller": True, "delivery": True}, gone), Metrics())
    try:
        unwritable = await get(server, "/healthz")
    finally:
        await server.stop()
    assert unwritable.status_code == 503 and unwritable.json()["checks"]["store"] is False
    assert not store_writable(gone)


async def test_metrics_are_prometheus_text_of_the_bots_own_registry(tmp_path: Path) -> None:
    metrics = Metrics(outbox_depth=lambda: 4)
    metrics.observe_drain(sent=2, retried=1, dropped=0)
    server = await serve(Health(lambda: {}, tmp_path), metrics)
    try:
        response = await get(server, "/metrics")
    finally:
        await server.stop()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    for name in (
        "newsbot_polls", "newsbot_fetch_errors", "newsbot_new_stories", "newsbot_alerts_queued",
        "newsbot_alerts_sent", "newsbot_alerts_retried", "newsbot_alerts_dropped", "newsbot_outbox_depth",
        "newsbot_send_seconds", "newsbot_source_seconds_since_success",
    ):  # fmt: skip
        assert name in families, name
    assert families["newsbot_outbox_depth"].samples[0].value == 4
    assert "python_gc_objects_collected_total" not in response.text  # not the global registry
