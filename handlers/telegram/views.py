"""Replies as Telegram HTML: help, subscription lists, source status. Everything user- or
feed-supplied is escaped here, and every multi-part reply is split within Telegram's limit."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import BotCommand

from bot.models import Alert
from bot.sources_service import schedule_text
from bot.text.urls import display_url
from bot.texts import N_
from handlers.i18n import format_moment, t, tn, tr
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

# (command, arguments, what it does, example): one table feeds /help and setMyCommands;
# the arguments are syntax (the words a command takes are English), what it does is translated
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("subscribe", "<query>", N_("get alerts for news matching a query"), '/subscribe "Caspian Sea"'),
    (
        "unsubscribe",
        "[query|all]",
        N_("stop a subscription (no query: pick one from a list; all: every one, after a confirmation)"),
        "/unsubscribe SOCAR",
    ),
    ("list", "", N_("your subscriptions"), "/list"),
    (
        "latest",
        "[query]",
        N_("the latest stories (last 3 days) for a query or your subscriptions, with a More button"),
        "/latest Gazprom",
    ),
    ("pause", "", N_("stop alerts for a while"), "/pause"),
    ("resume", "", N_("get alerts again"), "/resume"),
    (
        "digest",
        "[query] instant|hourly|daily HH:MM|weekly DAY HH:MM",
        N_("get a subscription's alerts (or all without a rhythm of their own) as a digest"),
        "/digest SOCAR daily 08:00",
    ),
    (
        "timezone",
        "[IANA name]",
        N_("your time zone for digests, quiet hours and alert times"),
        "/timezone Asia/Baku",
    ),
    (
        "quiet",
        "HH:MM-HH:MM|off",
        N_("hold instant alerts overnight, sent as one digest after"),
        "/quiet 23:00-07:00",
    ),
    (
        "snooze",
        "<query>|all <30m|2h|7d>|off",
        N_("drop a subscription's matches for a while"),
        "/snooze SOCAR 2h",
    ),
    ("language", "[code]", N_("the language I write in here (no code: the choices)"), "/language de"),
    (
        "sources",
        "",
        N_("the feeds I watch and how they are doing (admins also see addresses and errors)"),
        "/sources",
    ),
    (
        "addsource",
        "<url> [name]",
        N_("add a feed (admins only)"),
        "/addsource https://example.com/rss.xml Example",
    ),
    ("removesource", "<name|url>", N_("remove a feed (admins only)"), "/removesource Example"),
    ("import", "", N_("add the feeds of an OPML file or URL list sent with it (admins only)"), "/import"),
    ("export", "", N_("the feeds as an OPML file for any feed reader"), "/export"),
    ("images", "on|off", N_("show story pictures in alerts, or not"), "/images off"),
    (
        "threads",
        "on|off",
        N_("one alert per story, later reports added to it (on), or each its own"),
        "/threads off",
    ),
    ("bind", "@channel", N_("manage a channel you administer from this private chat"), "/bind @mychannel"),
    ("unbind", "", N_("manage this chat's own alerts again"), "/unbind"),
    ("stats", "", N_("chats, subscriptions, sources and alerts sent (admins only)"), "/stats"),
    ("help", "", N_("this message"), "/help"),
)

SUBSCRIBE_EXAMPLES = (
    "/subscribe SOCAR",
    '/subscribe "Caspian Sea"',
    "/subscribe Gazprom OR Rosneft",
    "/subscribe Armenia -peace",
)
QUERY_EXAMPLE = N_(
    'Example: <code>/subscribe "Caspian Sea"</code> or <code>/subscribe Gazprom OR Rosneft</code>'
)
HINT = N_("I did not understand that. Send /help to see what I can do.")
SOMETHING_WRONG = N_("Something went wrong, try again.")
LATEST_DAYS = 3  # bot.service.LATEST_WINDOW
MAX_LIST_ITEM = 400  # a stored query is at most 200 characters; this only guards odd data


def bot_commands() -> list[BotCommand]:
    """The command menu in the current language (command names stay English)."""
    return [BotCommand(name, t(about)[:256]) for name, _args, about, _example in COMMANDS]


def help_text() -> str:
    lines = [
        t(
            "I watch news feeds and send you a short alert (title, source, time, key points, link) "
            "whenever a story matches one of your subscriptions."
        ),
        "",
        t(
            '<b>Queries</b>: words must all appear; <code>"exact phrase"</code>; <code>A OR B</code>; '
            "<code>-word</code> or <code>NOT word</code> excludes; <code>prefix*</code>. "
            "Words match in any form in the story's language (<code>Москва</code> finds «Москве»); "
            'a quoted single word (<code>"Москва"</code>) matches that form only. For example:'
        ),
        *(f"<code>{escape(example)}</code>" for example in SUBSCRIBE_EXAMPLES),
        t(
            "Each new subscription tells you what it would have matched in the last 3 days. In a private "
            "chat you can also just send a word, like <code>SOCAR</code>, and tap Subscribe."
        ),
        "",
        t(
            "<b>Rhythm</b>: alerts come as they happen, or as digests: "
            "<code>/digest SOCAR daily 08:00</code>, <code>/digest SOCAR weekly mon 08:00</code>, "
            "<code>/digest SOCAR hourly</code>, <code>/digest daily 08:00</code> (every subscription without "
            "its own), <code>/digest SOCAR instant</code> (back to alerts). Times are in your zone "
            "(<code>/timezone Asia/Baku</code>). <code>/quiet 23:00-07:00</code> holds alerts overnight; "
            "<code>/snooze SOCAR 2h</code> or <code>/snooze all 7d</code> drops matches until it ends. "
            "Many alerts at once are folded into one message."
        ),
        "",
        t(
            "<b>Language</b>: I write in your Telegram app's language (English, Russian, Azerbaijani, "
            "Ukrainian, Turkish or German); <code>/language de</code> picks one for this chat. "
            "Stories are shown as their source wrote them."
        ),
        "",
        t("<b>Commands</b>"),
    ]
    for name, args, about, example in COMMANDS:
        usage = f"/{name} {escape(args)}".rstrip()
        lines.append(
            t("{usage} — {about}, e.g. {example}", usage=usage, about=escape(t(about)), example=code(example))
        )
    lines += [
        "",
        t(
            "<b>Where alerts go</b>: in groups only admins change the alerts (anyone may /list and /latest); "
            "in a forum each topic has its own subscriptions; for a channel, post the commands in it "
            "(with me as an admin) or /bind it here."
        ),
    ]
    return "\n".join(lines)


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
    if names:
        sources += f" ({names})"
    if stats.not_polled:
        sources += t(", {count} not polled yet", count=stats.not_polled)
    return "\n".join(
        [
            t("<b>newsbot stats</b>"),
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
