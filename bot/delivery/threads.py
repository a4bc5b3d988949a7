"""Threads: a delivered alert's message id is kept; a later report of its event edits that message
("Also reported by: ..."), which does not notify. Edits are never retried once the platform
refuses them ("message is not modified", "message to edit not found"), and an alert older than
EDIT_WINDOW, or on a platform that cannot edit, is left alone."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from bot.models import Alert, SentAlert
from bot.ports import Clock, DeliveryResult, DeliveryStatus, Notifier, SentRepo

log = logging.getLogger(__name__)
EDIT_WINDOW = timedelta(hours=48)
_DONE = DeliveryStatus.SENT


class Threads:
    def __init__(self, sent: SentRepo | None, clock: Clock) -> None:
        self.sent = sent
        self.clock = clock

    def delivered(self, alert: Alert, result: DeliveryResult) -> None:
        """Remember the message a new alert became (edits need it, after a restart too)."""
        if self.sent is not None and result.message_id and not alert.edit_of:
            try:
                self.sent.record(SentAlert(alert, result.message_id, self.clock.now()))
            except Exception:  # the alert is delivered; only its later edits are lost
                log.exception("could not record the message of alert %s", alert.id)

    async def edit(self, notifier: Notifier, alert: Alert) -> DeliveryResult:
        """Add `alert`'s source to the chat's alert for its event; SENT when done or left alone."""
        sent = self.sent.get(alert.chat, alert.edit_of) if self.sent is not None else None
        editor = getattr(notifier, "edit", None)
        if sent is None or editor is None or self.clock.now() - sent.sent_at > EDIT_WINDOW:
            return DeliveryResult(_DONE, detail="not editable: left alone")
        known = {sent.alert.source} | {source for source, _ in sent.alert.also}
        fresh = tuple(pair for pair in alert.also if pair[0] not in known)
        if not fresh:
            return DeliveryResult(_DONE, detail="source already listed")
        updated = replace(sent.alert, also=sent.alert.also + fresh)
        result: DeliveryResult = await editor(updated, sent.message_id)
        if result.status is DeliveryStatus.SENT:
            self.sent.record(replace(sent, alert=updated))  # type: ignore[union-attr]
            return result
        if result.status in (DeliveryStatus.FAILED, DeliveryStatus.MARKUP_REJECTED):
            log.info("edit of %s refused (%s): not retried", sent.alert.id, result.detail)
            return DeliveryResult(_DONE, detail=f"edit refused: {result.detail}")
        return result  # transient (retried) or blocked (handled as for any alert)
