"""/sources as one embed: every polled source with its health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.sources_service import SourceStatus, schedule_text
from handlers.discord.render import COLOR, DESCRIPTION_MAX, escape, utf16_len


def ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 120:
        return "just now"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def source_line(status: SourceStatus, now: datetime, detailed: bool = True) -> str:
    """Name and health; the error text (which may name hosts and addresses) for admins only."""
    state = status.state
    name = escape(status.source.name, 80)
    origin = "" if status.from_config else " (added in chat)"
    if state.failures and state.last_error:
        health = f"failing ×{state.failures}"
        if detailed:
            health += f": {escape(state.last_error, 120)}"
    elif state.last_success is not None:
        health = f"ok, {ago(state.last_success, now)}"
    else:
        health = "not polled yet"
    if not detailed:
        return f"• **{name}**{origin} — {health}"
    fresh = f", new story {ago(state.last_new_at, now)}" if state.last_new_at else ""
    return f"• **{name}**{origin} — {health} · {schedule_text(state)}{fresh}"


def sources_embed(statuses: Sequence[SourceStatus], now: datetime, detailed: bool = True) -> dict[str, Any]:
    lines: list[str] = []
    used = 0
    for i, status in enumerate(statuses):
        line = source_line(status, now, detailed)
        if used + utf16_len(line) + 1 > DESCRIPTION_MAX - 40:
            lines.append(f"…and {len(statuses) - i} more")
            break
        lines.append(line)
        used += utf16_len(line) + 1
    failing = sum(1 for s in statuses if s.state.failures)
    title = f"{len(statuses)} sources" + (f", {failing} failing" if failing else "")
    return {
        "type": "rich",
        "title": title,
        "color": COLOR,
        "description": "\n".join(lines) or "No sources are configured.",
    }
