"""The one place that builds the concrete parts: store, service, poller, dispatcher, adapters.

`newsbot run`, `newsbot demo` and the tests' service builder all build through here, so they run the
same wiring. `storage` and `handlers` are imported inside functions only: importing `bot` never
pulls in a chat platform or the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.alerts.factory import AlertFactory
from bot.config import Settings
from bot.delivery.digests import DigestMaker
from bot.delivery.dispatcher import DeliverySettings, Dispatcher
from bot.ingest.fetch import FeedFetcher
from bot.ingest.politeness import HostPoliteness
from bot.ingest.poll import Outcome, SourceOutcome
from bot.ingest.push import PushSettings, PushSubscriber
from bot.matching.audience import SubscriptionBook
from bot.models import Source
from bot.pipeline import Poller, PollSettings
from bot.ports import Clock, Notifier, Repos
from bot.runtime import DigestJob, Observer, Runtime
from bot.scheduler import SourceLoop
from bot.service import NewsService
from bot.web.health import Health, add_routes
from bot.web.metrics import Metrics
from bot.web.server import WebServer

log = logging.getLogger("newsbot")


@dataclass
class Core:
    """The platform-neutral bot over one store."""

    repos: Repos
    book: SubscriptionBook
    clock: Clock
    fetcher: FeedFetcher | None
    service: NewsService
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # set when alerts are queued
    held: asyncio.Event = field(default_factory=asyncio.Event)  # set when stories are held

    def digests(self) -> DigestMaker:
        return DigestMaker(self.repos, self.clock, on_queued=self.wake.set)

    def poller(
        self,
        settings: PollSettings,
        fetcher: FeedFetcher | None = None,
        pushed: Callable[[str], bool] | None = None,
    ) -> Poller:
        fetch = fetcher or self.fetcher
        assert fetch is not None, "polling needs a fetcher"
        return Poller(
            self.repos,
            self.book,
            fetch,
            self.clock,
            self.service.all_sources,
            settings,
            alerts=self.service.alerts,
            on_alerts=self.wake.set,
            housekeeping=[self.service.destinations.forget_departed],
            pushed=pushed,
            on_held=self.held.set,
        )

    def dispatcher(
        self, notifiers: Sequence[Notifier], settings: DeliverySettings | None = None
    ) -> Dispatcher:
        return Dispatcher(
            self.repos.outbox,
            self.repos.chats,
            list(notifiers),
            self.clock,
            settings or DeliverySettings(),
            on_migrate=self.service.migrate_chat,
            sent=self.repos.sent,
        )


def build_core(
    store: Any,
    clock: Clock,
    *,
    fetcher: FeedFetcher | None = None,
    config_sources: Sequence[Source] = (),
    admins: frozenset[str] = frozenset(),
    alerts: AlertFactory | None = None,
    open_groups: bool = False,
    bundled_sources: bool = False,
) -> Core:
    """The core over an opened store (`storage.Store` or anything with its repositories)."""
    repos = Repos.of(store)
    book = SubscriptionBook()
    broken = book.load(repos.subscriptions.all())
    if broken:
        log.warning("%d stored subscriptions no longer parse and are ignored: %s", len(broken), broken[:5])
    service = NewsService(
        repos,
        book,
        clock,
        config_sources=config_sources,
        admins=admins,
        fetcher=fetcher,
        alerts=alerts,
        open_groups=open_groups,
    )
    service.bundled_sources = bundled_sources
    return Core(repos, book, clock, fetcher, service)


def poll_settings(settings: Settings) -> PollSettings:
    polling = settings.polling
    return PollSettings(
        poll_seconds=settings.poll_seconds,
        min_poll_seconds=polling.min_seconds,
        max_poll_seconds=polling.max_seconds,
        requests_per_minute=polling.requests_per_minute,
        parse_workers=settings.parse_workers,
        burst=settings.burst,
        burst_window=timedelta(seconds=settings.burst_window_seconds),
    )


def runtime(
    core: Core, settings: Settings, dispatcher: Dispatcher, observer: Observer | None = None
) -> Runtime:
    """The per-source fetch loop, WebSub push when NEWSBOT_PUBLIC_URL is set, the HTTP server when
    something needs it, and delivery."""
    assert core.fetcher is not None, "running needs a fetcher"
    fetcher = core.fetcher
    polling = settings.polling
    push: PushSubscriber | None = None
    poller = core.poller(poll_settings(settings), pushed=lambda url: push is not None and push.pushed(url))
    jobs: set[asyncio.Task[object]] = set()

    def after_settle(batch: Sequence[SourceOutcome]) -> None:
        for outcome in batch:
            if push is not None and outcome.discovery is not None and not outcome.pushed:
                job = asyncio.create_task(push.consider(outcome.source, outcome.discovery))
                jobs.add(job)
                job.add_done_callback(jobs.discard)

    async def removed(source: Source) -> None:
        if push is not None:
            await push.unsubscribe(source)

    loop = SourceLoop(
        poller,
        politeness=HostPoliteness(polling.host_concurrency, polling.host_interval_seconds),
        on_removed=removed,
        on_settled=after_settle,
    )
    services: list[Any] = [DigestJob(core.digests(), core.held)]  # missed digests go out first
    if polling.public_url:

        async def deliver(source: Source, body: bytes, headers: Mapping[str, str]) -> None:
            state = core.repos.sources.state(source.url)
            outcome = await poller.ingest.document(source, state, body, source.url, headers, core.clock.now())
            if outcome.status is Outcome.FAILED:  # a bad push is the hub's problem, not the source's
                log.warning(
                    "websub: pushed content for %s unusable: %s", source.name, outcome.state.last_error
                )
                return
            loop.submit(await poller.prepare(outcome))  # its pages fetched in this job, not in settle

        push = PushSubscriber(
            PushSettings(polling.public_url),
            fetcher,
            core.clock,
            deliver,
            loop.fetch_soon,
            repo=core.repos.leases,
            sources=poller.sources,
        )
    if push is not None:
        services.append(push)
    return Runtime(loop, dispatcher, wake=core.wake, observer=observer, services=services, push=push)


PAID_CONCURRENCY = 64  # chats served at once with paid broadcasts: 1,000/s needs many sends in flight


def metrics(core: Core) -> Metrics:
    """Prometheus metrics over the core's store: outbox depth and source ages read when scraped."""
    repos, service = core.repos, core.service
    return Metrics(
        outbox_depth=lambda: len(repos.outbox.pending()),
        last_success=lambda: {s.name: repos.sources.state(s.url).last_success for s in service.all_sources()},
    )


def web_server(settings: Settings, runtime: Runtime, metrics: Metrics) -> WebServer | None:
    """The one HTTP server: /healthz and /metrics, and WebSub's callbacks when push is on. None when
    neither NEWSBOT_HTTP_PORT nor NEWSBOT_PUBLIC_URL is set."""
    push: PushSubscriber | None = runtime.push
    if settings.http_port is None and push is None:
        return None
    server = WebServer(settings.http_host, settings.http_port if settings.http_port is not None else 8080)
    add_routes(server, Health(runtime.liveness, settings.db_path.parent), metrics)
    for method, path, handler in push.routes() if push is not None else []:
        server.route(method, path, handler)
    return server


def delivery_settings(settings: Settings) -> DeliverySettings:
    max_age = timedelta(seconds=settings.alert_max_age_seconds)
    if settings.paid_broadcast:
        return DeliverySettings(max_age=max_age, concurrency=PAID_CONCURRENCY)
    return DeliverySettings(max_age=max_age)
