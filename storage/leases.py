"""WebSub leases (topic, hub, callback, secret, status, lease end) by source URL, in the main file.

A restart reads them back, so the bot answers hubs for its subscriptions and renews them before
they end, instead of asking every hub again or forgetting what it asked. A store written before
leases were kept has no such table and loads with none.
"""

from __future__ import annotations

import logging
from typing import Any

from tinydb import TinyDB

from bot.models import Lease, LeaseStatus
from storage.codec import dt_in, dt_out

log = logging.getLogger(__name__)


def lease_doc(url: str, lease: Lease) -> dict[str, Any]:
    return {
        "url": url,
        "topic": lease.topic,
        "hub": lease.hub,
        "callback_id": lease.callback_id,
        "secret": lease.secret,
        "status": lease.status.value,
        "requested_at": dt_out(lease.requested_at),
        "verified_at": dt_out(lease.verified_at),
        "expires": dt_out(lease.expires),
        "reason": lease.reason,
    }


def lease_from(doc: dict[str, Any]) -> tuple[str, Lease]:
    return str(doc["url"]), Lease(
        topic=str(doc["topic"]),
        hub=str(doc["hub"]),
        callback_id=str(doc["callback_id"]),
        secret=str(doc["secret"]),
        status=LeaseStatus(doc.get("status") or "requested"),
        requested_at=dt_in(doc.get("requested_at")),
        verified_at=dt_in(doc.get("verified_at")),
        expires=dt_in(doc.get("expires")),
        reason=str(doc.get("reason") or ""),
    )


class TinyDBLeaseRepo:
    def __init__(self, db: TinyDB) -> None:
        self._table = db.table("websub_leases")
        self._leases: dict[str, tuple[int, Lease]] = {}
        for doc in sorted(self._table.all(), key=lambda d: d.doc_id):
            try:
                url, lease = lease_from(doc)
            except (KeyError, ValueError, TypeError):  # unreadable: the source is simply polled
                log.warning("ignoring an unreadable WebSub lease record %s", doc.doc_id)
                continue
            self._leases[url] = (doc.doc_id, lease)

    def all(self) -> dict[str, Lease]:
        return {url: lease for url, (_, lease) in self._leases.items()}

    def save(self, url: str, lease: Lease) -> None:
        entry = self._leases.get(url)
        if entry is not None:
            if entry[1] == lease:
                return  # already durable
            self._table.update(lease_doc(url, lease), doc_ids=[entry[0]])
            self._leases[url] = (entry[0], lease)
        else:
            self._leases[url] = (self._table.insert(lease_doc(url, lease)), lease)

    def remove(self, url: str) -> None:
        entry = self._leases.pop(url, None)
        if entry is not None:
            self._table.remove(doc_ids=[entry[0]])
