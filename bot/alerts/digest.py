"""Held stories -> one digest per chat per due time: each story once, newest first, headed with the
period and the count in the chat's own clock ("Daily digest · 5 stories since 08:00 yesterday")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.zones import zone_of
from bot.models import Alert, ChatRef, Digest
from bot.texts import N_, Text, When, plural_text

HIGHLIGHTED = 3  # the first stories of a digest keep their bullet highlights
QUIET = "quiet"  # bucket of instant alerts held through quiet hours
BURST = "burst"  # bucket of matches folded out of a burst window
_TITLES = {"hourly": N_("Hourly digest"), "daily": N_("Daily digest"), "weekly": N_("Weekly digest")}


def _when(alert: Alert) -> datetime:
    moment = alert.published or alert.created
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compose(held: Sequence[Alert], highlighted: int = HIGHLIGHTED) -> tuple[Alert, ...]:
    """Each story once (the subscriptions of every copy merged), newest first; bullets on the first
    `highlighted` only."""
    merged: dict[str, Alert] = {}
    for alert in held:
        first = merged.get(alert.article_key)
        if first is None:
            merged[alert.article_key] = alert
        else:
            matched = tuple(dict.fromkeys((*first.matched, *alert.matched)))
            merged[alert.article_key] = replace(
                first, matched=matched, bullets=first.bullets or alert.bullets
            )
    found = list(merged.values())  # ties (same time): the one held later first
    ordered = [a for _, a in sorted(enumerate(found), key=lambda p: (_when(p[1]), p[0]), reverse=True)]
    return tuple(a if n < highlighted else replace(a, bullets=()) for n, a in enumerate(ordered))


def since_phrase(since: datetime, due: datetime, zone: ZoneInfo) -> Text:
    """How `since` reads from `due`: "08:00", "08:00 yesterday", "Mon 08:00", "24 Nov 08:00"."""
    start, end = since.astimezone(zone), due.astimezone(zone)
    days = (end.date() - start.date()).days
    if days == 0:
        return Text("{time}", time=When(start, "time"))
    if days == 1:
        return Text(N_("{time} yesterday"), time=When(start, "time"))
    if 1 < days < 7:
        return Text("{time}", time=When(start, "weekday_time"))
    return Text("{time}", time=When(start, "day_time" if start.year == end.year else "date_time"))


def stories(count: int) -> Text:
    return plural_text("{n} story", "{n} stories", count)


def heading(digest: Digest, zone: ZoneInfo) -> Text:
    """The digest's first line, in plain text (adapters escape it)."""
    since = since_phrase(digest.since, digest.due, zone)
    count = len(digest.items)
    if digest.bucket == BURST:
        queries = sorted({q for a in digest.items for q in a.matched})
        what = ", ".join(queries[:3]) + (" …" if len(queries) > 3 else "")
        if what:
            return plural_text(
                "{n} more story matching {what} since {since}",
                "{n} more stories matching {what} since {since}",
                count,
                what=what,
                since=since,
            )
        return plural_text(
            "{n} more story since {since}", "{n} more stories since {since}", count, since=since
        )
    if digest.bucket == QUIET:
        title = Text(N_("While you were quiet"))
    else:
        title = Text(_TITLES.get(digest.bucket.split()[0], N_("Digest")))
    if digest.late:
        due = When(digest.due.astimezone(zone), "zoned")
        title = Text(N_("{title} (late: due {time})"), title=title, time=due)
    return Text(N_("{title} · {count} since {since}"), title=title, count=stories(count), since=since)


def is_late(due: datetime, now: datetime, grace: timedelta = timedelta(minutes=5)) -> bool:
    """A digest sent this long after its due time says so (the bot was down)."""
    return now - due > grace


def digest_alert(chat: ChatRef, digest: Digest, queued: datetime | None = None) -> Alert:
    """The outbox entry that sends `digest`: one per chat and due time (a stable id, so making it
    again after a crash adds nothing), aged (NEWSBOT_ALERT_MAX_AGE) from its due time; a late
    digest from when it was `queued` (start-up), so a long downtime sends it late, never drops it."""
    zone = zone_of(digest.zone)
    created = queued if digest.late and queued is not None and queued > digest.due else digest.due
    return Alert(
        chat=chat,
        article_key=f"digest:{digest.bucket}:{digest.due.astimezone(UTC).isoformat()}",
        title=heading(digest, zone),
        url="",
        source="",
        published=digest.due,
        matched=tuple(dict.fromkeys(q for a in digest.items for q in a.matched)),
        bullets=(),
        created=created,
        zone="" if digest.zone == "UTC" else digest.zone,
        digest=digest,
    )


def overdue(alert: Alert, now: datetime) -> Alert | None:
    """A queued digest that outlived NEWSBOT_ALERT_MAX_AGE unsent (the bot was down after making
    it): the same entry marked late and aged from `now`, once; None for anything else (dropped)."""
    if alert.digest is None or alert.digest.late:
        return None
    digest = replace(alert.digest, late=True)
    return replace(alert, digest=digest, title=heading(digest, zone_of(digest.zone)), created=now)
