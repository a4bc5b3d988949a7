"""Alerts and replies for Discord: escaped, within Discord's limits, never able to ping anyone.

Embeds are built as plain dicts (the JSON Discord receives), so the bot path
(`discord.Embed.from_dict`) and the webhook path (httpx JSON) render identically.
Lengths are counted in UTF-16 code units: never fewer than code points, so a text
within the limit by that count is within it however Discord counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from discord.utils import escape_markdown

from bot.alerts.emphasis import matched_terms, spans, story_language
from bot.matching.query import Term
from bot.models import Alert
from bot.service import LATEST_WINDOW
from bot.stories.recent import Preview
from bot.texts import N_
from handlers.i18n import format_moment, t, tn, tr

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000  # all embeds of one message together
MESSAGE_MAX = 2000
EMBEDS_PER_MESSAGE = 10
URL_MAX = 2000
COLOR = 0x2B6CB0
MATCHED_NAME = N_("Matched")
ALSO_NAME = N_("Also reported by")
ALSO_NAMES = 3

# <@user>, <@!user>, <@&role>, <#channel>, </command:id>: a zero-width space after "<" stops Discord
# from parsing them; @everyone/@here likewise. allowed_mentions=none already stops pings; this also
# stops feed text from *looking* like a mention of someone in the server.
_TAG = re.compile(r"<(?=[@#/]|:|a:|t:)")
_MASS = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
ZWSP = "\u200b"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units; a cut text ends with an ellipsis."""
    if limit <= 0:
        return ""
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return text
    # errors="ignore" drops half of a surrogate pair cut in two
    cut = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", errors="ignore")
    return cut.rstrip() + "…"


def neutralize_mentions(text: str) -> str:
    return _MASS.sub("@" + ZWSP, _TAG.sub("<" + ZWSP, text))


def escape(text: str, limit: int) -> str:
    """Feed or user text made inert (markdown and mentions) and cut to `limit`."""
    raw = text[: limit + 1]  # escaping only lengthens, so nothing past `limit` could be shown
    return truncate(neutralize_mentions(escape_markdown(raw)), limit)


def marked(text: str, terms: Sequence[Term], limit: int, lang: str | None = None) -> str:
    """`escape(text)` with the words that matched in **bold**; unmarked when the marks do not fit."""
    where = spans(text, terms, lang)
    if not where:
        return escape(text, limit)
    out, at = [], 0
    for start, end in where:
        before, word = text[at:start], text[start:end]
        out.append(
            neutralize_mentions(escape_markdown(before)) + f"**{neutralize_mentions(escape_markdown(word))}**"
        )
        at = end
    out.append(neutralize_mentions(escape_markdown(text[at:])))
    result = "".join(out)
    return result if utf16_len(result) <= limit else escape(text, limit)


def one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def safe_url(url: str) -> str | None:
    """`url` if Discord will accept it as an embed or link URL, else None (Discord 400s on a bad one)."""
    url = url.strip()
    if not url or len(url) > URL_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    # an "@everyone" in a path would render as a mention in plain text
    encoded = url.replace("@", "%40").replace("<", "%3C").replace(">", "%3E")
    return encoded if len(encoded) <= URL_MAX else None  # the limit applies to what is sent


def format_time(alert: Alert) -> str:
    return format_moment(alert.published, alert.zone) or t("time unknown")


def also_value(alert: Alert) -> str:
    """Later reports of the alert's event: "[Reuters](url) · [AP](url) · +2"; "" with none."""
    names: dict[str, str] = {}
    for source, url in alert.also:
        names.setdefault(one_line(source) or t("unknown source"), url)
    shown = []
    for source, url in list(names.items())[:ALSO_NAMES]:
        name, link = escape(source, 80), safe_url(url)
        shown.append(f"[{name}]({link})" if link else name)
    while shown:
        rest = len(names) - len(shown)
        value = " · ".join(shown) + (f" · +{rest}" if rest else "")
        if utf16_len(value) <= FIELD_VALUE_MAX:
            return value
        shown.pop()
    return f"+{len(names)}" if names else ""


def alert_embed(alert: Alert, budget: int = EMBED_TOTAL_MAX) -> dict[str, Any]:
    """One alert as an embed dict whose counted text fits `budget` (and every per-field limit)."""
    budget = min(budget, EMBED_TOTAL_MAX)
    small = budget < EMBED_TOTAL_MAX
    title = escape(
        one_line(alert.title) or t("Untitled story"), min(TITLE_MAX, budget // 5) if small else TITLE_MAX
    )
    # footers show no markdown, so escaping would show backslashes; mentions are still neutralised
    footer = truncate(
        neutralize_mentions(one_line(alert.source)) or t("unknown source"), min(256, budget // 10)
    )
    terms = matched_terms(alert.matched)
    lang = story_language(alert.title, alert.bullets, alert.story_lang) if terms else None
    matched = _matched_value(alert, terms, min(FIELD_VALUE_MAX, budget // 5), lang)
    also = also_value(alert)
    matched_name, also_name = t(MATCHED_NAME), t(ALSO_NAME)
    used = utf16_len(title) + utf16_len(footer) + utf16_len(matched_name) + utf16_len(matched)
    used += utf16_len(also_name) + utf16_len(also) if also else 0
    room = min(DESCRIPTION_MAX, budget - used)
    lines = [f"• {marked(one_line(b), terms, room, lang)}" for b in alert.bullets if b.strip()]
    description = truncate("\n".join(lines), room)
    embed: dict[str, Any] = {
        "type": "rich",
        "title": title,
        "color": COLOR,
        "fields": [{"name": matched_name, "value": matched, "inline": False}]
        + ([{"name": also_name, "value": also, "inline": False}] if also else []),
        "footer": {"text": footer},
    }
    if description:
        embed["description"] = description
    url = safe_url(alert.url)
    if url:
        embed["url"] = url
    if alert.published is not None:
        embed["timestamp"] = alert.published.isoformat()  # Discord shows it in each reader's time zone
    image = safe_url(alert.image) if alert.image else None
    if image:
        embed["image"] = {"url": image}  # Discord fetches it for the embed; the bot never does
    return embed


def _matched_value(alert: Alert, terms: Sequence[Term], limit: int, lang: str | None = None) -> str:
    """The queries that matched and, on a second line, the title's words that did, in bold.

    An embed title is shown bold and its markdown is not rendered alike on every client, so the
    title's matched words are named here, where markdown always renders.
    """
    queries = escape(", ".join(alert.matched) or "—", limit)
    title = one_line(alert.title)
    words = dict.fromkeys(title[start:end] for start, end in spans(title, terms, lang))
    if not words:
        return queries
    note = t("in the title: {words}", words=", ".join(f"**{escape(word, 100)}**" for word in words))
    value = f"{queries}\n{note}"
    return value if utf16_len(value) <= limit else queries


def embed_text_len(embed: dict[str, Any]) -> int:
    """The length Discord counts toward the 6000 total."""
    total = utf16_len(embed.get("title", "")) + utf16_len(embed.get("description", ""))
    for field in embed.get("fields", ()):
        total += utf16_len(field["name"]) + utf16_len(field["value"])
    total += utf16_len(embed.get("footer", {}).get("text", ""))
    total += utf16_len(embed.get("author", {}).get("name", ""))
    return total


def alert_text(alert: Alert) -> str:
    """The alert without markup, for when an embed was refused (Alert.plain)."""
    lines = [escape(one_line(alert.title) or t("Untitled story"), TITLE_MAX)]
    lines.append(f"{escape(one_line(alert.source), 100)} · {format_time(alert)}")
    lines.append(t("Matched: {queries}", queries=escape(", ".join(alert.matched), 300)))
    url = safe_url(alert.url)
    tail = f"\n{url}" if url else ""
    room = MESSAGE_MAX - utf16_len("\n".join(lines)) - utf16_len(tail) - 1
    body = "\n".join(f"• {escape(one_line(b), room)}" for b in alert.bullets if b.strip())
    text = "\n".join(lines)
    if body and room > 10:
        text += "\n" + truncate(body, room)
    return truncate(text + tail, MESSAGE_MAX)


def latest_embeds(alerts: Sequence[Alert]) -> list[dict[str, Any]]:
    """Several alerts in one message: up to 10 embeds sharing the 6000 total."""
    shown = list(alerts)[:EMBEDS_PER_MESSAGE]
    if not shown:
        return []
    budget = EMBED_TOTAL_MAX // len(shown)
    return [alert_embed(a, budget) for a in shown]


def bullet_list(items: Sequence[str], limit: int, more: str = "…and {n} more") -> str:
    """Escaped one-per-line items within `limit`; items that do not fit are counted, not cut."""
    lines: list[str] = []
    used = 0
    for i, item in enumerate(items):
        line = f"• {escape(one_line(item), 300)}"
        tail = utf16_len(more.format(n=len(items) - i)) + 1
        if used + utf16_len(line) + 1 + (tail if i < len(items) - 1 else 0) > limit:
            lines.append(more.format(n=len(items) - i))
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)


def preview_text(preview: Preview | None) -> str:
    """What a new subscription would have found lately: a count and up to three linked titles,
    or why it would have found none (the /subscribe reply's second part)."""
    if preview is None:
        return ""
    days = LATEST_WINDOW.days
    if not preview.matched:
        if preview.reason:
            reason = escape(tr(preview.reason), 300)
            return t(
                "In the last {days} days it would have matched no story: {reason}.", days=days, reason=reason
            )
        return t("In the last {days} days it would have matched no story.", days=days)
    lines = [
        tn(
            "In the last {days} days it would have matched {n} of {scanned} stories:",
            "In the last {days} days it would have matched {n} of {scanned} stories:",
            preview.matched,
            days=days,
            scanned=preview.scanned,
        )
    ]
    for article in preview.examples:
        # brackets would end the link text early; <…> keeps Discord from embedding each link
        title = escape(one_line(article.title) or t("(untitled)"), 200).replace("[", "(").replace("]", ")")
        link = safe_url(article.url)
        lines.append(f"• [{title}](<{link}>)" if link else f"• {title}")
    return "\n".join(lines)
