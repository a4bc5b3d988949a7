"""Feed titles as their publisher meant them: no markup, no script bodies, entities resolved.

Feeds ship titles as plain text, as escaped HTML, and as CDATA holding raw HTML
(``<![CDATA[<b>AT&amp;T</b> deal <script>…</script>]]>``). Whatever arrives, the title shown is
its text: tags stripped (a bold word stays one word), the bodies of script and style dropped,
entities resolved (twice-escaped markup too), and comparison signs that are not tags kept
("rates < 3% and > 4%").
"""

from __future__ import annotations

import html
import re

MAX_TITLE = 300
_HIDDEN = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
# Only what really looks like a tag: "<b>", "</a>", '<img src="…"/>' — never "< 3%".
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
_INLINE = frozenset(
    (
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    )
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")


def _strip_markup(text: str) -> str:
    text = _HIDDEN.sub(" ", _COMMENT.sub(" ", _CDATA.sub("", text)))
    return _TAG.sub(lambda m: "" if m.group(1).lower() in _INLINE else " ", text)


def _looks_marked_up(text: str) -> bool:
    return bool(_TAG.search(text) or "<!--" in text or "<![CDATA[" in text)


def clean_title(raw: object, *, html_type: bool = False, limit: int = MAX_TITLE) -> str:
    """The title's text on one line, at most `limit` characters (cut at a word, with "…")."""
    title = str(raw or "")
    # Escaped markup ("&lt;b&gt;") becomes markup once unescaped, and "&amp;amp;" takes two rounds.
    for _ in range(3):
        if html_type or _looks_marked_up(title):
            title = _strip_markup(title)
        html_type = False
        if not _ENTITY.search(title):
            break
        title = html.unescape(title)
    if _looks_marked_up(title):
        title = _strip_markup(title)
    title = " ".join(_CONTROL.sub("", title).split())
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"
