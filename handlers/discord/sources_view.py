"""/sources as one embed: every polled source with its health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.sources_service import SourceStatus, schedule_text
from handlers.discord.render import COLOR, DESCRIPTION_MAX, escape, utf16_len
from handlers.i18n import t, tn, tr


def ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 120:
        return t("just now")
    if seconds < 7200:
        return t("{count} min ago", count=seconds // 60)
    if seconds < 2 * 86400:
        return t("{count} h ago", count=seconds // 3600)
    return tn("{n} day ago", "{n} days ago", seconds // 86400)


def source_line(status: SourceStatus, now: datetime, detailed: bool = True) -> str:
    """Name and health; the error text (which may name hosts and addresses) for admins only."""
    state = status.state
    name = escape(status.source.name, 80)
    origin = "" if status.from_config else " " + t("(added in chat)")
    if state.failures and state.last_error:
        health = t("failing ×{count}", count=state.failures)
        if detailed:
            health += f": {escape(state.last_error, 120)}"
    elif state.last_success is not None:
        health = t("ok, {ago}", ago=ago(state.last_success, now))
    else:
        health = t("not polled yet")
    if not detailed:
        return f"• **{name}**{origin} — {health}"
    fresh = ", " + t("new story {ago}", ago=ago(state.last_new_at, now)) if state.last_new_at else ""
    return f"• **{name}**{origin} — {health} · {tr(schedule_text(state))}{fresh}"


def sources_embed(statuses: Sequence[SourceStatus], now: datetime, detailed: bool = True) -> dict[str, Any]:
    lines: list[str] = []
    used = 0
    for i, status in enumerate(statuses):
        line = source_line(status, now, detailed)
        if used + utf16_len(line) + 1 > DESCRIPTION_MAX - 40:
            lines.append(t("…and {n} more", n=len(statuses) - i))
            break
        lines.append(line)
        used += utf16_len(line) + 1
    failing = sum(1 for s in statuses if s.state.failures)
    title = tn("{n} source", "{n} sources", len(statuses))
    if failing:
        title += ", " + t("{count} failing", count=failing)
    return {
        "type": "rich",
        "title": title,
        "color": COLOR,
        "description": "\n".join(lines) or t("No sources are configured."),
    }
