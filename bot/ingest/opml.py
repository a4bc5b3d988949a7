"""Feed lists in and out: OPML 1.0/2.0 (nested outlines too) or a plain list of URLs; OPML 2.0 out.

Pure: no network and no file system. The XML is parsed with defusedxml, which refuses entity
declarations (billion laughs) and external references (XXE) instead of expanding them; the
input is capped before parsing, and so is the number of feeds taken from it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BYTES = 2_000_000  # an OPML of a few thousand feeds is ~500 KB
MAX_FEEDS = 500
_MAX_TITLE = 200
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class FeedListError(ValueError):
    """The document is neither OPML nor a list of URLs; the message says why (safe to show)."""


@dataclass(frozen=True, slots=True)
class ListedFeed:
    url: str  # as written in the file (vetting normalises and checks it)
    title: str | None  # the outline's title/text, a default name


@dataclass(frozen=True, slots=True)
class FeedList:
    feeds: tuple[ListedFeed, ...]
    title: str | None = None  # the OPML head title
    truncated: int = 0  # feeds beyond MAX_FEEDS, left out


def parse_feed_list(data: bytes, max_feeds: int = MAX_FEEDS) -> FeedList:
    """An OPML document or a plain list of URLs (one a line, `#` comments) -> the feeds in it."""
    if len(data) > MAX_BYTES:
        raise FeedListError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    text_start = data.lstrip()
    for bom in _BOMS:
        text_start = text_start.removeprefix(bom).lstrip()
    if text_start.startswith(b"<"):
        return _parse_opml(data, max_feeds)
    return _parse_plain(data, max_feeds)


def _parse_opml(data: bytes, max_feeds: int) -> FeedList:
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedListError("the file declares XML entities, which are not accepted") from None
    except ET.ParseError as exc:
        raise FeedListError(f"not valid XML ({exc})") from None
    if _local(root.tag) != "opml":
        raise FeedListError(f"an XML file but not OPML (its root element is <{_local(root.tag)}>)")
    head_title = None
    for element in root:
        if _local(element.tag) == "head":
            for child in element:
                if _local(child.tag) == "title" and child.text:
                    head_title = _clean(child.text)
    feeds: list[ListedFeed] = []
    seen: set[str] = set()
    truncated = 0
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder (nested outlines) or a link outline without a feed
        if url in seen:
            continue
        seen.add(url)
        if len(feeds) >= max_feeds:
            truncated += 1
            continue
        title = _clean(attrs.get("title") or attrs.get("text") or "")
        feeds.append(ListedFeed(url, title or None))
    return FeedList(tuple(feeds), head_title or None, truncated)


def _parse_plain(data: bytes, max_feeds: int) -> FeedList:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedListError("not OPML and not a UTF-8 text list of feed addresses") from None
    if "\x00" in text:
        raise FeedListError("not OPML and not a text list of feed addresses")
    feeds: list[ListedFeed] = []
    seen: set[str] = set()
    truncated = 0
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "//")):
            continue
        url = line.split()[0]
        if url in seen:
            continue
        seen.add(url)
        if len(feeds) >= max_feeds:
            truncated += 1
            continue
        feeds.append(ListedFeed(url, None))
    if not feeds:
        raise FeedListError("the file lists no feed addresses")
    return FeedList(tuple(feeds), None, truncated)


def _local(tag: object) -> str:
    """The element name without a namespace ('{ns}outline' -> 'outline'); comments have none."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _clean(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:_MAX_TITLE]


@dataclass(frozen=True, slots=True)
class ExportedFeed:
    url: str
    title: str


def export_opml(
    feeds: Sequence[ExportedFeed], *, title: str = "newsbot sources", now: datetime | None = None
) -> bytes:
    """An OPML 2.0 document with one `type="rss"` outline per feed, UTF-8 with a declaration."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = _clean(feed.title) or feed.url
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
