"""Drains the outbox through the notifiers: at-least-once, per-chat order, no chat blocks another."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.alerts.digest import overdue
from bot.delivery.threads import Threads
from bot.models import Alert, ChatRef
from bot.ports import ChatRepo, Clock, DeliveryResult, DeliveryStatus, Notifier, OutboxRepo, SentRepo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    max_age: timedelta = timedelta(hours=24)  # an alert this old is dropped, not sent late
    base_backoff: float = 2.0
    max_backoff: float = 600.0
    concurrency: int = 16  # chats served at once; the platform rate limiter paces the sends


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    blocked_chats: int = 0
    waiting: int = 0  # pending alerts not yet due


class Dispatcher:
    def __init__(
        self,
        outbox: OutboxRepo,
        chats: ChatRepo,
        notifiers: Sequence[Notifier],
        clock: Clock,
        settings: DeliverySettings | None = None,
        on_migrate: Callable[[ChatRef, ChatRef], object] | None = None,
        sent: SentRepo | None = None,
    ) -> None:
        self.outbox = outbox
        self.chats = chats
        self.notifiers: Mapping[str, Notifier] = {p: n for n in notifiers for p in n.platforms}
        self.clock = clock
        self.settings = settings or DeliverySettings()
        self.on_migrate = on_migrate
        self.threads = Threads(sent, clock)
        self._stopping = False
        self._unroutable_logged: set[str] = set()

    def stop(self) -> None:
        """Finish the send in flight, start no new one."""
        self._stopping = True

    def next_due_in(self) -> float | None:
        """Seconds until some chat's next alert is due (0 = now), None when nothing is pending.

        Only the head of each chat's queue counts: the alerts behind it wait for it.
        """
        now = self.clock.now()
        heads: dict[ChatRef, Alert] = {}
        for alert in self.outbox.pending():
            if alert.chat.platform in self.notifiers:
                heads.setdefault(alert.chat, alert)
        waits = [
            max(0.0, (a.next_attempt - now).total_seconds()) if a.next_attempt else 0.0
            for a in heads.values()
        ]
        return min(waits) if waits else None

    async def drain(self) -> DrainReport:
        report = DrainReport()
        by_chat: dict[ChatRef, list[Alert]] = {}
        for alert in self.outbox.pending():
            by_chat.setdefault(alert.chat, []).append(alert)
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def serve(chat: ChatRef, alerts: list[Alert]) -> None:
            async with gate:
                await self._serve_chat(chat, alerts, report)

        await asyncio.gather(*(serve(c, a) for c, a in by_chat.items()))
        if report.sent or report.dropped or report.retried:
            log.info(
                "delivery: %d sent, %d retrying, %d dropped, %d chats blocked",
                report.sent,
                report.retried,
                report.dropped,
                report.blocked_chats,
            )
        return report

    async def _serve_chat(self, chat: ChatRef, alerts: list[Alert], report: DrainReport) -> None:
        alerts = self._drop_expired(alerts, report)
        if not alerts:
            return
        notifier = self.notifiers.get(chat.platform)
        if notifier is None:
            if chat.platform not in self._unroutable_logged:
                self._unroutable_logged.add(chat.platform)
                log.warning("alerts for %s chats are waiting: that platform is not running", chat.platform)
            return
        state = self.chats.get(chat)
        if not state.active or state.paused:  # a paused chat asked for no alerts, queued ones included
            report.dropped += self.outbox.discard_chat(chat)
            return
        whole = self.chats.get(chat.whole) if chat.thread else state
        lang = whole.language or whole.platform_language  # read now: a /language change applies at once
        for alert in alerts:  # in order: a chat's second alert never overtakes its first
            if self._stopping:
                return
            if alert.next_attempt is not None and alert.next_attempt > self.clock.now():
                report.waiting += 1
                return
            if not await self._send_one(notifier, replace(alert, lang=lang) if lang else alert, report):
                return

    def _drop_expired(self, alerts: list[Alert], report: DrainReport) -> list[Alert]:
        now, keep = self.clock.now(), []
        for alert in alerts:
            if now - alert.created > self.settings.max_age and (late := overdue(alert, now)):
                log.info("digest %s is overdue: sending it late", alert.id)
                self.outbox.update(late)
                keep.append(late)
            elif now - alert.created > self.settings.max_age:
                log.warning("dropping alert %s: undelivered for over %s", alert.id, self.settings.max_age)
                self.outbox.complete(alert.id)
                report.dropped += 1
            else:
                keep.append(alert)
        return keep

    async def _send_one(self, notifier: Notifier, alert: Alert, report: DrainReport) -> bool:
        """Send; True when the chat's next alert may follow right away."""
        try:
            if alert.edit_of:
                result = await self.threads.edit(notifier, alert)
            elif alert.digest is not None:
                parts = _Parts(self.outbox, alert)
                try:
                    result = await notifier.send(alert, progress=parts)
                finally:
                    alert = parts.alert  # the parts already out are never sent again
            else:
                result = await notifier.send(alert)
        except Exception as exc:  # a notifier must classify; if it raised, treat it as transient
            log.exception("notifier raised for %s", alert.id)
            result = DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)
        status = result.status
        if status is DeliveryStatus.SENT:
            self.outbox.complete(alert.id)
            self.threads.delivered(alert, result)
            report.sent += 1
            if result.new_chat is not None and self.on_migrate is not None:
                # sent elsewhere (a deleted forum topic's alert went to General): the chat moves there
                log.info("chat %s moved to %s (%s)", alert.chat.key, result.new_chat.key, result.detail)
                try:
                    self.on_migrate(alert.chat, result.new_chat)
                except Exception:  # the alert is delivered; its chat's later alerts retry the topic
                    log.exception("moving chat %s failed", alert.chat.key)
                return False  # the chat's remaining alerts moved: they are served from the new chat
            return True
        if status is DeliveryStatus.RETRY:
            self._reschedule(alert, result)
            report.retried += 1
            return False
        if status is DeliveryStatus.BLOCKED:
            log.info("chat %s cannot receive (%s): marking it inactive", alert.chat.key, result.detail)
            state = self.chats.get(alert.chat)
            self.chats.save(replace(state, active=False))
            report.dropped += self.outbox.discard_chat(alert.chat)
            report.blocked_chats += 1
            return False
        if status is DeliveryStatus.MARKUP_REJECTED and not alert.plain:
            log.error(
                "BUG: the platform rejected our markup for %s (%s); resending as plain text",
                alert.id,
                result.detail,
            )
            plain = replace(alert, plain=True)
            self.outbox.update(plain)
            return await self._send_one(notifier, plain, report)
        if status is DeliveryStatus.MIGRATED and result.new_chat is not None and self.on_migrate is not None:
            log.info("chat %s moved to %s", alert.chat.key, result.new_chat.key)
            try:
                self.on_migrate(alert.chat, result.new_chat)
            except Exception:  # e.g. the store is unwritable: retry later, do not spin
                log.exception("moving chat %s failed", alert.chat.key)
                self._reschedule(alert, DeliveryResult(DeliveryStatus.RETRY, detail="migration failed"))
            return False
        log.error("dropping alert %s: %s (%s)", alert.id, status.value, result.detail)
        self.outbox.complete(alert.id)
        report.dropped += 1
        return True

    def _reschedule(self, alert: Alert, result: DeliveryResult) -> None:
        attempts = alert.attempts + 1
        if result.retry_after is not None:
            delay = max(result.retry_after, 0.0) + 0.1  # never sooner than asked
        else:
            cap = min(self.settings.max_backoff, self.settings.base_backoff * 2 ** min(attempts - 1, 16))
            delay = random.uniform(cap / 2, cap)  # jitter: chats failing together retry apart
        log.info("alert %s: retry %d in %.1fs (%s)", alert.id, attempts, delay, result.detail or "transient")
        parts = alert.parts_sent if result.parts_sent is None else result.parts_sent  # a digest resumes
        self.outbox.update(
            replace(
                alert,
                attempts=attempts,
                next_attempt=self.clock.now() + timedelta(seconds=delay),
                parts_sent=parts,
            )
        )


class _Parts:
    """A digest's progress (`Progress`): each part sent is recorded durably before the next one
    goes, so a restart after kill -9 resends only the part in flight, never the parts before it."""

    def __init__(self, outbox: OutboxRepo, alert: Alert) -> None:
        self.outbox = outbox
        self.alert = alert

    def __call__(self, parts: int) -> None:
        self.alert = replace(self.alert, parts_sent=parts)
        self.outbox.update(self.alert)
