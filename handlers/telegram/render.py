"""Alerts as Telegram messages: HTML with every piece of feed text escaped, always within limits.

Telegram counts a message's length in UTF-16 code units; we bound the raw HTML (which is never
shorter than the text Telegram shows), so a rendered alert can never be refused as too long.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from bot.alerts.emphasis import Span, matched_terms, spans, story_language
from bot.matching.query import Term
from bot.models import Alert
from handlers.i18n import format_moment, t, tn

MAX_MESSAGE = 4096  # UTF-16 code units
ELLIPSIS = "…"
MAX_SOURCE = 120
MAX_MATCHED = 600
MAX_URL = 2048  # longer hrefs are dropped rather than cut (a cut URL is a wrong link)
MIN_BULLET = 60  # below this a bullet is dropped rather than shortened further
MIN_TITLE = 40
BULLET_OVERHEAD = 3  # "• " and the newline

Escape = Callable[[str], str]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def _plain(text: str) -> str:
    return text


def one_line(text: str) -> str:
    """Feed text may carry newlines or control characters; an alert line is one line."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def shorten(text: str, limit: int, esc: Escape = escape) -> str:
    """`esc(result)` fits in `limit` UTF-16 units; cut at a word boundary and marked with "…".

    The cut is made on the plain text before escaping, so it can never fall inside an entity.
    """
    if utf16_len(esc(text)) <= limit:
        return text
    budget = limit - utf16_len(ELLIPSIS)
    if budget <= 0:
        return ""
    used, cut = 0, 0
    for i, ch in enumerate(text):
        used += utf16_len(esc(ch))
        if used > budget:
            break
        cut = i + 1
    head = text[:cut]
    space = head.rfind(" ")
    if space >= cut * 2 // 3:  # a word boundary not too far back; else cut the long word itself
        head = head[:space]
    return head.rstrip(" ,;:-–—") + ELLIPSIS


def format_time(alert: Alert) -> str | None:
    return format_moment(alert.published, alert.zone)


def safe_link(url: str) -> str | None:
    url = url.strip()
    if (
        not url
        or len(html.escape(url, quote=True)) > MAX_URL
        or any(not ch.isprintable() or ch.isspace() for ch in url)
    ):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _floor(bullets: Sequence[str], esc: Escape) -> int:
    """Units the bullets need at least: each whole, or cut to MIN_BULLET, plus "• " and newline."""
    return sum(min(utf16_len(esc(b)), MIN_BULLET) + BULLET_OVERHEAD for b in bullets)


def _fit_bullets(bullets: Sequence[str], budget: int, esc: Escape) -> list[str]:
    """Share `budget` units between bullet lines: short ones whole, long ones cut."""
    kept = list(bullets)
    while kept and _floor(kept, esc) > budget:
        kept.pop()  # too little room for all of them: the later bullets go first
    room = budget - BULLET_OVERHEAD * len(kept)
    order = sorted(range(len(kept)), key=lambda i: utf16_len(esc(kept[i])))
    out = list(kept)
    left = len(kept)
    for i in order:  # water-filling: each bullet gets an equal share of what the shorter ones left
        share = room // left
        out[i] = shorten(kept[i], share, esc)
        room -= utf16_len(esc(out[i]))
        left -= 1
    return [b for b in out if b]


def emphasize(text: str, where: Sequence[Span], tag: str, esc: Escape = escape) -> str:
    """`text` escaped, with each span wrapped in <tag>…</tag> (spans do not overlap)."""
    out, at = [], 0
    for start, end in where:
        out.append(f"{esc(text[at:start])}<{tag}>{esc(text[start:end])}</{tag}>")
        at = end
    out.append(esc(text[at:]))
    return "".join(out)


def _compose(
    title: str, meta: str, matched: str, bullets: Sequence[str], link: str, esc: Escape, markup: bool
) -> str:
    lines = [f"<b>{esc(title)}</b>" if markup else esc(title), esc(meta)]
    if matched:
        shown = f"<i>{esc(matched)}</i>" if markup else esc(matched)
        lines.append(t("Matched: {queries}", queries=shown))
    lines.extend(f"• {esc(b)}" for b in bullets)
    if link:
        lines.append(link)
    return "\n".join(lines)


def _render(alert: Alert, esc: Escape, markup: bool, limit: int = MAX_MESSAGE) -> str:
    title = one_line(alert.title) or t("(untitled)")
    source = shorten(one_line(alert.source) or t("unknown source"), MAX_SOURCE, esc)
    when = format_time(alert)
    meta = f"{source} · {when}" if when else source
    matched = shorten(", ".join(one_line(m) for m in alert.matched), MAX_MATCHED, esc)
    bullets = [b for b in (one_line(b).removeprefix("• ").strip() for b in alert.bullets) if b]
    url = safe_link(alert.url)
    if url is None:
        link = ""
    elif markup:
        more = esc(t("Read more"))
        link = f'<a href="{html.escape(url, quote=True)}">{more}</a>'
    else:
        link = url

    full = _compose(title, meta, matched, bullets, link, esc, markup)
    if utf16_len(full) <= limit:
        return full
    # Bullets give way first; the title only once bullets are down to their floor.
    fixed = utf16_len(_compose("", meta, matched, [], link, esc, markup)) + 1  # +1: newline before bullets
    rest = limit - fixed
    title_len = utf16_len(esc(title))
    bullets_floor = _floor(bullets, esc)
    if title_len + bullets_floor > rest:
        title = shorten(title, max(rest - bullets_floor, MIN_TITLE), esc)
        title_len = utf16_len(esc(title))
    bullets = _fit_bullets(bullets, rest - title_len, esc)
    out = _compose(title, meta, matched, bullets, link, esc, markup)
    while utf16_len(out) > limit and bullets:  # rounding slack: drop from the end
        bullets.pop()
        out = _compose(title, meta, matched, bullets, link, esc, markup)
    return out


MAX_ALSO_NAMES = 3  # "Also reported by: Reuters · AP · BBC · +2"
MAX_ALSO = 600  # UTF-16 units the line may take, links included


def also_line(alert: Alert, markup: bool = True) -> str:
    """ "Also reported by: Reuters · AP · +2", each name linked to its report; "" with none."""
    names: dict[str, str] = {}
    for source, url in alert.also:
        names.setdefault(one_line(source) or t("unknown source"), url)
    if not names:
        return ""
    esc: Escape = escape if markup else _plain
    shown: list[str] = []
    for source, url in list(names.items())[:MAX_ALSO_NAMES]:
        name = esc(shorten(source, MAX_SOURCE, esc))
        link = safe_link(url)
        shown.append(f'<a href="{html.escape(link, quote=True)}">{name}</a>' if markup and link else name)
    while shown:
        rest = len(names) - len(shown)
        line = t("Also reported by: {sources}", sources=" · ".join(shown) + (f" · +{rest}" if rest else ""))
        if utf16_len(line) <= MAX_ALSO:
            return line
        shown.pop()
    return tn("Also reported by {n} more source", "Also reported by {n} more sources", len(names))


def _with_also(alert: Alert, esc: Escape, markup: bool) -> str:
    also = also_line(alert, markup)
    if not also:
        return _render(alert, esc, markup)
    return _render(alert, esc, markup, limit=MAX_MESSAGE - utf16_len(also) - 1) + "\n" + also


def render_alert(alert: Alert) -> str:
    """Telegram HTML: bold title, source and UTC time, matched queries, bullets, "Read more" link,
    and, once later reports of its event came in, "Also reported by: ...".

    Why it matched: the matched words are underlined in the (bold) title and bold in the
    bullets, when the message still fits with the extra tags; otherwise the title keeps its
    marks (their room is kept) and the bullets go without.
    """
    also = also_line(alert, markup=True)
    limit = MAX_MESSAGE - (utf16_len(also) + 1 if also else 0)
    terms = matched_terms(alert.matched)
    lang = story_language(alert.title, alert.bullets, alert.story_lang) if terms else None
    # room for the title's marks is kept from the start: they are the first thing a reader sees
    title_marks = len("<u></u>") * len(spans(one_line(alert.title), terms, lang)) if terms else 0
    body = _render(alert, escape, markup=True, limit=limit - title_marks)
    if terms:
        for bullets in (True, False):
            marked = _emphasized(body, terms, bullets, lang)
            if utf16_len(marked) <= limit:
                body = marked
                break
    return f"{body}\n{also}" if also else body


def _emphasized(rendered: str, terms: Sequence[Term], bullets: bool = True, lang: str | None = None) -> str:
    """The rendered alert again, the matched words underlined in its title and (with `bullets`)
    bold in its bullets as fitted: underline, since the title is bold already."""
    lines = rendered.split("\n")
    first = lines[0]
    if first.startswith("<b>") and first.endswith("</b>"):
        title = html.unescape(first[3:-4])
        lines[0] = f"<b>{emphasize(title, spans(title, terms, lang), 'u')}</b>"
    for i, line in enumerate(lines):
        if bullets and i and line.startswith("• "):
            body = html.unescape(line[2:])
            lines[i] = "• " + emphasize(body, spans(body, terms, lang), "b")
    return "\n".join(lines)


def render_alert_plain(alert: Alert) -> str:
    """The same alert with no markup, for when Telegram rejects our HTML."""
    return _with_also(alert, _plain, markup=False)


def split_lines(
    lines: Sequence[str], header: str = "", limit: int = MAX_MESSAGE, sep: str = "\n"
) -> list[str]:
    """Pack lines into as few messages as fit `limit` UTF-16 units each.

    Lines are already escaped, each within `limit` (build them with `shorten`), and no tag spans
    two lines, so a message boundary never falls inside markup.
    """
    messages: list[str] = []
    current = header
    for line in lines:
        if utf16_len(line) > limit:
            raise ValueError("a line longer than a whole message: shorten it first")
        candidate = f"{current}{sep}{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = line
    if current:
        messages.append(current)
    return messages
