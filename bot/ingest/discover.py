"""A site's feeds from one of its pages: `<link rel="alternate">` first, then a few common paths.

Pure parsing: the caller fetched the page; this says which addresses are worth trying, in
order. Nothing here fetches, and every address it gives is an absolute http(s) URL without
credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from bot.text.urls import public_link

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
# Tried only when the page names no feed: what blogs, CMSs and news sites serve most often.
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/posts/default")
MAX_LINKS = 8  # a page listing more is a directory; the first ones are the site's own
MAX_HTML = 1_000_000  # characters of the page looked at: <link>s live in the <head>


@dataclass(frozen=True, slots=True)
class FeedLink:
    url: str
    title: str | None
    type: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[dict[str, str], int]] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        elif tag == "link":
            self.links.append((values, len(self.links)))
        elif tag == "body" and self.links:
            self.done = True  # the head's feeds are the site's; the body's are usually someone else's

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def absolute_http_url(href: str, base: str) -> str | None:
    """`href` resolved against `base`, when that is an http(s) URL with a host and no credentials;
    scheme and host lower-cased, the fragment dropped."""
    url = public_link(href, base)
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def feed_links(page: str | bytes, page_url: str) -> list[FeedLink]:
    """The feeds a page announces (`<link rel="alternate" type="application/rss+xml" href=...>`)."""
    if isinstance(page, bytes):
        page = page[: MAX_HTML * 2].decode("utf-8", errors="replace")
    parser = _LinkParser()
    try:
        parser.feed(page[:MAX_HTML])
        parser.close()
    except Exception:  # html.parser is lenient, but a hostile page must only cost us discovery
        pass
    base = page_url
    if parser.base:
        base = absolute_http_url(parser.base, page_url) or page_url
    found: list[FeedLink] = []
    seen: set[str] = set()
    for values, _ in parser.links:
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";", 1)[0].strip().lower()
        if "alternate" not in rels or kind not in FEED_TYPES:
            continue
        url = absolute_http_url(values.get("href", ""), base)
        if url is None or url in seen:
            continue
        seen.add(url)
        title = " ".join(values.get("title", "").split())[:120] or None
        found.append(FeedLink(url, title, kind))
        if len(found) >= MAX_LINKS:
            break
    return found


def common_feed_urls(page_url: str) -> list[str]:
    """The usual feed addresses on the page's site, to try when the page names none."""
    parts = urlsplit(page_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return []
    origin = f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1].lower()}"
    urls = [origin + path for path in COMMON_PATHS]
    path = parts.path.rstrip("/")
    if path and path.count("/") == 1:  # a section such as /world: its own feed is the likeliest
        urls[:0] = [f"{origin}{path}/feed", f"{origin}{path}/rss"]
    return [u for n, u in enumerate(urls) if u not in urls[:n] and u.rstrip("/") != page_url.rstrip("/")]
