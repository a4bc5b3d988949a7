"""Prometheus metrics for one newsbot process, in a registry of its own (never the global one).

The core reports what happened (a poll report, a drain report, one send's duration); this
module counts it. Outbox depth and each source's age since its last success are read when
Prometheus scrapes, from callables given at construction, so they are never stale.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from bot.models import Alert, PollReport
from bot.ports import DeliveryResult, DeliveryStatus, Notifier, Progress

CONTENT_TYPE = CONTENT_TYPE_LATEST
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
FETCH_ERROR_KINDS = (
    "http_4xx",
    "http_5xx",
    "timeout",
    "connection",
    "tls",
    "too_large",
    "blocked",
    "redirects",
    "not_a_feed",
    "other",
)


def error_kind(error: str) -> str:
    """The category of a fetch error text (bot.fetch's texts are categories, never server words)."""
    text = error.casefold()
    status = re.search(r"\bhttp ([1-5])\d\d\b", text)
    if status:
        return "http_5xx" if status.group(1) == "5" else "http_4xx"
    for needle, kind in (
        ("timed out", "timeout"),
        ("timeout", "timeout"),
        ("tls", "tls"),
        ("certificate", "tls"),
        ("ssl", "tls"),
        ("too large", "too_large"),
        ("refused:", "blocked"),
        ("redirect", "redirects"),
        ("connect", "connection"),
        ("dns", "connection"),
        ("resolve", "connection"),
        ("network", "connection"),
        ("not an rss", "not_a_feed"),
        ("parse", "not_a_feed"),
        ("not a feed", "not_a_feed"),
    ):
        if needle in text:
            return kind
    return "other"


class _SourceAges(Collector):
    def __init__(self, last_success: Callable[[], Mapping[str, datetime | None]], now: Callable[[], float]):
        self._last_success = last_success
        self._now = now

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "newsbot_source_seconds_since_success",
            "Seconds since each source was last polled successfully (absent: never yet)",
            labels=["source"],
        )
        now = self._now()
        for name, when in sorted(self._last_success().items()):
            if when is not None:
                family.add_metric([name], max(0.0, now - when.timestamp()))
        yield family


class Metrics:
    def __init__(
        self,
        outbox_depth: Callable[[], int] = lambda: 0,
        last_success: Callable[[], Mapping[str, datetime | None]] = dict,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.polls = Counter("newsbot_polls", "Poll cycles completed", registry=reg)
        self.sources_polled = Counter("newsbot_sources_polled", "Source fetches attempted", registry=reg)
        self.not_modified = Counter("newsbot_not_modified", "Fetches answered 304 Not Modified", registry=reg)
        self.fetch_errors = Counter(
            "newsbot_fetch_errors", "Failed source polls, by kind of error", ["kind"], registry=reg
        )
        for kind in FETCH_ERROR_KINDS:  # every series exists from the start: rate() needs a zero
            self.fetch_errors.labels(kind)
        self.new_stories = Counter("newsbot_new_stories", "Stories never seen before", registry=reg)
        self.alerts_queued = Counter("newsbot_alerts_queued", "Alerts written to the outbox", registry=reg)
        self.alerts_sent = Counter("newsbot_alerts_sent", "Alerts delivered", registry=reg)
        self.alerts_retried = Counter(
            "newsbot_alerts_retried", "Sends that failed transiently and wait for a retry", registry=reg
        )
        self.alerts_dropped = Counter(
            "newsbot_alerts_dropped", "Alerts given up (expired, blocked chat, rejected)", registry=reg
        )
        self.outbox_depth = Gauge("newsbot_outbox_depth", "Alerts waiting in the outbox", registry=reg)
        self.outbox_depth.set_function(lambda: float(outbox_depth()))
        self.send_seconds = Histogram(
            "newsbot_send_seconds", "Time one alert send took, by outcome", ["status"],
            buckets=SEND_BUCKETS, registry=reg,
        )  # fmt: skip
        reg.register(_SourceAges(last_success, now))

    # what the core reports ---------------------------------------------------------------

    def observe_poll(self, report: PollReport, error_texts: Iterable[str] | None = None) -> None:
        """One poll cycle. `error_texts` are the bare fetch errors (default: parsed from the report)."""
        self.polls.inc()
        self.sources_polled.inc(report.polled)
        self.not_modified.inc(report.not_modified)
        self.new_stories.inc(report.new_stories)
        self.alerts_queued.inc(report.alerts_queued)
        if error_texts is None:
            error_texts = report.fetch_errors or report.errors
        for text in error_texts:
            self.fetch_errors.labels(error_kind(text)).inc()

    def observe_drain(self, sent: int, retried: int, dropped: int) -> None:
        self.alerts_sent.inc(sent)
        self.alerts_retried.inc(retried)
        self.alerts_dropped.inc(dropped)

    def observe_send(self, seconds: float, status: DeliveryStatus) -> None:
        self.send_seconds.labels(status.value).observe(seconds)

    def timed(self, notifier: Notifier) -> Notifier:
        """`notifier`, with every send's duration recorded."""
        return TimedNotifier(notifier, self)

    # what Prometheus reads ---------------------------------------------------------------

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def value(self, name: str, labels: Mapping[str, str] | None = None) -> float | None:
        """One sample's current value (tests and /stats)."""
        return self.registry.get_sample_value(name, dict(labels or {}))


class TimedNotifier:
    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics
        self.platforms = inner.platforms

    async def send(self, alert: Alert, progress: Progress | None = None) -> DeliveryResult:
        start = time.perf_counter()
        result = await (self.inner.send(alert, progress) if progress else self.inner.send(alert))
        self.metrics.observe_send(time.perf_counter() - start, result.status)
        return result

    def __getattr__(self, name: str) -> object:  # aclose() and the like reach the real notifier
        return getattr(self.inner, name)
