"""The picture of a story: media:content, media:thumbnail, an image enclosure, or a page's og:image.

Only addresses are found here; nothing is downloaded, by this module or by the bot (the chat
platform fetches the image for the preview). Every address is checked like a link: absolute
http(s) with a host, no credentials, printable, of reasonable length.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from bot.text.urls import public_link

MAX_HTML = 500_000  # characters of a page searched for its og:image: meta tags are in the head
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_PAGE_KEYS = ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src")


def safe_image_url(url: object, base: str | None = None) -> str | None:
    """`url` (resolved against `base`) when it is fit to hand to a chat platform, else None."""
    return public_link(url, base)


def _number(value: object) -> int:
    try:
        return int(str(value).strip().rstrip("px"))
    except (TypeError, ValueError):
        return 0


def _is_pixel(media: Mapping[str, Any]) -> bool:
    """A 1x1 tracking image is not the story's picture."""
    width, height = _number(media.get("width")), _number(media.get("height"))
    return (0 < width <= 2) or (0 < height <= 2)


def _looks_like_image(url: str, kind: str, medium: str) -> bool:
    if medium:
        return medium == "image"
    if kind:
        return kind.startswith("image/")
    return urlsplit(url).path.lower().endswith(_IMAGE_EXTENSIONS)


def _best(
    candidates: Iterable[Mapping[str, Any]], key: str, base: str | None, need_image: bool
) -> str | None:
    best: tuple[int, int, str] | None = None
    for n, media in enumerate(candidates):
        if not isinstance(media, Mapping) or _is_pixel(media):
            continue
        url = safe_image_url(media.get(key), base)
        if url is None:
            continue
        kind = str(media.get("type") or "").strip().lower()
        medium = str(media.get("medium") or "").strip().lower()
        if need_image and not _looks_like_image(url, kind, medium):
            continue
        size = _number(media.get("width"))
        rank = (-size, n, url)  # the widest, else the first
        if best is None or rank < best:
            best = rank
    return best[2] if best is not None else None


def entry_image(entry: Mapping[str, Any], base: str | None = None) -> str | None:
    """The image of a feedparser entry: media:content, then media:thumbnail, then an enclosure."""
    found = _best(_list(entry.get("media_content")), "url", base, need_image=True)
    if found:
        return found
    found = _best(_list(entry.get("media_thumbnail")), "url", base, need_image=False)
    if found:
        return found
    enclosures = [*_list(entry.get("enclosures"))]
    enclosures += [link for link in _list(entry.get("links")) if str(link.get("rel", "")) == "enclosure"]
    for enclosure in enclosures:
        kind = str(enclosure.get("type") or "").strip().lower()
        url = safe_image_url(enclosure.get("href") or enclosure.get("url"), base)
        if url and (kind.startswith("image/") or (not kind and _looks_like_image(url, "", ""))):
            return url
    return None


def _list(value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping)]
    return []


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "body":
            self.done = True
            return
        if tag != "meta":
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        name = (values.get("property") or values.get("name") or "").strip().lower()
        if name in _PAGE_KEYS and values.get("content") and name not in self.found:
            self.found[name] = values["content"]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def page_image(page: str | bytes, page_url: str) -> str | None:
    """A fetched page's og:image (or twitter:image), resolved against the page's address."""
    if isinstance(page, bytes):
        page = page[: MAX_HTML * 2].decode("utf-8", errors="replace")
    parser = _MetaParser()
    try:
        parser.feed(page[:MAX_HTML])
        parser.close()
    except Exception:  # a hostile page only costs us its picture
        return None
    for key in _PAGE_KEYS:
        url = safe_image_url(parser.found.get(key), page_url)
        if url:
            return url
    return None
