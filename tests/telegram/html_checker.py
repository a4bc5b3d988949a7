"""A strict checker for the subset of HTML Telegram accepts in parse_mode=HTML."""

from __future__ import annotations

import re

ALLOWED = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(), "s": set(),
    "strike": set(), "del": set(), "tg-spoiler": set(), "code": set(), "pre": set(), "blockquote": set(),
    "span": {"class"}, "a": {"href"},
}  # fmt: skip
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r'<(/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>')
_ATTR = re.compile(r'([a-z-]+)="([^"<>]*)"')


class InvalidTelegramHtml(AssertionError):
    pass


def _check_entities(text: str, where: str) -> None:
    for i, ch in enumerate(text):
        if ch == "&" and not _ENTITY.match(text, i):
            raise InvalidTelegramHtml(f"bare & in {where} at {i}: {text[i : i + 12]!r}")
        if ch in "<>":
            raise InvalidTelegramHtml(f"bare {ch} in {where} at {i}")


def check_telegram_html(markup: str) -> str:
    """Raise InvalidTelegramHtml unless `markup` is valid; return the visible text (entities kept)."""
    stack: list[str] = []
    visible: list[str] = []
    pos = 0
    while pos < len(markup):
        lt = markup.find("<", pos)
        chunk = markup[pos : lt if lt >= 0 else len(markup)]
        _check_entities(chunk, "text")
        visible.append(chunk)
        if lt < 0:
            break
        tag = _TAG.match(markup, lt)
        if tag is None:
            raise InvalidTelegramHtml(f"bare < or malformed tag at {lt}: {markup[lt : lt + 20]!r}")
        closing, name, attrs = tag.group(1) == "/", tag.group(2), tag.group(3)
        if name not in ALLOWED:
            raise InvalidTelegramHtml(f"tag <{name}> is not allowed")
        if closing:
            if attrs or not stack or stack.pop() != name:
                raise InvalidTelegramHtml(f"unbalanced </{name}>")
        else:
            for attr, value in _ATTR.findall(attrs):
                if attr not in ALLOWED[name]:
                    raise InvalidTelegramHtml(f"attribute {attr} not allowed on <{name}>")
                _check_entities(value, f"{name}.{attr}")
            stack.append(name)
        pos = tag.end()
    if stack:
        raise InvalidTelegramHtml(f"unclosed tags {stack}")
    return "".join(visible)


def hrefs(markup: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)">', markup)
