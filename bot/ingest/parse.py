"""Feed bytes -> immutable Article records. feedparser's dicts never leave this module.

feedparser is lenient (a damaged feed still yields its readable entries) but has traps we close
here: given bytes that look like a path it opens that file, so it only ever gets a stream; a
DOCTYPE's entity declarations could expand exponentially, so they are removed first; and a
wrong declared charset on UTF-8 bytes would turn every accent into mojibake.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from bot.ingest.identity import article_key, title_key
from bot.ingest.images import entry_image
from bot.ingest.plainfeed import read_plain
from bot.models import Article
from bot.text.clean import html_to_text
from bot.text.lang import article_language, entry_tags
from bot.text.titles import clean_title
from bot.text.urls import canonical_url

MAX_ENTRIES = 500
MAX_TEXT = 100_000  # characters of clean text per entry
_MAX_MARKUP = 400_000  # characters of entry HTML handed to the cleaner
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# A DOCTYPE with an internal subset: `<!DOCTYPE rss [ ... ]>`.
_DOCTYPE_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
_PROLOG = 16_384
# A UTF-8 lead byte read as cp1252 (Ã, Â, Ð, Ñ, â...) followed by a continuation byte read the same way.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class ParsedFeed:
    articles: tuple[Article, ...]
    title: str | None
    is_feed: bool
    problem: str | None  # why the feed is damaged or not a feed; None when clean


def parse_feed(
    body: bytes,
    *,
    source: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    now: datetime,
    use_plain: bool = True,
) -> ParsedFeed:
    """Parse fetched bytes. Never raises for bad input: damage is reported in `problem`.
    `use_plain=False` always takes feedparser (the reference that tests compare the fast path to)."""
    if not body.strip():
        return ParsedFeed((), None, False, "empty response")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    headers.setdefault("content-location", url)  # base for relative links
    # No content type is not a fault of the feed; XML's defaults (declaration, else UTF-8) apply.
    headers.setdefault("content-type", "application/xml")
    if _utf8_override(body, headers):
        media = headers["content-type"].split(";", 1)[0].strip() or "application/xml"
        headers["content-type"] = f"{media}; charset=utf-8"
    plain = read_plain(body, headers) if use_plain else None
    if plain is not None:  # most feeds: lxml reads them a hundred times faster than feedparser
        return _parsed(plain.entries, plain.feed, True, None, body, source, now, headers)
    try:
        parsed = feedparser.parse(
            io.BytesIO(_fix_surrogates(_defuse_entities(body))), response_headers=headers
        )
    except (ValueError, LookupError, RecursionError) as exc:  # the feed library's own limits
        return ParsedFeed((), None, False, f"unreadable feed ({type(exc).__name__})")
    entries = parsed.get("entries") or []
    problem = None
    exc = parsed.get("bozo_exception")
    # Feeds served as text/html or text/plain are common and harmless: not worth a warning.
    if parsed.get("bozo") and not isinstance(exc, feedparser.NonXMLContentType):
        problem = f"{type(exc).__name__}: {exc}"[:200] if exc is not None else "malformed feed"
    is_feed = bool(parsed.get("version")) or bool(entries)
    return _parsed(entries, parsed.get("feed") or {}, is_feed, problem, body, source, now, headers)


def _parsed(
    entries: list[Any],
    feed: Mapping[str, Any],
    is_feed: bool,
    problem: str | None,
    body: bytes,
    source: str,
    now: datetime,
    headers: Mapping[str, str],
) -> ParsedFeed:
    """The articles of feedparser-shaped entries (from feedparser or bot.ingest.plainfeed)."""
    title = clean_title(_repair_mojibake(feed.get("title") or ""), html_type=False) or None
    if not is_feed:
        kind = "an HTML page" if _HTML_START.match(body[:_PROLOG]) else "no feed elements"
        return ParsedFeed((), None, False, f"not an RSS/Atom feed ({kind})")
    articles = []
    shared = _shared_guids(entries[:MAX_ENTRIES], feed.get("link") or "")
    for entry in entries[:MAX_ENTRIES]:
        article = _article(entry, source, now, feed, headers, shared)
        if article is not None:
            articles.append(article)
    return ParsedFeed(tuple(articles), title, True, problem)


_SURROGATE_PAIR = re.compile(
    rb"&#(?:x([dD][89abAB][0-9a-fA-F]{2})|(5[5-6]\d{3}));&#(?:x([dD][c-fC-F][0-9a-fA-F]{2})|(5[6-7]\d{3}));"
)
_LONE_SURROGATE = re.compile(rb"&#(?:x[dD][89a-fA-F][0-9a-fA-F]{2}|5[5-7]\d{3});")


def _fix_surrogates(body: bytes) -> bytes:
    """Emoji written as UTF-16 surrogate pairs (&#55357;&#56832;) crash feedparser: combine them."""
    if b"&#" not in body:
        return body

    def combine(match: re.Match[bytes]) -> bytes:
        high = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        low = int(match.group(3), 16) if match.group(3) else int(match.group(4))
        if not (0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF):
            return b"&#xFFFD;&#xFFFD;"
        return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    def lone(match: re.Match[bytes]) -> bytes:
        text = match.group()[2:-1]
        value = int(text[1:], 16) if text[:1] in (b"x", b"X") else int(text)
        return b"&#xFFFD;" if 0xD800 <= value <= 0xDFFF else match.group()

    return _LONE_SURROGATE.sub(lone, _SURROGATE_PAIR.sub(combine, body))


def _defuse_entities(body: bytes) -> bytes:
    """Drop a DOCTYPE's internal subset when it declares entities (billion laughs, XXE).

    Undeclared entity references then make the strict parser fail and the lenient one keep them
    as text, which is harmless. Expat's own amplification limit is the second line of defence.
    """
    doctype = _DOCTYPE.search(body[:_PROLOG])
    if doctype is None:
        return body
    subset = _DOCTYPE_SUBSET.match(body, doctype.start())
    if subset is None:  # an unterminated subset: the document is broken anyway, just disarm it
        return _ENTITY_DECL.sub(b"", body)
    if b"<!ENTITY" not in subset.group(0).upper():
        return body
    return body[: subset.start()] + subset.group(1).rstrip() + b">" + body[subset.end() :]


def _declared_charset(body: bytes, headers: Mapping[str, str]) -> str:
    ctype = headers.get("content-type", "")
    found = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", ctype, re.IGNORECASE)
    if found:
        return found.group(1).lower()
    decl = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", body[:512])
    return decl.group(1).decode("ascii").lower() if decl else ""


def _utf8_override(body: bytes, headers: Mapping[str, str]) -> str | None:
    """'utf-8' when the bytes are UTF-8 but declared as something else.

    Valid multi-byte UTF-8 almost never happens by chance in Latin-1 or Cyrillic text, so it
    is better evidence than a declaration copied from a template.
    """
    if body.startswith(_BOMS) or b"\x00" in body[:1024]:
        return None
    declared = _declared_charset(body, headers)
    if declared in ("", "utf-8", "utf8") or body.isascii():
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 and re-encoded ('Ð¯Ð½Ð´ÐµÐºÑ' -> 'Яндекс')."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        raw = bytes(ord(ch) if ord(ch) < 256 else ch.encode("cp1252")[0] for ch in text)
        repaired = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text  # not a clean round trip: leave the text as the publisher sent it
    return repaired


def _shared_guids(entries: list[Any], site: str) -> set[str]:
    """Guids that do not identify one story: used by two entries of the feed, or the site's own link."""
    counts: dict[str, int] = {}
    for entry in entries:
        guid = str(entry.get("id") or "").strip()
        if guid:
            counts[guid] = counts.get(guid, 0) + 1
    shared = {guid for guid, n in counts.items() if n > 1}
    if site:
        home = canonical_url(site)
        # a guid can only be the site's address if it holds the site's host (canonical_url keeps it)
        try:
            host = (urlsplit(home).hostname or home).lower()
        except ValueError:
            host = ""
        shared |= {guid for guid in counts if host in guid.lower() and canonical_url(guid) == home}
    return shared


def _article(
    entry: Any,
    source: str,
    now: datetime,
    feed: Mapping[str, Any],
    headers: Mapping[str, str],
    shared: set[str] = frozenset(),  # type: ignore[assignment]
) -> Article | None:
    link = _http_link(entry.get("link", ""))
    guid = str(entry.get("id") or "").strip()
    summary = entry.get("summary") or ""
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    markup = contents[0] if contents and len(contents[0]) > len(summary) else summary
    # Repair before cleaning: the cleaner normalises spaces, which breaks the byte round trip.
    text = _clip(html_to_text(_repair_mojibake(markup[:_MAX_MARKUP]))) if markup else ""
    detail = entry.get("title_detail") or {}
    title = clean_title(
        _repair_mojibake(entry.get("title") or ""), html_type="html" in str(detail.get("type", ""))
    )
    if not title:
        title = _first_words(text) or link
    if not title:
        return None  # nothing to show or to match
    return Article(
        key=article_key(_qualified(guid, source) if guid not in shared else None, link or None, title, text),
        source=source,
        title=title,
        url=link,
        published=_published(entry, now),
        text=text,
        fetched_at=now,
        guid=guid,
        title_key=title_key(title),
        url_key=canonical_url(link) if link else "",
        image=entry_image(entry, base=link or None) or "",
        lang=article_language(entry_tags(entry, feed), title, text, headers=headers),
    )


def _qualified(guid: str, source: str) -> str | None:
    """Guids like "1234" are unique only within their feed; URLs, tags and URNs are global."""
    if not guid:
        return None
    if "://" in guid or guid.lower().startswith(("tag:", "urn:")):
        return guid
    return f"{source}#{guid}"


def _http_link(link: str) -> str:
    link = str(link or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else ""


def _first_words(text: str, limit: int = 120) -> str:
    line = text.split("\n", 1)[0].lstrip("• ").strip()
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"


def _clip(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT)
    return text[: cut if cut > MAX_TEXT // 2 else MAX_TEXT]


def _published(entry: Any, now: datetime) -> datetime | None:
    """The entry's date in UTC; a date in the future is clamped to now; none or nonsense -> None."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # bypass feedparser's deprecated key aliasing (and its warning)
        if not parsed:
            continue
        try:
            when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, OSError, TypeError):
            continue
        return min(when, now)
    return None
