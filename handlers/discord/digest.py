"""A digest as Discord messages: the heading as the message text, one embed per story (linked
title, bullets for the first three, the subscriptions it matched, the source; Discord shows the
timestamp in each reader's own zone), at most 10 embeds and 6000 counted characters a message."""

from __future__ import annotations

from typing import Any

from bot.alerts.digest import heading
from bot.alerts.zones import zone_of
from bot.models import Digest
from handlers.discord.render import (
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    MESSAGE_MAX,
    alert_embed,
    embed_text_len,
    escape,
    one_line,
    safe_url,
    truncate,
    utf16_len,
)
from handlers.i18n import format_moment, t, tr

WITH_BULLETS = 1800  # budget of a story that carries its highlights
WITHOUT_BULLETS = 560  # 10 of these fit one message's 6000


def _title(digest: Digest, n: int, total: int) -> str:
    mark = f" ({n}/{total})" if total > 1 else ""
    return escape(tr(heading(digest, zone_of(digest.zone))), 300) + mark


def digest_messages(digest: Digest) -> list[dict[str, Any]]:
    """Message payloads ({"content", "embeds"}: embed dicts) in order."""
    pages: list[list[dict[str, Any]]] = [[]]
    used = 0
    for alert in digest.items:
        embed = alert_embed(alert, WITH_BULLETS if alert.bullets else WITHOUT_BULLETS)
        size = embed_text_len(embed)
        if pages[-1] and (len(pages[-1]) >= EMBEDS_PER_MESSAGE or used + size > EMBED_TOTAL_MAX):
            pages.append([])
            used = 0
        pages[-1].append(embed)
        used += size
    return [
        {"content": _title(digest, n, len(pages)), "embeds": page} for n, page in enumerate(pages, start=1)
    ]


def digest_texts(digest: Digest) -> list[str]:
    """The digest without embeds (after Discord refused them), split between stories."""
    blocks = []
    for alert in digest.items:
        meta = [escape(one_line(alert.source) or t("unknown source"), 100)]
        when = format_moment(alert.published, digest.zone)
        if when:
            meta.append(when)
        if alert.matched:
            meta.append(escape(", ".join(alert.matched), 300))
        lines = [escape(one_line(alert.title) or t("Untitled story"), 300), " · ".join(meta)]
        lines += [f"• {escape(one_line(b), 300)}" for b in alert.bullets if b.strip()]
        url = safe_url(alert.url)
        if url:
            lines.append(f"<{url}>")  # no preview card per story
        blocks.append(truncate("\n".join(lines), MESSAGE_MAX - 400))
    pages: list[list[str]] = [[]]
    for block in blocks:
        if pages[-1] and utf16_len("\n\n".join([*pages[-1], block])) > MESSAGE_MAX - 340:
            pages.append([])
        pages[-1].append(block)
    return [
        truncate("\n\n".join([_title(digest, n, len(pages)), *page]), MESSAGE_MAX)
        for n, page in enumerate(pages, start=1)
    ]
