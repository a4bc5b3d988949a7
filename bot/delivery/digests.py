"""Digests that are due -> one outbox entry per chat per due time, over the stored schedules.

Called by the runtime's digest job (APScheduler) at the earliest stored due time and at least once
a minute, and once at start-up: a digest whose time passed while the bot was down goes out then,
marked late, and several missed periods make one digest. Enqueueing the digest and releasing its
stories happen with no await between them; a crash between the two makes the same digest again
(same id), which the outbox already holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.alerts.digest import BURST, QUIET, compose, digest_alert
from bot.alerts.plan import rhythm_of
from bot.alerts.rhythm import parse_rhythm
from bot.alerts.zones import zone_of
from bot.models import Digest, DigestSchedule
from bot.ports import Clock, Repos

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(minutes=5)  # a digest sent later than this after its due time says so


class DigestMaker:
    def __init__(
        self,
        repos: Repos,
        clock: Clock,
        on_queued: Callable[[], object] | None = None,  # wakes delivery
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.on_queued = on_queued
        self.late_after = late_after

    def next_due(self) -> datetime | None:
        schedules = self.repos.held.schedules()
        return schedules[0].due if schedules else None

    def run_due(self) -> int:
        """Make every digest that is due; returns how many were queued."""
        now = self.clock.now()
        made = 0
        for schedule in self.repos.held.schedules():
            if schedule.due > now:
                break  # soonest first
            try:
                made += self._make(schedule, now)
            except Exception:  # one chat's odd data must not hold back everyone's digests
                log.exception("making the %s digest of %s failed", schedule.bucket, schedule.chat.key)
        if made:
            log.info("digests: %d queued", made)
            if self.on_queued is not None:
                self.on_queued()
        return made

    def _make(self, schedule: DigestSchedule, now: datetime) -> int:
        chat, bucket = schedule.chat, schedule.bucket
        prefs = self.repos.rhythms.get(chat)
        zone = zone_of(prefs.zone)
        due, following = schedule.due, None
        if bucket not in (QUIET, BURST):
            rhythm = parse_rhythm(bucket)
            upcoming = rhythm.next_due(due, zone)
            while upcoming <= now:  # periods missed while the bot was down merge into this one
                due, upcoming = upcoming, rhythm.next_due(upcoming, zone)
            queries = [s.query for s in self.repos.subscriptions.for_chat(chat)]
            in_use = {rhythm_of(prefs, q).key for q in queries} if queries else {prefs.default}
            if bucket in in_use:
                following = DigestSchedule(chat, bucket, upcoming, due)
        held = self.repos.held.held(chat, bucket)
        state = self.repos.chats.get(chat)
        made = 0
        if held and state.active and not state.paused:
            late = now - due > self.late_after
            digest = Digest(bucket, schedule.since, due, prefs.zone, compose([h.alert for h in held]), late)
            made = self.repos.outbox.enqueue([digest_alert(chat, digest, now)])
        elif held:
            log.info("dropping %d held stories of %s: the chat is paused or gone", len(held), chat.key)
        # no await since the enqueue: the release follows it before anything else runs
        self.repos.held.release(chat, bucket, [h.alert.article_key for h in held], following)
        return made
