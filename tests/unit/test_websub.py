"""WebSub subscriber parts: discovery, request forms, verification of intent, signatures, leases."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest.websub import (
    Lease,
    Status,
    answer_verification,
    callback_url,
    discover,
    new_callback_id,
    new_secret,
    renew_at,
    request_form,
    sign,
    signature_valid,
    verification_overdue,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TOPIC = "https://example.org/feed.xml"
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<link rel="hub" href="https://hub.example.net/"/>
<link href='/feed.xml' rel='self'/>
<link rel="alternate" href="https://example.org/"/>
<entry><link rel="hub" href="https://evil.example/"/></entry>
</feed>"""
RSS = b"""<rss xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
<atom:link rel="self" type="application/rss+xml" href="https://example.org/rss?a=1&amp;b=2"/>
<item><title>x</title></item></channel></rss>"""


def lease(**changes: object) -> Lease:
    base = Lease(
        topic=TOPIC, hub="https://hub.example.net/", callback_id="cb1", secret="s3cret", requested_at=NOW
    )
    return Lease(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})  # type: ignore[arg-type]


def test_discovery_from_an_atom_feed_ignores_entries_and_resolves_relative_links() -> None:
    found = discover(ATOM, {}, "https://example.org/feeds/atom")
    assert found.hubs == ("https://hub.example.net/",)
    assert found.topic == "https://example.org/feed.xml"


def test_discovery_from_rss_with_atom_links() -> None:
    found = discover(RSS, {"content-type": "application/rss+xml"}, "https://example.org/rss")
    assert found.hubs == ("https://pubsubhubbub.appspot.com/",)
    assert found.topic == "https://example.org/rss?a=1&b=2"


def test_the_link_header_comes_first() -> None:
    header = (
        '<https://hub.one/>; rel="hub", <https://hub.two/>; rel=hub, '
        '<https://example.org/t>; rel="self alternate"'
    )
    found = discover(ATOM, {"Link": header}, "https://example.org/feed.xml")
    assert found.hubs == ("https://hub.one/", "https://hub.two/")
    assert found.topic == "https://example.org/t"


def test_no_hub_no_discovery_and_no_odd_schemes() -> None:
    assert discover(b"<rss><channel></channel></rss>", {}, TOPIC).hubs == ()
    sneaky = b'<feed><link rel="hub" href="javascript:alert(1)"/><link rel="hub" href="file:///etc"/></feed>'
    assert discover(sneaky, {"link": "<ftp://x/>; rel=hub"}, TOPIC).hubs == ()


def test_request_forms() -> None:
    form = request_form("subscribe", TOPIC, "https://me/websub/cb1", secret="s", lease_seconds=86400)
    assert form == {
        "hub.mode": "subscribe",
        "hub.topic": TOPIC,
        "hub.callback": "https://me/websub/cb1",
        "hub.secret": "s",
        "hub.lease_seconds": "86400",
    }
    unsubscribe = request_form("unsubscribe", TOPIC, "https://me/websub/cb1", secret="s")
    assert "hub.secret" not in unsubscribe and unsubscribe["hub.mode"] == "unsubscribe"
    with pytest.raises(ValueError):
        request_form("publish", TOPIC, "https://me/")
    with pytest.raises(ValueError):
        request_form("subscribe", TOPIC, "https://me/", secret="x" * 200)


def test_secrets_and_callbacks_are_unguessable_and_distinct() -> None:
    assert len({new_secret() for _ in range(20)}) == 20
    assert len(new_secret().encode()) < 200
    ids = {new_callback_id() for _ in range(20)}
    assert len(ids) == 20
    assert callback_url("https://bot.example/", "abc") == "https://bot.example/websub/abc"


def test_verification_of_a_subscription_we_asked_for_echoes_the_challenge() -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.topic": TOPIC,
        "hub.challenge": "xyz",
        "hub.lease_seconds": "3600",
    }
    answer = answer_verification(params, lease(), NOW)
    assert (answer.status, answer.body) == (200, "xyz")
    assert answer.lease is not None
    assert answer.lease.status is Status.ACTIVE
    assert answer.lease.expires == NOW + timedelta(hours=1)
    assert answer.lease.pushed(NOW) and not answer.lease.pushed(NOW + timedelta(hours=1))


@pytest.mark.parametrize(
    ("params", "current"),
    [
        ({"hub.mode": "subscribe", "hub.topic": "https://other/", "hub.challenge": "x"}, lease()),
        ({"hub.mode": "subscribe", "hub.topic": TOPIC}, lease()),  # no challenge
        ({"hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.challenge": "x"}, lease()),  # we did not ask
        ({"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "x"}, lease(status=Status.ENDED)),
        ({"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "x"}, None),  # unknown callback
        ({"hub.mode": "denied", "hub.topic": "https://other/"}, lease()),
    ],
)
def test_a_verification_we_did_not_ask_for_is_never_confirmed(
    params: dict[str, str], current: Lease | None
) -> None:
    answer = answer_verification(params, current, NOW)
    assert answer.status == 404 and answer.body == "" and answer.lease is None


def test_unsubscribe_we_asked_for_ends_the_lease_and_denial_is_recorded() -> None:
    params = {"hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.challenge": "c"}
    answer = answer_verification(params, lease(status=Status.UNSUBSCRIBING), NOW)
    assert (answer.status, answer.body) == (200, "c")
    assert answer.lease is not None and answer.lease.status is Status.ENDED
    denied = answer_verification({"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "no"}, lease(), NOW)
    assert denied.status == 200 and denied.lease is not None
    assert (denied.lease.status, denied.lease.reason) == (Status.DENIED, "no")


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_signatures_of_every_method(method: str) -> None:
    body = b"<feed>news</feed>"
    good = f"{method}=" + hmac.new(b"s3cret", body, getattr(hashlib, method)).hexdigest()
    assert sign(body, "s3cret", method) == good
    assert signature_valid(good, body, "s3cret")
    assert signature_valid(good.upper().replace(method.upper(), method), body, "s3cret")  # hex in any case
    assert not signature_valid(good, body + b" ", "s3cret")
    assert not signature_valid(good, body, "other")


@pytest.mark.parametrize("header", [None, "", "sha256", "md5=abc", "sha256=zz", "sha256=" + "0" * 64, "=abc"])
def test_bad_or_missing_signatures_are_refused(header: str | None) -> None:
    assert not signature_valid(header, b"body", "s3cret")


def test_renewal_comes_before_the_lease_ends() -> None:
    verified = lease(status=Status.ACTIVE, verified_at=NOW)
    ten_days = renew_at(Lease(**{**_fields(verified), "expires": NOW + timedelta(days=10)}))
    assert ten_days == NOW + timedelta(days=9)
    hour = renew_at(Lease(**{**_fields(verified), "expires": NOW + timedelta(hours=1)}))
    assert hour == NOW + timedelta(minutes=54)  # a tenth left
    short = renew_at(Lease(**{**_fields(verified), "expires": NOW + timedelta(minutes=4)}))
    assert short == NOW + timedelta(minutes=2)
    assert renew_at(verified) is None  # no end, nothing to renew
    assert renew_at(lease()) is None  # not verified yet


def test_a_hub_that_never_verifies_is_given_up_on() -> None:
    assert not verification_overdue(lease(), NOW + timedelta(minutes=4))
    assert verification_overdue(lease(), NOW + timedelta(minutes=6))
    assert not verification_overdue(lease(status=Status.ACTIVE), NOW + timedelta(days=1))


def _fields(value: Lease) -> dict[str, object]:
    return {f: getattr(value, f) for f in value.__slots__}
