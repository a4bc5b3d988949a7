"""What the bot says about a chat's rhythm (/digest, /timezone, /quiet, /snooze and the rhythm part
of /list), in one place for Telegram and Discord: each passes its own `Markup`, so both say the
same (translated) words and only the markup differs (Telegram HTML, Discord markdown). `where`:
the chat's name where one platform says it ("this channel", "your direct messages")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.alerts.preferences import RhythmSet, SnoozeSet, SubscriptionView
from bot.alerts.quiet import QuietHours
from bot.alerts.rhythm import Rhythm
from handlers.i18n import format_moment, t, tr

COMMON_ZONES = (  # offered as buttons (Telegram) and as the first choices (Discord)
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Asia/Baku",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/New_York",
    "America/Los_Angeles",
)


@dataclass(frozen=True, slots=True)
class Markup:
    escape: Callable[[str], str]  # user or feed text made inert
    query: Callable[[str], str]  # a subscription, as the chat typed it
    command: Callable[[str], str]  # a command to send, e.g. "/quiet off"
    strong: Callable[[str], str]


def when(moment: datetime | None, zone: str) -> str:
    return format_moment(moment, zone) or "—"


def examples(text: str, m: Markup) -> str:
    """ "/a · /b" (the core's examples, translated) with each command marked as one."""
    return " · ".join(m.command(e.strip()) for e in tr(text).split(" · "))


def described(rhythm: Rhythm, m: Markup) -> str:
    return m.escape(tr(rhythm.describe()))


def digest_set(done: RhythmSet, m: Markup, where: str = "") -> str:
    what = m.query(done.query) if done.query else t("Subscriptions without a rhythm of their own")
    if done.rhythm.instant:
        if where:
            return t("{what}: alerts as they happen in {where}.", what=what, where=where)
        return t("{what}: alerts as they happen.", what=what)
    zone = m.escape(done.zone)
    line = t("{what}: {rhythm} digest ({zone} time).", what=what, rhythm=described(done.rhythm, m), zone=zone)
    if done.next_due is not None:
        line += " " + t("Next one: {time}.", time=m.escape(when(done.next_due, done.zone)))
    return line


def zone_set(zone: str, now: datetime, m: Markup, where: str = "") -> str:
    shown, time = m.strong(m.escape(zone)), m.escape(when(now, zone))
    if where:
        return t("Time zone of {where}: {zone} (now {time}).", where=where, zone=shown, time=time)
    return t(
        "Time zone: {zone} (now {time}). Digest and quiet-hour times are read in this zone, and alert "
        "times are shown in it.",
        zone=shown,
        time=time,
    )


def quiet_set(quiet: QuietHours | None, zone: str, m: Markup, where: str = "") -> str:
    if quiet is None:
        if where:
            return t("Quiet hours off for {where}: instant alerts come at any time.", where=where)
        return t("Quiet hours off: instant alerts come at any time.")
    hours = {"start": f"{quiet.start:%H:%M}", "end": f"{quiet.end:%H:%M}", "zone": m.escape(zone)}
    off = m.command("/quiet off")
    if where:
        return t(
            "Quiet hours {start}–{end} ({zone} time) for {where}: instant alerts matched then are held "
            "and sent as one digest at {end}. {command} ends them.",
            where=where,
            command=off,
            **hours,
        )
    return t(
        "Quiet hours {start}–{end} ({zone} time): instant alerts matched then are held and sent as one "
        "digest at {end}. {command} ends them.",
        command=off,
        **hours,
    )


def snooze_set(done: SnoozeSet, zone: str, m: Markup) -> str:
    what = m.query(done.query) if done.query else t("All subscriptions")
    if done.until is None:
        return t("{what}: snooze ended, alerts come again.", what=what)
    return t(
        "{what} snoozed until {time}: matches are dropped until then, not saved for later. "
        "{command} ends it sooner.",
        what=what,
        time=m.escape(when(done.until, zone)),
        command=m.command(f"/snooze {done.query or 'all'} off"),
    )


def rhythm_entry(view: SubscriptionView, zone: str, m: Markup) -> str:
    """A /list line's tail: "daily at 08:00 · snoozed until …" ("(default)" when not its own)."""
    rhythm = described(view.rhythm, m)
    line = rhythm if view.own_rhythm else t("{rhythm} (default)", rhythm=rhythm)
    if view.snoozed_until is not None:
        line += " · " + t("snoozed until {time}", time=m.escape(when(view.snoozed_until, zone)))
    return line
