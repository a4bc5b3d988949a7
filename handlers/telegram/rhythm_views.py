"""Replies and buttons for /digest, /timezone, /quiet, /snooze and the rhythm part of /list.

Buttons carry a short hash of their subscription (callback_data is at most 64 bytes), resolved
against the chat's subscriptions when tapped, like the /unsubscribe menu."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.alerts.preferences import RhythmOverview, RhythmSet, SnoozeSet, SubscriptionView
from bot.alerts.quiet import QUIET_EXAMPLES, QuietHours
from bot.alerts.rhythm import DIGEST_EXAMPLES
from bot.alerts.snooze import SNOOZE_EXAMPLES
from bot.alerts.zones import ZONE_EXAMPLES
from bot.texts import N_
from handlers.i18n import t
from handlers.rhythm_text import (
    COMMON_ZONES,
    Markup,
    described,
    digest_set,
    quiet_set,
    rhythm_entry,
    snooze_set,
    when,
    zone_set,
)
from handlers.rhythm_text import examples as rhythm_examples
from handlers.telegram.keyboards import query_token
from handlers.telegram.render import MAX_MESSAGE, escape, shorten, utf16_len

RHYTHM_PREFIX = "rh:"
RHYTHM_PATTERN = r"^rh:[0-9a-f]+:[ihd]$"
ZONE_PREFIX = "tz:"
ZONE_PATTERN = r"^tz:[A-Za-z_+\-/0-9]+$"
BUTTON_RHYTHMS = {"i": "instant", "h": "hourly", "d": "daily 08:00"}
BUTTON_LABELS = {"i": N_("Instant"), "h": N_("Hourly"), "d": N_("Daily")}
SUBSCRIPTIONS_PER_KEYBOARD = 30  # three buttons each: within Telegram's ~100 buttons a message
LABEL_CHARS = 40


def code(text: str, limit: int = 400) -> str:
    return f"<code>{escape(shorten(text, limit))}</code>"


MARKUP = Markup(escape=escape, query=code, command=code, strong=lambda text: f"<b>{text}</b>")


def examples(text: str) -> str:
    return rhythm_examples(text, MARKUP)


def digest_reply(done: RhythmSet) -> str:
    return digest_set(done, MARKUP)


def digest_usage(overview: RhythmOverview) -> str:
    return "\n".join(
        [
            t(
                "Choose how often alerts come, per subscription or for all: {examples}",
                examples=examples(DIGEST_EXAMPLES),
            ),
            t(
                "Default now: {rhythm}; times are in {zone}. /list shows each "
                "subscription's rhythm, with buttons.",
                rhythm=described(overview.default, MARKUP),
                zone=escape(overview.zone),
            ),
        ]
    )


def zone_reply(zone: str, now: datetime) -> str:
    return zone_set(zone, now, MARKUP)


def zone_usage(zone: str, now: datetime) -> str:
    return (
        zone_reply(zone, now)
        + "\n"
        + t("Change it with {examples}, or tap one:", examples=examples(ZONE_EXAMPLES))
    )


def zone_keyboard(current: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✓ " if z == current else "") + z, callback_data=ZONE_PREFIX + z)
        for z in COMMON_ZONES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def quiet_reply(quiet: QuietHours | None, zone: str) -> str:
    return quiet_set(quiet, zone, MARKUP)


def quiet_usage(overview: RhythmOverview) -> str:
    now = quiet_reply(overview.quiet, overview.zone) if overview.quiet else t("No quiet hours.")
    return now + "\n" + t("Set them with {examples}", examples=examples(QUIET_EXAMPLES))


def snooze_reply(done: SnoozeSet, zone: str) -> str:
    return snooze_set(done, zone, MARKUP)


def snooze_usage() -> str:
    return t(
        "Silence a subscription for a while; it ends by itself. {examples}",
        examples=examples(SNOOZE_EXAMPLES),
    )


def _entry(view: SubscriptionView, zone: str) -> str:
    return f"• {code(view.label)} — {rhythm_entry(view, zone, MARKUP)}"


def list_messages(overview: RhythmOverview, paused: bool) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """/list: every subscription with its rhythm and snooze, then the chat-wide settings; each
    message carries the Instant · Hourly · Daily buttons of the subscriptions it lists."""
    if paused:
        state = t("Alerts are <b>paused</b>: send /resume to get them again.")
    else:
        state = t("Alerts are on: send /pause to stop them for a while.")
    if not overview.subscriptions:
        example = "<code>/subscribe SOCAR</code>"
        return [(t("You have no subscriptions. Try {example}.", example=example) + f"\n{state}", None)]
    footer = [t("Time zone: {zone} (/timezone)", zone=escape(overview.zone))]
    if overview.quiet is not None:
        footer.append(
            t(
                "quiet hours {start}–{end}",
                start=f"{overview.quiet.start:%H:%M}",
                end=f"{overview.quiet.end:%H:%M}",
            )
        )
    if overview.snoozed_until is not None:
        footer.append(t("all snoozed until {time}", time=escape(when(overview.snoozed_until, overview.zone))))
    dues = [s for s in overview.next_due if s.bucket not in ("quiet", "burst")]
    if dues:
        footer.append(t("next digest {time}", time=escape(when(dues[0].due, overview.zone))))
    tail = " · ".join(footer) + "\n" + state
    pages: list[tuple[list[str], list[SubscriptionView]]] = [
        ([t("Your subscriptions ({count}):", count=len(overview.subscriptions))], [])
    ]
    for view in overview.subscriptions:
        line = _entry(view, overview.zone)
        lines, views = pages[-1]
        if len(views) >= SUBSCRIPTIONS_PER_KEYBOARD or utf16_len("\n".join([*lines, line])) > MAX_MESSAGE:
            pages.append(([], []))
            lines, views = pages[-1]
        lines.append(line)
        views.append(view)
    lines, views = pages[-1]
    if utf16_len("\n".join([*lines, tail])) <= MAX_MESSAGE:
        lines.append(tail)
    else:
        pages.append(([tail], []))
    return [("\n".join(lines), rhythm_keyboard(views) if views else None) for lines, views in pages]


def _label(query: str) -> str:
    return query if len(query) <= LABEL_CHARS else query[: LABEL_CHARS - 1] + "…"


def rhythm_callback(query: str, code_letter: str) -> str:
    return f"{RHYTHM_PREFIX}{query_token(query)}:{code_letter}"


def parse_rhythm_callback(data: str) -> tuple[str, str]:
    """(query token, rhythm key) of a tapped rhythm button."""
    token, _, letter = data.removeprefix(RHYTHM_PREFIX).partition(":")
    return token, BUTTON_RHYTHMS[letter]


def _letter(view: SubscriptionView) -> str:
    return {"instant": "i", "hourly": "h", "daily": "d"}.get(view.rhythm.cadence.value, "")


def rhythm_keyboard(views: Sequence[SubscriptionView]) -> InlineKeyboardMarkup:
    """One row per subscription: its name on the first button, then Instant · Hourly · Daily."""
    rows = []
    for view in views:
        current = _letter(view)
        row = []
        for letter in "ihd":
            label = ("✓ " if letter == current else "") + t(BUTTON_LABELS[letter])
            if letter == "i":
                label = f"{_label(view.label)}: {label}"
            row.append(InlineKeyboardButton(label, callback_data=rhythm_callback(view.query, letter)))
        rows.append(row)
    return InlineKeyboardMarkup(rows)
