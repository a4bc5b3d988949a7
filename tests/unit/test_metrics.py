"""Metrics: counts from the core's reports, depth and source ages read at scrape time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.models import Alert, ChatRef, PollReport
from bot.ports import DeliveryResult, DeliveryStatus
from bot.web.metrics import Metrics, error_kind

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def samples(metrics: Metrics) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("HTTP 404", "http_4xx"),
        ("Example: HTTP 503", "http_5xx"),
        ("timed out after 20s", "timeout"),
        ("too large", "too_large"),
        ("refused: private or reserved address", "blocked"),
        ("too many redirects (more than 5)", "redirects"),
        ("connection failed", "connection"),
        ("TLS certificate not valid", "tls"),
        ("not an RSS/Atom feed", "not_a_feed"),
        ("something odd", "other"),
    ],
)
def test_error_kinds(text: str, kind: str) -> None:
    assert error_kind(text) == kind


def test_poll_and_drain_reports_are_counted() -> None:
    metrics = Metrics(outbox_depth=lambda: 7)
    metrics.observe_poll(
        PollReport(polled=5, not_modified=2, failed=2, new_stories=3, alerts_queued=4,
                   errors=("A: HTTP 500", "B: timed out after 20s")),
    )  # fmt: skip
    metrics.observe_drain(sent=3, retried=1, dropped=1)
    got = samples(metrics)
    assert got[("newsbot_polls_total", ())] == 1
    assert got[("newsbot_new_stories_total", ())] == 3
    assert got[("newsbot_alerts_queued_total", ())] == 4
    assert got[("newsbot_alerts_sent_total", ())] == 3
    assert got[("newsbot_alerts_retried_total", ())] == 1
    assert got[("newsbot_alerts_dropped_total", ())] == 1
    assert got[("newsbot_fetch_errors_total", (("kind", "http_5xx"),))] == 1
    assert got[("newsbot_fetch_errors_total", (("kind", "timeout"),))] == 1
    assert got[("newsbot_fetch_errors_total", (("kind", "tls"),))] == 0  # present from the start
    assert got[("newsbot_outbox_depth", ())] == 7


def test_source_ages_are_computed_when_scraped() -> None:
    now = T0.timestamp() + 90
    metrics = Metrics(last_success=lambda: {"A": T0, "B": None}, now=lambda: now)
    got = samples(metrics)
    assert got[("newsbot_source_seconds_since_success", (("source", "A"),))] == 90
    assert not any(k[0] == "newsbot_source_seconds_since_success" and ("source", "B") in k[1] for k in got)


async def test_timed_notifier_records_send_latency_by_status() -> None:
    metrics = Metrics()

    class Recorder:
        platforms = ("telegram",)

        async def send(self, alert: Alert) -> DeliveryResult:
            return DeliveryResult(DeliveryStatus.SENT)

        async def aclose(self) -> str:
            return "closed"

    timed = metrics.timed(Recorder())
    alert = Alert(ChatRef("telegram", "1"), "k", "t", "https://e.org", "S", None, ("q",), (), T0)
    assert (await timed.send(alert)).status is DeliveryStatus.SENT
    assert timed.platforms == ("telegram",)
    assert await timed.aclose() == "closed"
    assert metrics.value("newsbot_send_seconds_count", {"status": "sent"}) == 1


def test_two_bots_in_one_process_do_not_share_a_registry() -> None:
    a, b = Metrics(), Metrics()
    a.observe_drain(sent=2, retried=0, dropped=0)
    assert a.value("newsbot_alerts_sent_total") == 2
    assert b.value("newsbot_alerts_sent_total") == 0
    assert REGISTRY.get_sample_value("newsbot_alerts_sent_total") is None
