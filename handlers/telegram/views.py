"""Replies as Telegram HTML: help, subscription lists, source status. Everything user- or
feed-supplied is escaped here, and every multi-part reply is split within Telegram's limit."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.models import Alert
from bot.sources_service import schedule_text
from bot.text.urls import display_url
from bot.texts import N_
from handlers.common.stats_text import stats_text
from handlers.i18n import format_moment, t, tn, tr
from handlers.telegram.help_text import COMMANDS as COMMANDS  # the table /help and the menu share
from handlers.telegram.help_text import SUBSCRIBE_EXAMPLES as SUBSCRIBE_EXAMPLES
from handlers.telegram.help_text import bot_commands as bot_commands
from handlers.telegram.help_text import help_text as help_text
from handlers.telegram.render import (
    MAX_MESSAGE,
    escape,
    one_line,
    render_alert,
    safe_link,
    shorten,
    split_lines,
    utf16_len,
)

if TYPE_CHECKING:
    from bot.sources_service import SourceStatus
    from bot.stats import BotStats
    from bot.stories.recent import Preview

QUERY_EXAMPLE = N_(
    'Example: <code>/subscribe "Caspian Sea"</code> or <code>/subscribe Gazprom OR Rosneft</code>'
)
HINT = N_("I did not understand that. Send /help to see what I can do.")
SOMETHING_WRONG = N_("Something went wrong, try again.")
LATEST_DAYS = 3  # bot.service.LATEST_WINDOW
MAX_LIST_ITEM = 400  # a stored query is at most 200 characters; this only guards odd data


def code(text: str, limit: int = MAX_LIST_ITEM) -> str:
    return f"<code>{escape(shorten(text, limit))}</code>"


def alerts_state(paused: bool) -> str:
    if paused:
        return t("Alerts are <b>paused</b>: send /resume to get them again.")
    return t("Alerts are on: send /pause to stop them for a while.")


def subscriptions_messages(queries: Sequence[str], paused: bool) -> list[str]:
    state = alerts_state(paused)
    if not queries:
        return [
            t("You have no subscriptions. Try {example}.", example=code(SUBSCRIBE_EXAMPLES[0])) + f"\n{state}"
        ]
    header = t("Your subscriptions ({count}):", count=len(queries))
    lines = [f"• {code(q)}" for q in queries]
    messages = split_lines(lines, header=header)
    last = messages[-1]
    if utf16_len(last) + 1 + utf16_len(state) <= MAX_MESSAGE:
        messages[-1] = f"{last}\n{state}"
    else:
        messages.append(state)
    return messages


def _when(moment: datetime | None) -> str:
    return format_moment(moment) or t("never")


def source_block(status: SourceStatus) -> str:
    source, state = status.source, status.state
    origin = t("sources file") if status.from_config else t("added from chat")
    lines = [
        f"<b>{escape(shorten(source.name, 120))}</b> ({origin})",
        f"  {escape(shorten(display_url(source.url), 600))}",  # no credentials or API keys
        "  " + t("last success: {time}", time=_when(state.last_success)),
        "  " + t("interval: {interval}", interval=escape(tr(schedule_text(state)))),
        "  " + t("last new story: {time}", time=_when(state.last_new_at)),
    ]
    if state.last_error:
        lines.append(
            "  "
            + t(
                "last error: {error} ({time})",
                error=escape(shorten(state.last_error, 600)),
                time=_when(state.last_error_at),
            )
        )
    return "\n".join(lines)


def health(status: SourceStatus) -> str:
    state = status.state
    failing = state.last_error and (
        state.last_success is None
        or (state.last_error_at is not None and state.last_error_at > state.last_success)
    )
    if failing:
        return t("failing")
    if state.last_success:
        return t("ok, last read {time}", time=_when(state.last_success))
    return t("not read yet")


def source_summary(status: SourceStatus) -> str:
    """What anyone may see: the name and how the feed is doing (no address, no error text)."""
    return f"• <b>{escape(shorten(status.source.name, 120))}</b>: {health(status)}"


def sources_messages(statuses: Sequence[SourceStatus], detailed: bool = True) -> list[str]:
    """Admins see each feed's address and last error; everyone else names and health only."""
    if not statuses:
        return [t("No sources are configured yet.")]
    blocks = [source_block(s) if detailed else source_summary(s) for s in statuses]
    return split_lines(blocks, header=t("Sources ({count}):", count=len(statuses)))


def latest_messages(alerts: Sequence[Alert], header: str = "") -> list[str]:
    """One alert a message, or several together while they fit in one."""
    return split_lines([render_alert(alert) for alert in alerts], header=header, sep="\n\n")


def preview_text(preview: Preview | None) -> str:
    """What a new subscription would have found lately: a count, up to three linked titles, or why none."""
    if preview is None:
        return ""
    if not preview.matched:
        if preview.reason:
            return t(
                "In the last {days} days it would have matched no story: {reason}.",
                days=LATEST_DAYS,
                reason=escape(tr(preview.reason)),
            )
        return t("In the last {days} days it would have matched no story.", days=LATEST_DAYS)
    lines = [
        tn(
            "In the last {days} days it would have matched {n} of {scanned} stories:",
            "In the last {days} days it would have matched {n} of {scanned} stories:",
            preview.matched,
            days=LATEST_DAYS,
            scanned=preview.scanned,
        )
    ]
    for article in preview.examples:
        title = escape(shorten(one_line(article.title) or t("(untitled)"), 200))
        link = safe_link(article.url)
        lines.append(f'• <a href="{html.escape(link, quote=True)}">{title}</a>' if link else f"• {title}")
    return "\n".join(lines)


def stats_message(stats: BotStats) -> str:
    names = ", ".join(escape(shorten(n, 60)) for n in stats.failing[:10])
    if len(stats.failing) > 10:
        names = t("{names} and {count} more", names=names, count=len(stats.failing) - 10)
    return stats_text(stats, t("<b>newsbot stats</b>"), names)
