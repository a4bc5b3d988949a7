"""Related headlines inside a story's own lists: items that are only a link to another page."""

from __future__ import annotations

from lxml import etree


def drop_related_links(root: etree._Element) -> None:
    """A list that mixes story items with items that are only a link to another page: the
    link-only items are related headlines (20minutos ends its summary bullets with them)."""
    for listing in list(root.iter("ul", "ol")):
        items = [li for li in listing if isinstance(li.tag, str) and li.tag.lower() == "li"]
        kinds = [_link_only(li) for li in items]
        if True in kinds and False in kinds:
            for li, link_only in zip(items, kinds, strict=True):
                if link_only:
                    li.drop_tree()


def _link_only(item: etree._Element) -> bool | None:
    """True when the item's text is (nearly) all link text pointing elsewhere; None when empty."""
    letters = sum(ch.isalnum() for ch in item.text_content() or "")
    if not letters:
        return None
    linked = sum(
        ch.isalnum() for a in item.iter("a") if _is_page_link(a.get("href")) for ch in a.text_content() or ""
    )
    return linked >= 0.9 * letters


def _is_page_link(href: str | None) -> bool:
    href = (href or "").strip().lower()
    return bool(href) and not href.startswith(("#", "mailto:", "tel:", "javascript:"))
