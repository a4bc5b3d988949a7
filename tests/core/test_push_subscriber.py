"""PushSubscriber (bot.ingest.push) against a fake hub: the hub is the only fake (an httpx
transport answering its requests), the subscriber's callbacks are served by aiohttp on loopback,
the leases go to the real store, the clock is moved by hand."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.ingest import websub
from bot.ingest.fetch import FeedFetcher
from bot.ingest.push import PushSettings, PushSubscriber
from bot.ingest.websub import Discovery, Status
from bot.models import Source
from storage import Store, open_store
from tests.support.clock import FakeClock

PUBLIC = "https://bot.example.org"
HUB = "https://hub.example.net/"
TOPIC = "https://example.org/feed.xml"
SOURCE = Source("Example", TOPIC)
FOUND = Discovery((HUB,), TOPIC)


@dataclass
class Hub:
    """What a remote hub sees of us, and how it answers (202 by default, or a status, or down)."""

    forms: list[dict[str, str]] = field(default_factory=list)
    status: int | None = 202  # None: unreachable

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.status is None:
            raise httpx.ConnectError("hub down", request=request)
        self.forms.append(dict(urllib.parse.parse_qsl(request.content.decode())))
        return httpx.Response(self.status)


@dataclass
class Rig:
    push: PushSubscriber
    client: TestClient
    hub: Hub
    lapsed: list[str]
    delivered: list[bytes]

    def callback_path(self) -> str:
        return urllib.parse.urlsplit(self.hub.forms[-1]["hub.callback"]).path

    async def verify(
        self, mode: str = "subscribe", topic: str = TOPIC, path: str | None = None
    ) -> tuple[int, str]:
        query = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": "c-42", "hub.lease_seconds": "3600"}
        response = await self.client.get(path or self.callback_path(), params=query)
        return response.status, await response.text()


async def rig(store: Store, clock: FakeClock, sources: tuple[Source, ...] = (SOURCE,)) -> Rig:
    hub, lapsed, delivered = Hub(), [], []

    async def deliver(source: Source, body: bytes, headers: Mapping[str, str]) -> None:
        delivered.append(body)

    fetcher = FeedFetcher(transport=httpx.MockTransport(hub.handle))
    push = PushSubscriber(
        PushSettings(PUBLIC, lease_seconds=3600, max_bytes=1000),
        fetcher,
        clock,
        deliver,
        lapsed.append,
        repo=store.leases,
        sources=lambda: sources,
    )
    app = web.Application()
    for method, path, handler in push.routes():
        app.router.add_route(method, path, handler)
    client = TestClient(TestServer(app))
    await client.start_server()
    await push.restore()
    return Rig(push, client, hub, lapsed, delivered)


@pytest.fixture
async def subscriber(store: Store, clock: FakeClock) -> AsyncIterator[Rig]:
    r = await rig(store, clock)
    yield r
    await r.client.close()
    await r.push.fetcher.aclose()


async def test_subscribe_asks_the_hub_with_a_secret_and_keeps_the_lease(
    subscriber: Rig, store: Store
) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    form = subscriber.hub.forms[-1]
    assert form["hub.mode"] == "subscribe" and form["hub.topic"] == TOPIC
    assert form["hub.callback"].startswith(PUBLIC + websub.CALLBACK_PREFIX)
    assert len(form["hub.secret"]) >= 32 and form["hub.lease_seconds"] == "3600"
    assert store.leases is not None and store.leases.all()[TOPIC].status is Status.REQUESTED
    await subscriber.push.consider(SOURCE, FOUND)  # asked already: not again
    assert len(subscriber.hub.forms) == 1
    assert not subscriber.push.pushed(TOPIC)


async def test_verification_of_intent_is_answered_for_our_subscription_only(subscriber: Rig) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    assert await subscriber.verify(path=websub.CALLBACK_PREFIX + "not-ours") == (404, "")
    assert (await subscriber.verify(topic="https://evil.example/feed"))[0] == 404
    assert (await subscriber.verify(mode="unsubscribe"))[0] == 404  # a mode we did not ask for
    assert not subscriber.push.pushed(TOPIC)
    assert await subscriber.verify() == (200, "c-42")
    assert subscriber.push.pushed(TOPIC)
    assert (await subscriber.verify(mode="unsubscribe"))[0] == 404  # still not asked for
    assert subscriber.push.pushed(TOPIC)


async def test_pushed_content_is_taken_only_signed_with_our_secret(subscriber: Rig) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    secret = subscriber.hub.forms[-1]["hub.secret"]
    await subscriber.verify()
    body = b"<rss><channel><item><title>x</title></item></channel></rss>"
    path = subscriber.callback_path()
    signed = {"X-Hub-Signature": websub.sign(body, secret)}
    assert (await subscriber.client.post(path, data=body, headers=signed)).status == 202
    forged = {"X-Hub-Signature": websub.sign(body, "wrong")}
    assert (await subscriber.client.post(path, data=body, headers=forged)).status == 403
    big = b"x" * 1001
    assert (
        await subscriber.client.post(path, data=big, headers={"X-Hub-Signature": websub.sign(big, secret)})
    ).status == 413
    assert (
        await subscriber.client.post(websub.CALLBACK_PREFIX + "nope", data=body, headers=signed)
    ).status == 410
    await subscriber.push.stop()  # lets the delivery job finish
    assert subscriber.delivered == [body]


async def test_a_lease_is_renewed_before_it_ends(subscriber: Rig, clock: FakeClock) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    secret = subscriber.hub.forms[-1]["hub.secret"]
    await subscriber.verify()
    lease = subscriber.push.lease(TOPIC)
    assert lease is not None and lease.expires is not None
    renew = websub.renew_at(lease)
    assert renew is not None and renew < lease.expires
    await subscriber.push.check(renew - (renew - lease.verified_at) / 2)  # not yet
    assert len(subscriber.hub.forms) == 1
    clock.advance((renew - clock.now()).total_seconds())
    await subscriber.push.check(clock.now())
    again = subscriber.hub.forms[-1]
    assert len(subscriber.hub.forms) == 2 and again["hub.mode"] == "subscribe"
    assert again["hub.secret"] == secret and again["hub.callback"] == subscriber.hub.forms[0]["hub.callback"]
    assert subscriber.push.pushed(TOPIC)  # pushed meanwhile
    assert subscriber.lapsed == []


async def test_removing_the_source_unsubscribes_at_the_hub(subscriber: Rig, store: Store) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    await subscriber.verify()
    await subscriber.push.unsubscribe(SOURCE)
    form = subscriber.hub.forms[-1]
    assert form["hub.mode"] == "unsubscribe" and form["hub.topic"] == TOPIC and "hub.secret" not in form
    assert await subscriber.verify(mode="unsubscribe") == (200, "c-42")
    assert subscriber.push.lease(TOPIC) is None
    assert store.leases is not None and store.leases.all() == {}


@pytest.mark.parametrize("status", [500, None])
async def test_a_failing_hub_means_polling_and_a_later_retry(
    subscriber: Rig, clock: FakeClock, store: Store, status: int | None
) -> None:
    subscriber.hub.status = status
    await subscriber.push.consider(SOURCE, FOUND)
    assert subscriber.lapsed == [TOPIC] and not subscriber.push.pushed(TOPIC)
    assert store.leases is not None and store.leases.all() == {}
    subscriber.hub.status = 202
    await subscriber.push.consider(SOURCE, FOUND)  # not hammered
    assert len(subscriber.hub.forms) == (1 if status else 0)
    clock.advance(subscriber.push.settings.retry_after.total_seconds() + 1)
    await subscriber.push.consider(SOURCE, FOUND)
    assert subscriber.hub.forms[-1]["hub.mode"] == "subscribe"


async def test_a_lapsed_lease_or_a_hub_that_never_verifies_falls_back_to_polling(
    subscriber: Rig, clock: FakeClock
) -> None:
    await subscriber.push.consider(SOURCE, FOUND)
    clock.advance(6 * 60)  # the hub accepted but never came back
    await subscriber.push.check(clock.now())
    assert subscriber.lapsed == [TOPIC]
    clock.advance(subscriber.push.settings.retry_after.total_seconds())
    await subscriber.push.consider(SOURCE, FOUND)
    await subscriber.verify()
    assert subscriber.push.pushed(TOPIC)
    clock.advance(3600 + 1)  # the renewal was never verified and the lease ran out
    assert not subscriber.push.pushed(TOPIC)
    await subscriber.push.check(clock.now())
    assert subscriber.lapsed == [TOPIC, TOPIC]


async def test_after_a_restart_the_subscriptions_are_known_and_kept(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    first = await rig(store, clock)
    await first.push.consider(SOURCE, FOUND)
    secret = first.hub.forms[-1]["hub.secret"]
    await first.verify()
    path = first.callback_path()
    await first.client.close()
    store.close()
    reopened = open_store(tmp_path / "newsbot.json")
    second = await rig(reopened, clock)
    try:
        assert second.push.pushed(TOPIC)
        await second.push.consider(SOURCE, FOUND)  # known: the hub is not asked again
        assert second.hub.forms == []
        body = b"<rss><channel></channel></rss>"
        response = await second.client.post(
            path, data=body, headers={"X-Hub-Signature": websub.sign(body, secret)}
        )
        assert response.status == 202
        lease = second.push.lease(TOPIC)
        assert lease is not None
        renew = websub.renew_at(lease)
        assert renew is not None
        clock.advance((renew - clock.now()).total_seconds())
        await second.push.check(clock.now())
        assert (
            second.hub.forms[-1]["hub.mode"] == "subscribe" and second.hub.forms[-1]["hub.secret"] == secret
        )
    finally:
        await second.client.close()
        await second.push.stop()
        reopened.close()


async def test_a_restart_ends_leases_of_removed_sources_and_forgets_lapsed_ones(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    other = Source("Other", "https://other.example/rss")
    first = await rig(store, clock, (SOURCE, other))
    await first.push.consider(SOURCE, FOUND)
    await first.verify()
    await first.push.consider(other, Discovery((HUB,), other.url))
    await first.verify(topic=other.url)
    await first.client.close()
    store.close()
    clock.advance(600)
    reopened = open_store(tmp_path / "newsbot.json")
    assert reopened.leases is not None
    second = await rig(reopened, clock, (other,))  # Example was removed while the bot was down
    try:
        assert [(f["hub.mode"], f["hub.topic"]) for f in second.hub.forms] == [("unsubscribe", TOPIC)]
        assert set(reopened.leases.all()) == {other.url}
        assert second.push.pushed(other.url) and not second.push.pushed(TOPIC)
        clock.advance(3600)  # Other's lease ran out with the bot down
        third = await rig(reopened, clock, (other,))
        assert not third.push.pushed(other.url) and reopened.leases.all() == {}
        await third.client.close()
    finally:
        await second.client.close()
        reopened.close()
