"""/help and the command menu: one table of commands, their syntax, what they do, an example."""

from __future__ import annotations

from telegram import BotCommand

from bot.texts import N_
from handlers.i18n import t
from handlers.telegram.render import escape, shorten

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
            t(
                "{usage} — {about}, e.g. {example}",
                usage=usage,
                about=escape(t(about)),
                example=_code(example),
            )
        )
    lines += [
        "",
        t(
            "<b>Where alerts go</b>: in groups only admins change the alerts (anyone may /list and /latest); "
            "in a forum each topic has its own subscriptions; for a channel, post the commands in it "
            "(with me as an admin) or /bind it here."
        ),
        "",
        t(
            "<b>How fast</b>: each source is read on its own schedule, every minute or two when it is "
            "busy, hourly when it is quiet, never faster than its server asks. Feeds with a WebSub hub "
            "push their stories within seconds when the bot's operator has set "
            "<code>NEWSBOT_PUBLIC_URL</code> (an address the hubs can reach). /sources shows how each "
            "source is followed."
        ),
    ]
    return "\n".join(lines)


def _code(text: str) -> str:
    return f"<code>{escape(shorten(text, 400))}</code>"
