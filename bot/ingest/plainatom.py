"""Atom 1.0 feeds and entries, read as feedparser reads them (see bot.ingest.plainfeed); an
entry with anything not copied here (xhtml or base64 text, a source, out-of-line content) raises
Refused."""

from __future__ import annotations

from typing import Any

from lxml import etree

from bot.ingest.plainxml import (
    PlainFeed,
    Reader,
    Refused,
    date_of,
    elements,
    finish,
    ignorable,
    lang_of,
    text_of,
)


class AtomReader(Reader):
    def atom(self, root: etree._Element) -> PlainFeed:
        lang = lang_of(root, self.lang)
        feed: dict[str, Any] = {"language": lang} if lang else {}
        entries = []
        for child, name in elements(root):
            if name == "title" and "title" not in feed:
                feed["title"] = self.atom_text(child, lang_of(child, lang))[0]
            elif name == "link" and child.get("href"):
                links: dict[str, Any] = {}
                self.link(links, child)
                if "link" in links:
                    feed["link"] = links["link"]
            elif name == "entry":
                entries.append(self.entry(child, lang_of(child, lang)))
        return PlainFeed(feed, entries)

    def atom_text(self, element: etree._Element, lang: str | None) -> tuple[str, dict[str, Any]]:
        kind = element.get("type", "text").lower()
        kind = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(kind, kind)
        if kind not in ("text/plain", "text/html") or element.get("mode"):
            raise Refused  # xhtml, base64 and other media types
        value = text_of(element)
        return value, {"type": kind, "language": lang, "value": value}

    def entry(self, element: etree._Element, lang: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"links": []}
        guid_link: str | None = None
        content: str | None = None
        for child, name in elements(element):
            here = lang_of(child, lang)
            if name == "title":
                if "title" in entry:
                    raise Refused
                entry["title"], entry["title_detail"] = self.atom_text(child, here)
            elif name == "link":
                self.link(entry, child)
            elif name == "id":
                if "id" in entry:
                    raise Refused
                # feedparser reads an Atom id as an RSS permalink guid: joined to the base as a
                # URI, and the entry's link when it has none
                value = text_of(child)
                entry["id"] = self.uri(value) if value else value
                guid_link = entry["id"]
            elif name == "summary":
                if "summary" in entry:
                    raise Refused
                entry["summary"], entry["summary_detail"] = self.atom_text(child, here)
            elif name == "content":
                if "content" in entry or child.get("src"):
                    raise Refused
                content, detail = self.atom_text(child, here)
                entry["content"] = [detail]
            elif name in ("published", "issued"):
                entry["published_parsed"] = date_of(text_of(child))
            elif name in ("updated", "modified"):
                entry["updated_parsed"] = date_of(text_of(child))
            elif name.startswith("media_") and name != "media_title":
                self.media(entry, child, name)
            elif name in ("author", "contributor"):
                continue  # name, email, uri: an author's, read by nothing here
            elif name != "rights" and not ignorable(child, name):
                raise Refused
        if content is not None:
            entry.setdefault("summary", content)  # feedparser copies content into a missing summary
        if guid_link is not None and "link" not in entry:
            entry["link"] = guid_link
        finish(entry)
        return entry
