"""A digest as Telegram messages: one heading, then each story as a block (linked title; source,
time in the chat's zone and the subscriptions it matched; bullets for the first three).

Each block is bounded well below Telegram's 4096 UTF-16 units, and messages are split only between
blocks, so a split never falls inside a story or inside markup. Parts after the first repeat the
heading with "(2/3)".
"""

from __future__ import annotations

import html

from bot.alerts.digest import heading
from bot.alerts.zones import zone_of
from bot.models import Alert, Digest
from handlers.i18n import format_moment, t, tr
from handlers.telegram.render import (
    MAX_MESSAGE,
    Escape,
    _plain,
    escape,
    one_line,
    safe_link,
    shorten,
    split_lines,
    utf16_len,
)

MAX_TITLE = 300
MAX_META = 400
MAX_BULLET = 300
MAX_BULLETS = 3  # per story: a digest is a list to scan, not a page of alerts
PART_MARK = 12  # room for " (12/34)" after the heading


def _block(alert: Alert, zone_name: str, esc: Escape, markup: bool, room: int) -> str:
    """The story's lines; within `room` units (bullets go first, then the link, then length)."""
    url = safe_link(alert.url)
    meta = [one_line(alert.source) or t("unknown source")]
    when = format_moment(alert.published, zone_name)
    if when:
        meta.append(when)
    if alert.matched:
        meta.append(", ".join(one_line(m) for m in alert.matched))
    bullets = [b for b in (one_line(b).removeprefix("• ").strip() for b in alert.bullets) if b]
    bullets = bullets[:MAX_BULLETS]
    title_max, meta_max = MAX_TITLE, MAX_META
    for attempt in range(4):
        title = shorten(one_line(alert.title) or t("(untitled)"), title_max, esc)
        if markup and url and attempt < 2:
            first = f'<a href="{html.escape(url, quote=True)}">{esc(title)}</a>'
        elif markup:
            first = f"<b>{esc(title)}</b>"
        else:
            first = f"{title} {url}" if url and attempt < 2 else title
        lines = [first, esc(shorten(" · ".join(meta), meta_max, esc))]
        if attempt == 0:
            lines += [f"• {esc(shorten(b, MAX_BULLET, esc))}" for b in bullets]
        block = "\n".join(lines)
        if utf16_len(block) <= room:
            return block
        title_max = meta_max = max(room // 3 - 8, 1)
    return esc(shorten(one_line(alert.title) or t("(untitled)"), room, esc))


def _render(digest: Digest, esc: Escape, markup: bool, limit: int) -> list[str]:
    head = tr(heading(digest, zone_of(digest.zone)))
    head_room = limit // 4  # a heading is one line; never let it crowd the stories out
    title = shorten(head, head_room - PART_MARK, esc)
    room = limit - utf16_len(esc(title)) - PART_MARK - (7 if markup else 0) - 2
    blocks = [_block(a, digest.zone, esc, markup, room) for a in digest.items]
    parts = split_lines(blocks, limit=room, sep="\n\n") or [""]
    out = []
    for n, body in enumerate(parts, start=1):
        mark = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        top = f"<b>{esc(title + mark)}</b>" if markup else title + mark
        out.append(f"{top}\n\n{body}" if body else top)
    return out


def render_digest(digest: Digest, limit: int = MAX_MESSAGE) -> list[str]:
    """Telegram HTML messages, each within `limit` UTF-16 units, in order."""
    return _render(digest, escape, markup=True, limit=limit)


def render_digest_plain(digest: Digest, limit: int = MAX_MESSAGE) -> list[str]:
    """The same digest without markup, for when Telegram rejects our HTML."""
    return _render(digest, _plain, markup=False, limit=limit)
