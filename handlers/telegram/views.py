"""Replies as Telegram HTML: help, subscription lists, source status. Everything user- or
feed-supplied is escaped here, and every multi-part reply is split within Telegram's limit."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import BotCommand

from bot.clock import format_utc
from bot.models import Alert
from bot.sources_service import schedule_text
from bot.text.urls import display_url
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

# (command, arguments, what it does, example): one table feeds /help and setMyCommands
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("subscribe", "<query>", "get alerts for news matching a query", '/subscribe "Caspian Sea"'),
    (
        "unsubscribe",
        "[query|all]",
        "stop a subscription (no query: pick one from a list; all: every one, after a confirmation)",
        "/unsubscribe SOCAR",
    ),
    ("list", "", "your subscriptions", "/list"),
    (
        "latest",
        "[query]",
        "the latest stories (last 3 days) for a query or your subscriptions, with a More button",
        "/latest Gazprom",
    ),
    ("pause", "", "stop alerts for a while", "/pause"),
    ("resume", "", "get alerts again", "/resume"),
    (
        "digest",
        "[query] instant|hourly|daily HH:MM|weekly DAY HH:MM",
        "get a subscription's alerts (or all without a rhythm of their own) as a digest",
        "/digest SOCAR daily 08:00",
    ),
    (
        "timezone",
        "[IANA name]",
        "your time zone for digests, quiet hours and alert times",
        "/timezone Asia/Baku",
    ),
    (
        "quiet",
        "HH:MM-HH:MM|off",
        "hold instant alerts overnight, sent as one digest after",
        "/quiet 23:00-07:00",
    ),
    (
        "snooze",
        "<query>|all <30m|2h|7d>|off",
        "drop a subscription's matches for a while",
        "/snooze SOCAR 2h",
    ),
    (
        "sources",
        "",
        "the feeds I watch and how they are doing (admins also see addresses and errors)",
        "/sources",
    ),
    (
        "addsource",
        "<url> [name]",
        "add a feed (admins only)",
        "/addsource https://example.com/rss.xml Example",
    ),
    ("removesource", "<name|url>", "remove a feed (admins only)", "/removesource Example"),
    ("import", "", "add the feeds of an OPML file or URL list sent with it (admins only)", "/import"),
    ("export", "", "the feeds as an OPML file for any feed reader", "/export"),
    ("images", "on|off", "show story pictures in alerts, or not", "/images off"),
    (
        "threads",
        "on|off",
        "one alert per story, later reports added to it (on), or each its own",
        "/threads off",
    ),
    ("bind", "@channel", "manage a channel you administer from this private chat", "/bind @mychannel"),
    ("unbind", "", "manage this chat's own alerts again", "/unbind"),
    ("stats", "", "chats, subscriptions, sources and alerts sent (admins only)", "/stats"),
    ("help", "", "this message", "/help"),
)

SUBSCRIBE_EXAMPLES = (
    "/subscribe SOCAR",
    '/subscribe "Caspian Sea"',
    "/subscribe Gazprom OR Rosneft",
    "/subscribe Armenia -peace",
)
QUERY_EXAMPLE = 'Example: <code>/subscribe "Caspian Sea"</code> or <code>/subscribe Gazprom OR Rosneft</code>'
HINT = "I did not understand that. Send /help to see what I can do."
SOMETHING_WRONG = "Something went wrong, try again."
LATEST_DAYS = 3  # bot.service.LATEST_WINDOW
MAX_LIST_ITEM = 400  # a stored query is at most 200 characters; this only guards odd data


def bot_commands() -> list[BotCommand]:
    return [BotCommand(name, about[:256]) for name, _args, about, _example in COMMANDS]


def help_text() -> str:
    lines = [
        "I watch news feeds and send you a short alert (title, source, time, key points, link) "
        "whenever a story matches one of your subscriptions.",
        "",
        '<b>Queries</b>: words must all appear; <code>"exact phrase"</code>; <code>A OR B</code>; '
        "<code>-word</code> or <code>NOT word</code> excludes; <code>prefix*</code>. "
        "Words match in any form in the story's language (<code>Москва</code> finds «Москве»); "
        'a quoted single word (<code>"Москва"</code>) matches that form only. For example:',
        *(f"<code>{escape(example)}</code>" for example in SUBSCRIBE_EXAMPLES),
        "Each new subscription tells you what it would have matched in the last 3 days. In a private "
        "chat you can also just send a word, like <code>SOCAR</code>, and tap Subscribe.",
        "",
        "<b>Rhythm</b>: alerts come as they happen, or as digests: "
        "<code>/digest SOCAR daily 08:00</code>, <code>/digest SOCAR weekly mon 08:00</code>, "
        "<code>/digest SOCAR hourly</code>, <code>/digest daily 08:00</code> (every subscription without "
        "its own), <code>/digest SOCAR instant</code> (back to alerts). Times are in your zone "
        "(<code>/timezone Asia/Baku</code>). <code>/quiet 23:00-07:00</code> holds alerts overnight; "
        "<code>/snooze SOCAR 2h</code> or <code>/snooze all 7d</code> drops matches until it ends. "
        "Many alerts at once are folded into one message.",
        "",
        "<b>Commands</b>",
    ]
    for name, args, about, example in COMMANDS:
        usage = f"/{name} {escape(args)}".rstrip()
        lines.append(f"{usage} — {escape(about)}, e.g. <code>{escape(example)}</code>")
    lines += [
        "",
        "<b>Where alerts go</b>: in groups only admins change the alerts (anyone may /list and /latest); "
        "in a forum each topic has its own subscriptions; for a channel, post the commands in it "
        "(with me as an admin) or /bind it here.",
    ]
    return "\n".join(lines)


def code(text: str, limit: int = MAX_LIST_ITEM) -> str:
    return f"<code>{escape(shorten(text, limit))}</code>"


def subscriptions_messages(queries: Sequence[str], paused: bool) -> list[str]:
    if paused:
        state = "Alerts are <b>paused</b>: send /resume to get them again."
    else:
        state = "Alerts are on: send /pause to stop them for a while."
    if not queries:
        return [f"You have no subscriptions. Try <code>{escape(SUBSCRIBE_EXAMPLES[0])}</code>.\n{state}"]
    header = f"Your subscriptions ({len(queries)}):"
    lines = [f"• {code(q)}" for q in queries]
    messages = split_lines(lines, header=header)
    last = messages[-1]
    if utf16_len(last) + 1 + utf16_len(state) <= MAX_MESSAGE:
        messages[-1] = f"{last}\n{state}"
    else:
        messages.append(state)
    return messages


def _when(moment: datetime | None) -> str:
    return format_utc(moment) or "never"


def source_block(status: SourceStatus) -> str:
    source, state = status.source, status.state
    origin = "sources file" if status.from_config else "added from chat"
    lines = [
        f"<b>{escape(shorten(source.name, 120))}</b> ({origin})",
        f"  {escape(shorten(display_url(source.url), 600))}",  # no credentials or API keys
        f"  last success: {_when(state.last_success)}",
        f"  interval: {schedule_text(state)}",
        f"  last new story: {_when(state.last_new_at)}",
    ]
    if state.last_error:
        lines.append(f"  last error: {escape(shorten(state.last_error, 600))} ({_when(state.last_error_at)})")
    return "\n".join(lines)


def health(status: SourceStatus) -> str:
    state = status.state
    failing = state.last_error and (
        state.last_success is None
        or (state.last_error_at is not None and state.last_error_at > state.last_success)
    )
    if failing:
        return "failing"
    return f"ok, last read {_when(state.last_success)}" if state.last_success else "not read yet"


def source_summary(status: SourceStatus) -> str:
    """What anyone may see: the name and how the feed is doing (no address, no error text)."""
    return f"• <b>{escape(shorten(status.source.name, 120))}</b>: {health(status)}"


def sources_messages(statuses: Sequence[SourceStatus], detailed: bool = True) -> list[str]:
    """Admins see each feed's address and last error; everyone else names and health only."""
    if not statuses:
        return ["No sources are configured yet."]
    blocks = [source_block(s) if detailed else source_summary(s) for s in statuses]
    return split_lines(blocks, header=f"Sources ({len(statuses)}):")


def latest_messages(alerts: Sequence[Alert], header: str = "") -> list[str]:
    """One alert a message, or several together while they fit in one."""
    return split_lines([render_alert(alert) for alert in alerts], header=header, sep="\n\n")


def preview_text(preview: Preview | None) -> str:
    """What a new subscription would have found lately: a count, up to three linked titles, or why none."""
    if preview is None:
        return ""
    if not preview.matched:
        why = f": {escape(preview.reason)}" if preview.reason else ""
        return f"In the last {LATEST_DAYS} days it would have matched no story{why}."
    lines = [
        f"In the last {LATEST_DAYS} days it would have matched {preview.matched} "
        f"of {preview.scanned} stories:"
    ]
    for article in preview.examples:
        title = escape(shorten(one_line(article.title) or "(untitled)", 200))
        link = safe_link(article.url)
        lines.append(f'• <a href="{html.escape(link, quote=True)}">{title}</a>' if link else f"• {title}")
    return "\n".join(lines)


def stats_message(stats: BotStats) -> str:
    failing = ""
    if stats.failing:
        names = ", ".join(escape(shorten(n, 60)) for n in stats.failing[:10])
        more = f" and {len(stats.failing) - 10} more" if len(stats.failing) > 10 else ""
        failing = f" ({names}{more})"
    window = (
        f"since the restart at {format_utc(stats.window_start)}"
        if stats.restarted_lately
        else "in the last 24 h"
    )
    return "\n".join(
        [
            "<b>newsbot stats</b>",
            f"Chats: {stats.chats} receiving ({stats.paused_chats} paused), {stats.inactive_chats} gone",
            f"Subscriptions: {stats.subscriptions}",
            f"Sources: {stats.sources}: {stats.healthy} healthy, {len(stats.failing)} failing{failing}"
            + (f", {stats.not_polled} not polled yet" if stats.not_polled else ""),
            f"Alerts sent {window}: {stats.sent_24h}",
            f"Outbox: {stats.outbox} waiting",
        ]
    )
