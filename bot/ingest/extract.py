"""The article body of a fetched page, for feeds that ship only a teaser.

Main-content detection is trafilatura's job (a maintained extractor evaluated on real pages);
we only normalise its output into the same one-block-per-line text html_to_text produces.
"""

from __future__ import annotations

import logging

from bot.text.clean import html_to_text

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 3_000_000  # pages beyond this are not articles worth parsing on the poll path
MIN_WORDS = 40  # less than this is a paywall stub or an index page, not an article


def extract_main_text(html: str | bytes, url: str | None = None) -> str | None:
    """The page's article body as html_to_text-style text, or None when nothing article-like is found."""
    if not html:
        return None
    try:
        import trafilatura  # imported lazily: it is heavy and only the teaser path needs it

        page = html[:MAX_PAGE_BYTES]
        body = trafilatura.extract(
            page,
            url=url,
            output_format="html",
            include_comments=False,
            include_images=False,
            include_tables=True,
            include_links=False,
            deduplicate=True,
        )
    except Exception:  # a hostile or broken page must only cost us the enrichment
        log.warning("article extraction failed for %s", url, exc_info=True)
        return None
    if not body:
        return None
    text = html_to_text(body)
    if len(text.split()) < MIN_WORDS:
        return None
    return text
