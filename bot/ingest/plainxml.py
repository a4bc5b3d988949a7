"""What feedparser makes of one element of a plain feed, for bot.ingest.plainfeed's readers:
its names for elements, URI joining, language scoping, HTML guessing, text fixes, links, dates
and Media RSS pictures, through feedparser's own helpers where it has them."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date  # feedparser's own date reader: the same dates
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin as _Mixin
from feedparser.urls import _urljoin
from lxml import etree

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# namespaces feedparser knows, by URI: their elements have handlers, named with the prefix
_PREFIXES = {uri.lower(): prefix for uri, prefix in _Mixin.namespaces.items()}
# Elements feedparser has handlers for that change nothing bot.ingest.parse reads.
_HARMLESS = frozenset(
    [
        "author",
        "category",
        "comments",
        "dc_creator",
        "dc_subject",
        "dc_publisher",
        "dc_rights",
        "dc_contributor",
    ]
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ENTITY_NAME = re.compile("&([A-Za-z0-9_]+);")
# An absolute http(s) URL that urljoin returns as it is: lower-case scheme, a plain host, no
# params (;), no fragment, no empty query, ASCII only (tests/unit/test_plainfeed.py checks)
_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?"
    r"(?:\?[A-Za-z0-9._~!$&'()*+,=:@%/?-]+)?\Z"
)


@dataclass(frozen=True, slots=True)
class PlainFeed:
    feed: dict[str, Any]
    entries: list[dict[str, Any]]


class Refused(Exception):
    """Not a plain feed: feedparser reads it."""


def fix(text: str) -> str:
    """feedparser's last steps for every value of a UTF-8 document: UTF-8 mistaken for Latin-1 is
    decoded again, and C1 controls become the Windows-1252 characters they stand for."""
    text = text.strip()
    if not text.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("iso-8859-1").decode("utf-8")
        text = text.translate(_cp1252)
    return text


def text_of(element: etree._Element) -> str:
    if len(element):  # markup written as child elements, not escaped: feedparser re-serialises it
        raise Refused
    return fix(element.text or "")


def lang_of(element: etree._Element, inherited: str | None) -> str | None:
    lang = element.get(_XML_LANG)
    if lang is None:
        return inherited
    return lang.replace("_", "-") or None


def name_of(element: etree._Element) -> str:
    """The element's name as feedparser's handlers are named: `pubdate`, `content_encoded`,
    `media_thumbnail`; elements of namespaces it does not know keep the document's prefix."""
    tag = element.tag
    if not tag.startswith("{"):
        return tag.lower()
    uri, local = tag[1:].split("}", 1)
    prefix = _PREFIXES.get(uri.lower())
    if prefix is None:
        prefix = element.prefix or ""
    return f"{prefix}_{local}".lower() if prefix else local.lower()


def elements(parent: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The parent's child elements, each with its feedparser name (see name_of)."""
    for child in parent:
        if isinstance(child.tag, str):
            yield child, name_of(child)


def ignorable(element: etree._Element, name: str) -> bool:
    """Whether feedparser only files the element under a key nothing here reads."""
    if name in _HARMLESS:
        return True
    if len(element):
        return False
    return not (hasattr(_Mixin, f"_start_{name}") or hasattr(_Mixin, f"_end_{name}"))


def looks_like_html(text: str) -> bool:
    return bool(_Mixin.looks_like_html(text))


class Reader:
    """What RSS and Atom readers share: the base URI and language, links, guessed types, media."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.base = headers.get("content-location", "")
        lang = headers.get("content-language") or None
        self.lang = lang.replace("_", "-") if lang else None

    def uri(self, value: str) -> str:
        """feedparser's resolve_uri, which it applies to non-empty values only."""
        if not value:
            return value
        if _ABSOLUTE.match(value):  # joining gives it back unchanged: skip urllib's two parses
            return value
        return str(_urljoin(self.base, value))

    def link(self, entry: dict[str, Any], element: etree._Element) -> None:
        """A link element with an href (Atom's, also inside RSS items): feedparser's `_start_link`."""
        attrs = {key.lower(): value for key, value in element.attrib.items()}
        rel = attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
        href = attrs.pop("url", None) or attrs.pop("uri", None) or attrs.get("href")
        if not href:
            raise Refused  # feedparser then reads the element's text as the link
        attrs["href"] = self.uri(href)
        entry.setdefault("links", []).append(attrs)
        if rel == "alternate" and attrs["type"].lower() in _HTML_TYPES:
            entry["link"] = attrs["href"]

    def guessed(self, element: etree._Element, lang: str | None, kind: str) -> tuple[str, dict[str, Any]]:
        """An RSS text and its detail; feedparser guesses that plain text holding markup is HTML."""
        value = text_of(element)
        if kind == "text/plain" and looks_like_html(value):
            kind = "text/html"
        return value, {"type": kind, "language": lang, "value": value}

    def media(self, entry: dict[str, Any], element: etree._Element, name: str) -> None:
        if name == "media_group":
            for child, inner in elements(element):
                if not inner.startswith("media_") or inner in ("media_title", "media_description"):
                    raise Refused
                self.media(entry, child, inner)
        elif name == "media_content":
            entry.setdefault("media_content", []).append(dict(element.attrib))
            if any(inner not in ("media_credit", "media_copyright") for _, inner in elements(element)):
                raise Refused
        elif name == "media_thumbnail":
            attrs = dict(element.attrib)
            text = text_of(element)
            if text and "url" not in attrs:
                attrs["url"] = text
            entry.setdefault("media_thumbnail", []).append(attrs)
        elif not ignorable(element, name) and name not in ("media_credit", "media_rating", "media_keywords"):
            raise Refused  # media:description is a story's summary or content in feedparser


def date_of(text: str) -> time.struct_time | None:
    return _parse_date(text) if text else None


def enclosure(element: etree._Element) -> dict[str, Any]:
    attrs = dict(element.attrib)
    href = attrs.pop("url", None) or attrs.pop("uri", None) or attrs.get("href")
    if href:
        attrs.pop("uri", None)
        attrs["href"] = href
    attrs["rel"] = "enclosure"
    return attrs


def finish(entry: dict[str, Any]) -> None:
    entry["enclosures"] = [link for link in entry["links"] if link.get("rel") == "enclosure"]
