"""What each outbox journal record does to the pending alerts (replayed at open, applied live)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.models import Alert, ChatRef
from storage.codec import alert_from

Pending = dict[str, Alert]  # id -> alert, in enqueue order


def move_pending(pending: Pending, old: str, new: str) -> tuple[Pending, int]:
    """Re-address `old`'s alerts to `new` in place; one the new chat already has is dropped."""
    moved = 0
    result: Pending = {}
    target = ChatRef.from_key(new)
    for alert_id, alert in pending.items():
        if alert.chat.key == old:
            alert = replace(alert, chat=target)
            if alert.id in pending or alert.id in result:
                continue
            moved += 1
            alert_id = alert.id
        result[alert_id] = alert
    return result, moved


def apply_record(pending: Pending, record: dict[str, Any]) -> Pending:
    op = record["op"]
    if op == "add":
        alert = alert_from(record["alert"])
        pending.setdefault(alert.id, alert)
    elif op == "update":
        alert = alert_from(record["alert"])
        if alert.id in pending:
            pending[alert.id] = alert
    elif op == "done":
        pending.pop(record["id"], None)
    elif op == "move":
        pending, _ = move_pending(pending, record["old"], record["new"])
    else:
        raise ValueError(f"unknown journal operation {op!r}")
    return pending
