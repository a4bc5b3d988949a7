"""Article identity: one key per story, whatever feed, tracking tag or syndicated copy it comes in."""

from __future__ import annotations

import hashlib
import re

from bot.text.tokens import fold
from bot.text.urls import canonical_url

_NON_WORD = re.compile(r"[\W_]+")
_MIN_TITLE_WORDS = 4  # shorter titles ("Live updates", "Morning briefing") are too generic to merge on


def title_key(title: str) -> str:
    """Folded title with punctuation and spacing collapsed: equal for syndicated copies of a story.

    Empty for titles under four words, which are too generic to identify a story.
    """
    words = _NON_WORD.sub(" ", fold(title)).split()
    return " ".join(words) if len(words) >= _MIN_TITLE_WORDS else ""


def article_key(guid: str | None, link: str | None, title: str, summary: str) -> str:
    """The story's identity: its guid, else its canonical link, else a hash of its words.

    The guid comes first because a publisher keeps it when it fixes a headline and its URL slug;
    the caller passes None for a guid that does not identify one story (a bare link that other
    entries of the feed share). The canonical link and the title stay extra keys (url_key,
    title_key) so the same story in two feeds is still seen once.
    """
    if guid and guid.strip():
        return guid.strip()
    if link and link.strip():
        canonical = canonical_url(link)
        if canonical.startswith(("http://", "https://")):
            return canonical
    if link and link.strip():
        return link.strip()
    digest = hashlib.sha256(f"{fold(title).strip()}\n{summary.strip()}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"
