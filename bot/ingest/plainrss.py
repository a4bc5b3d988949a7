"""RSS 2.0 and RSS 1.0 (RDF) channels and items, read as feedparser reads them (see
bot.ingest.plainfeed); an item with anything not copied here raises Refused."""

from __future__ import annotations

from typing import Any

from lxml import etree

from bot.ingest.plainxml import (
    ENTITY_NAME,
    RDF,
    RSS1,
    PlainFeed,
    Reader,
    Refused,
    date_of,
    elements,
    enclosure,
    finish,
    ignorable,
    lang_of,
    text_of,
)


class RssReader(Reader):
    def rss(self, root: etree._Element) -> PlainFeed | None:
        rdf = root.tag == f"{RDF}RDF"
        channel = root.find(f"{RSS1}channel" if rdf else "channel")
        if channel is None:
            return None
        top = lang_of(root, self.lang)  # feedparser takes the root's xml:lang as the feed's language
        feed: dict[str, Any] = {"language": top} if top else {}
        lang = lang_of(channel, top)
        items = root.iterfind(f"{RSS1}item") if rdf else channel.iterfind("item")
        for child, name in elements(channel):
            if name == "title" and "title" not in feed:
                feed["title"] = text_of(child)
            elif name == "link" and not child.get("href"):
                feed["link"] = ENTITY_NAME.sub(r"&\g<1>", self.uri(text_of(child)))
            elif name in ("language", "dc_language"):
                feed["language"] = text_of(child)
        entries = [self.item(item, lang_of(item, lang)) for item in items]
        return PlainFeed(feed, entries)

    def item(self, item: etree._Element, lang: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"links": []}
        about = item.get(f"{RDF}about")
        if about:
            entry["id"] = about  # RSS 1.0: feedparser's id, never a link
        guid_link: str | None = None
        media_title: dict[str, Any] | None = None
        reset = False  # a <source> resets feedparser's "title seen" mark
        for child, name in elements(item):
            here = lang_of(child, lang)
            if name == "title":
                if "title" in entry:
                    raise Refused
                entry["title"], entry["title_detail"] = self.guessed(child, here, "text/plain")
            elif name == "link":
                if child.get("href") or child.get("url") or child.get("uri"):
                    self.link(entry, child)
                    continue
                value = self.uri(text_of(child))
                value = ENTITY_NAME.sub(r"&\g<1>", value.replace("&amp;", "&"))
                entry["link"] = value
                entry["links"].append({"rel": "alternate", "type": "text/html", "href": value})
            elif name in ("guid", "id"):
                if "id" in entry:
                    raise Refused
                permalink = {k.lower(): v for k, v in child.attrib.items()}.get(
                    "ispermalink", "true"
                ) == "true"
                value = text_of(child)
                entry["id"] = self.uri(value) if permalink and value else value
                if permalink:
                    guid_link = entry["id"]
            elif name == "description":
                if "summary" in entry:
                    raise Refused  # a second one becomes content in feedparser
                entry["summary"], entry["summary_detail"] = self.guessed(child, here, "text/html")
            elif name == "content_encoded":
                value = text_of(child)
                entry.setdefault("content", []).append(
                    {"type": "text/html", "language": here, "value": value}
                )
            elif name == "pubdate":
                entry["published_parsed"] = date_of(text_of(child))
            elif name == "dc_date":
                entry["updated_parsed"] = date_of(text_of(child))
            elif name in ("language", "dc_language"):
                entry["language"] = text_of(child)
            elif name == "enclosure":
                entry["links"].append(enclosure(child))
            elif name == "media_title":
                if reset and "title" in entry:
                    raise Refused
                value, detail = self.guessed(child, here, "text/plain")
                media_title = {"title": value, "title_detail": detail}
            elif name.startswith("media_"):
                self.media(entry, child, name)
            elif name == "source":
                if len(child):
                    raise Refused
                reset = True
            elif not ignorable(child, name):
                raise Refused  # an element feedparser reads in a way not copied here
        if "title" not in entry and media_title is not None:
            entry.update(media_title)  # a title only when the item has none of its own
        if guid_link is not None and "link" not in entry:
            entry["link"] = guid_link
        finish(entry)
        return entry
