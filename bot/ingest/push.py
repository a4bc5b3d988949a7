"""WebSub at run time: subscribe to feeds that advertise a hub, answer the hub, accept its content.

Leases are stored (bot.ports.LeaseRepo) as they change: after a restart the subscriber knows
its subscriptions, answers their hubs with the same secrets and renews each before its lease
ends; a lease that ended meanwhile means polling until the next fetch subscribes again, and one
for a source removed meanwhile is ended at its hub. Content a hub delivers is taken
only on an active lease's callback, with a valid X-Hub-Signature, within the byte cap; it goes
through the same parse and settle as a fetched feed. Polling continues at the maximum interval
while a source is pushed, and at its normal interval again once the lease lapses or the hub fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from aiohttp import web

from bot.ingest import websub
from bot.ingest.fetch import FeedFetcher
from bot.ingest.politeness import host_of
from bot.ingest.websub import Discovery, Lease, Status
from bot.models import Source
from bot.ports import Clock, LeaseRepo

log = logging.getLogger(__name__)
Deliver = Callable[[Source, bytes, Mapping[str, str]], Awaitable[object]]
ROUTE = websub.CALLBACK_PREFIX + "{callback}"


@dataclass(frozen=True, slots=True)
class PushSettings:
    public_url: str
    lease_seconds: int = websub.DEFAULT_LEASE_SECONDS
    max_bytes: int = 5 * 1024 * 1024
    retry_after: timedelta = timedelta(hours=1)  # a hub that refused or failed is asked again after this
    check_seconds: float = 30.0  # how often leases are looked at (renewal, lapse)


class PushSubscriber:
    def __init__(
        self,
        settings: PushSettings,
        fetcher: FeedFetcher,
        clock: Clock,
        deliver: Deliver,
        on_lapse: Callable[[str], object] = lambda url: None,  # poll this source again soon
        *,
        repo: LeaseRepo | None = None,  # None: leases in memory only
        sources: Callable[[], Sequence[Source]] = lambda: (),  # to match stored leases at start
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self._deliver = deliver
        self._on_lapse = on_lapse
        self._repo = repo
        self._all_sources = sources
        self._leases: dict[str, Lease] = {}  # by source URL
        self._sources: dict[str, Source] = {}
        self._by_callback: dict[str, str] = {}  # callback id -> source URL
        self._not_before: dict[str, datetime] = {}  # source URL -> no new request before
        self._task: asyncio.Task[None] | None = None
        self._jobs: set[asyncio.Task[object]] = set()

    def routes(self) -> list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]]:
        return [("GET", ROUTE, self.verify), ("POST", ROUTE, self.receive)]

    def pushed(self, url: str) -> bool:
        lease = self._leases.get(url)
        return lease is not None and lease.pushed(self.clock.now())

    def lease(self, url: str) -> Lease | None:
        return self._leases.get(url)

    async def start(self) -> None:
        await self.restore()
        self._task = asyncio.create_task(self._watch(), name="websub leases")

    async def restore(self) -> None:
        """The stored leases, as they were before a restart."""
        if self._repo is None:
            return
        now = self.clock.now()
        sources = {s.url: s for s in self._all_sources()}
        for url, lease in self._repo.all().items():
            source = sources.get(url)
            if source is None:  # removed while we were down: tell its hub (guarded: origin unknown)
                self._leases[url] = lease
                self._by_callback[lease.callback_id] = url  # to confirm the hub's unsubscribe check
                await self.unsubscribe(Source(url, url, added_by=""))
                self._repo.remove(url)  # asked once; a hub that never checks drops us on its 410
            elif lease.status is Status.ENDED or (lease.expires is not None and now >= lease.expires):
                self._repo.remove(url)  # lapsed meanwhile: polled, subscribed again at the next fetch
            else:
                self._leases[url] = lease
                self._sources[url] = source
                self._by_callback[lease.callback_id] = url
        if self._leases:
            log.info("websub: %d subscriptions kept from before the restart", len(self._leases))

    async def stop(self) -> None:
        for task in [t for t in (self._task, *self._jobs) if t is not None]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 2.0)

    # subscribing -----------------------------------------------------------------------------

    async def consider(self, source: Source, discovery: Discovery) -> None:
        """After a fetch: subscribe when the feed names a hub and we have no lease for it."""
        if not discovery.hubs:
            return
        now = self.clock.now()
        current = self._leases.get(source.url)
        if current is not None and current.status in (Status.REQUESTED, Status.ACTIVE):
            return
        if self._not_before.get(source.url, now) > now:
            return
        await self.subscribe(source, discovery.hubs[0], discovery.topic or source.url)

    async def subscribe(self, source: Source, hub: str, topic: str) -> bool:
        now = self.clock.now()
        old = self._leases.get(source.url)
        callback_id = old.callback_id if old is not None else websub.new_callback_id()
        lease = Lease(topic, hub, callback_id, websub.new_secret(), Status.REQUESTED, requested_at=now)
        if old is not None and old.status is Status.ACTIVE:  # a renewal: content may still come meanwhile
            lease = replace(old, requested_at=now)
        self._set(source.url, lease)
        self._sources[source.url] = source
        self._by_callback[callback_id] = source.url
        form = websub.request_form(
            "subscribe",
            topic,
            websub.callback_url(self.settings.public_url, callback_id),
            secret=lease.secret,
            lease_seconds=self.settings.lease_seconds,
        )
        status = await self.fetcher.post_form(hub, form, guarded=source.added_by is not None)
        if status is None or not 200 <= status < 300:
            self._fail(
                source.url, f"hub refused the subscription (HTTP {status})" if status else "hub unreachable"
            )
            return False
        log.info("websub: asked %s to push %s", _host(hub), source.name)
        return True

    async def unsubscribe(self, source: Source) -> None:
        """The source was removed: tell the hub, forget the lease."""
        lease = self._leases.get(source.url)
        self._not_before.pop(source.url, None)
        if lease is None:
            return
        if lease.status in (Status.ACTIVE, Status.REQUESTED):
            self._set(source.url, replace(lease, status=Status.UNSUBSCRIBING))
            callback = websub.callback_url(self.settings.public_url, lease.callback_id)
            form = websub.request_form("unsubscribe", lease.topic, callback)
            await self.fetcher.post_form(lease.hub, form, guarded=source.added_by is not None)
            log.info("websub: unsubscribed %s", source.name)
        else:
            self._forget(source.url)

    def _fail(self, url: str, reason: str) -> None:
        lease = self._leases.get(url)
        if lease is not None:
            self._set(url, replace(lease, status=Status.ENDED, reason=reason))
        self._not_before[url] = self.clock.now() + self.settings.retry_after
        log.warning("websub: %s: %s; polling it instead", self._name(url), reason)
        self._on_lapse(url)

    def _set(self, url: str, lease: Lease) -> None:
        self._leases[url] = lease
        if self._repo is None:
            return
        if lease.status is Status.ENDED:
            self._repo.remove(url)  # nothing to answer or renew: a restart polls it
        else:
            self._repo.save(url, lease)

    def _forget(self, url: str) -> None:
        lease = self._leases.pop(url, None)
        if lease is not None:
            self._by_callback.pop(lease.callback_id, None)
        self._sources.pop(url, None)
        if self._repo is not None:
            self._repo.remove(url)

    def _name(self, url: str) -> str:
        source = self._sources.get(url)
        return source.name if source is not None else url

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.check_seconds)
            try:
                await self.check(self.clock.now())
            except Exception:
                log.exception("websub lease check failed")

    async def check(self, now: datetime) -> None:
        """Renew leases near their end; give up on lapsed ones and hubs that never verified."""
        for url, lease in list(self._leases.items()):
            source = self._sources.get(url)
            if source is None:
                continue
            if websub.verification_overdue(lease, now):
                self._fail(url, "the hub never verified the subscription")
            elif lease.status is Status.ACTIVE and lease.expires is not None and now >= lease.expires:
                self._fail(url, "the lease lapsed")
            elif (
                lease.status is Status.ACTIVE
                and (renew := websub.renew_at(lease)) is not None
                and now >= renew
                and not _renewing(lease, now)
            ):
                await self.subscribe(source, lease.hub, lease.topic)
            elif lease.status is Status.DENIED:
                self._fail(url, lease.reason or "denied by the hub")

    # the callback ------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        url = self._by_callback.get(request.match_info.get("callback", ""))
        lease = self._leases.get(url) if url is not None else None
        answer = websub.answer_verification(request.query, lease, self.clock.now())
        if answer.lease is not None and url is not None:
            self._set(url, answer.lease)
            if answer.lease.status is Status.ACTIVE:
                log.info("websub: %s is pushed until %s", self._name(url), answer.lease.expires)
            elif answer.lease.status is Status.ENDED:
                self._forget(url)
        return web.Response(status=answer.status, text=answer.body, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        url = self._by_callback.get(request.match_info.get("callback", ""))
        lease = self._leases.get(url) if url is not None else None
        if url is None or lease is None or lease.status not in (Status.ACTIVE, Status.REQUESTED):
            return web.Response(status=410, text="no such subscription")  # 410: the hub may drop it
        cap = self.settings.max_bytes
        if request.content_length is not None and request.content_length > cap:
            log.warning(
                "websub: refused %s bytes for %s (over %d)", request.content_length, self._name(url), cap
            )
            return web.Response(status=413, text="too large")
        parts: list[bytes] = []
        size = 0
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > cap:
                log.warning("websub: refused a push for %s over %d bytes", self._name(url), cap)
                return web.Response(status=413, text="too large")
            parts.append(chunk)
        body = b"".join(parts)
        if not websub.signature_valid(request.headers.get("X-Hub-Signature"), body, lease.secret):
            log.warning("websub: refused a push for %s: bad or missing signature", self._name(url))
            return web.Response(status=403, text="bad signature")
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() in ("content-type", "link")}
        job = asyncio.create_task(self._deliver(self._sources[url], body, headers))
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return web.Response(status=202, text="accepted")


def _host(url: str) -> str:
    return host_of(url) or "the hub"


def _renewing(lease: Lease, now: datetime) -> bool:
    """A renewal was asked for recently and the hub has not verified it yet."""
    asked, verified = lease.requested_at, lease.verified_at
    return (
        asked is not None and verified is not None and asked > verified and now - asked < timedelta(minutes=5)
    )
