"""WebSub (W3C Recommendation, 2018) for subscribers: the pure parts, no I/O.

Discovery of the hub and the topic's canonical URL (`rel="hub"`/`rel="self"`, HTTP Link header
first, then the feed's own links), the subscribe/unsubscribe request form, the answer to a
hub's verification of intent (the challenge is echoed only for a topic and mode we asked
for), the X-Hub-Signature check on content distribution (HMAC of the raw body, constant-time
compare) and when to renew a lease.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urljoin

from bot.models import Lease, LeaseStatus

SIGNATURE_METHODS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384}
SIGNATURE_METHODS["sha512"] = hashlib.sha512
DEFAULT_LEASE_SECONDS = 10 * 86400  # what we ask for; the hub decides
CALLBACK_PREFIX = "/websub/"
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_LINK_PARAM_REL = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)
_ITEMS = re.compile(rb"<(item|entry)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINK_TAG = re.compile(rb"<(?:[\w.-]+:)?link\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HEAD_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Discovery:
    hubs: tuple[str, ...]
    topic: str | None  # rel="self": the URL to subscribe to (None: the URL we fetched)


def discover(body: bytes, headers: Mapping[str, str], url: str) -> Discovery:
    """Hubs and self link: the HTTP Link header's when it names a hub, else the feed's own."""
    link = next((v for k, v in headers.items() if k.lower() == "link"), "")
    hubs, self_url = _from_link_header(link, url)
    if hubs:
        return Discovery(hubs, self_url)
    doc_hubs, doc_self = _from_document(body, url)
    return Discovery(doc_hubs, self_url or doc_self)


def _from_link_header(value: str, base: str) -> tuple[tuple[str, ...], str | None]:
    hubs: list[str] = []
    self_url = None
    for target, params in _LINK_VALUE.findall(value):
        for quoted, bare in _LINK_PARAM_REL.findall(params):
            rels = (quoted or bare).lower().split()
            absolute = urljoin(base, target.strip())
            if "hub" in rels and absolute not in hubs:
                hubs.append(absolute)
            if "self" in rels and self_url is None:
                self_url = absolute
    return tuple(h for h in hubs if _is_http(h)), self_url if self_url and _is_http(self_url) else None


def _from_document(body: bytes, base: str) -> tuple[tuple[str, ...], str | None]:
    channel = _ITEMS.sub(b"", body[:_HEAD_BYTES])
    hubs: list[str] = []
    self_url = None
    for raw in _LINK_TAG.findall(channel):
        attrs = {k.lower(): (a or b) for k, a, b in _ATTR.findall(raw)}
        rels = attrs.get(b"rel", b"").decode("utf-8", "replace").lower().split()
        href = attrs.get(b"href", b"").decode("utf-8", "replace").strip()
        if not href:
            continue
        absolute = urljoin(base, href.replace("&amp;", "&"))
        if "hub" in rels and _is_http(absolute) and absolute not in hubs:
            hubs.append(absolute)
        if "self" in rels and self_url is None and _is_http(absolute):
            self_url = absolute
    return tuple(hubs), self_url


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def new_secret() -> str:
    """A subscription secret (the spec allows up to 200 bytes)."""
    return secrets.token_hex(32)


def new_callback_id() -> str:
    """The unguessable last part of a callback URL: one per subscription."""
    return secrets.token_urlsafe(18)


def callback_url(public_url: str, callback_id: str) -> str:
    return public_url.rstrip("/") + CALLBACK_PREFIX + callback_id


def request_form(
    mode: str, topic: str, callback: str, *, secret: str | None = None, lease_seconds: int | None = None
) -> dict[str, str]:
    """The x-www-form-urlencoded fields of a subscribe or unsubscribe request to the hub."""
    if mode not in ("subscribe", "unsubscribe"):
        raise ValueError(f"hub.mode must be subscribe or unsubscribe, not {mode!r}")
    form = {"hub.mode": mode, "hub.topic": topic, "hub.callback": callback}
    if mode == "subscribe":
        if secret is not None:
            if not 0 < len(secret.encode()) < 200:
                raise ValueError("hub.secret must be 1-199 bytes")
            form["hub.secret"] = secret
        if lease_seconds is not None:
            form["hub.lease_seconds"] = str(int(lease_seconds))
    return form


Status = LeaseStatus  # the name this module and its callers have always used


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: str = ""
    lease: Lease | None = None  # the lease after this request (None: not one of ours)


def answer_verification(params: Mapping[str, str], lease: Lease | None, now: datetime) -> Answer:
    """The reply to the hub's GET on our callback (verification of intent, or a denial)."""
    if lease is None:
        return Answer(404)
    mode = params.get("hub.mode", "")
    topic = params.get("hub.topic", "")
    if mode == "denied":
        if topic != lease.topic:
            return Answer(404)
        reason = params.get("hub.reason", "")[:200]
        return Answer(200, "", replace(lease, status=Status.DENIED, reason=reason or "denied by the hub"))
    challenge = params.get("hub.challenge", "")
    if not challenge or topic != lease.topic:
        return Answer(404)
    if mode == "subscribe" and lease.status in (Status.REQUESTED, Status.ACTIVE):
        lease_seconds = _int(params.get("hub.lease_seconds"))
        expires = now + timedelta(seconds=lease_seconds) if lease_seconds else None
        verified = replace(lease, status=Status.ACTIVE, verified_at=now, expires=expires, reason="")
        return Answer(200, challenge, verified)
    if mode == "unsubscribe" and lease.status is Status.UNSUBSCRIBING:
        return Answer(200, challenge, replace(lease, status=Status.ENDED, reason="unsubscribed"))
    return Answer(404)  # a mode we did not ask for: never confirm it


def _int(raw: str | None) -> int | None:
    if raw is None or not (raw.strip().isascii() and raw.strip().isdigit()):
        return None
    value = int(raw.strip())
    return value if value > 0 else None


def signature_valid(header: str | None, body: bytes, secret: str) -> bool:
    """X-Hub-Signature `method=hex` over the raw body with our secret, compared in constant time."""
    if not header or "=" not in header:
        return False
    method, _, given = header.strip().partition("=")
    digest = SIGNATURE_METHODS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode("ascii", "replace"))


def sign(body: bytes, secret: str, method: str = "sha256") -> str:
    """The X-Hub-Signature value a hub sends (for hubs in tests and the simulation)."""
    return f"{method}={hmac.new(secret.encode(), body, SIGNATURE_METHODS[method]).hexdigest()}"


def renew_at(lease: Lease) -> datetime | None:
    """When to renew: with a tenth of the lease left (at least 5 minutes, at most a day), or
    half-way through a short lease. None for a lease without an end."""
    if lease.verified_at is None or lease.expires is None:
        return None
    total = (lease.expires - lease.verified_at).total_seconds()
    margin = min(max(total * 0.1, 300.0), 86400.0)
    return lease.verified_at + timedelta(seconds=max(total / 2, total - margin))


def verification_overdue(lease: Lease, now: datetime, patience: timedelta = timedelta(minutes=5)) -> bool:
    """The hub accepted our request but never came to verify it: give up and poll."""
    if lease.status is not Status.REQUESTED or lease.requested_at is None:
        return False
    return now - lease.requested_at > patience
