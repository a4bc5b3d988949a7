"""/stats for admins, the same lines on every platform; each passes its heading and the names
of failing sources already escaped for its markup."""

from __future__ import annotations

from bot.stats import BotStats
from handlers.i18n import format_moment, t


def stats_text(stats: BotStats, heading: str, failing_names: str) -> str:
    window = (
        t("since the restart at {time}", time=format_moment(stats.window_start))
        if stats.restarted_lately
        else t("in the last 24 h")
    )
    sources = t(
        "Sources: {sources}: {healthy} healthy, {failing} failing",
        sources=stats.sources,
        healthy=stats.healthy,
        failing=len(stats.failing),
    )
    if failing_names:
        sources += f" ({failing_names})"
    if stats.not_polled:
        sources += t(", {count} not polled yet", count=stats.not_polled)
    return "\n".join(
        [
            heading,
            t(
                "Chats: {chats} receiving ({paused} paused), {gone} gone",
                chats=stats.chats,
                paused=stats.paused_chats,
                gone=stats.inactive_chats,
            ),
            t("Subscriptions: {count}", count=stats.subscriptions),
            sources,
            t("Alerts sent {window}: {count}", window=window, count=stats.sent_24h),
            t("Outbox: {count} waiting", count=stats.outbox),
        ]
    )
