"""Feed and page HTML -> clean text (one block per line), boilerplate removal, sentence splitting.

Everything here is defensive: feed content is untrusted and often malformed, so the
public functions never raise and cap their input.
"""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

from bot.text.related import drop_related_links
from bot.text.sentences import is_caseless, split_caseless

MAX_INPUT = 200_000  # characters; a story body is far smaller, anything beyond is noise or abuse
BULLET = "• "


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Elements whose whole subtree is never article text.
_DROP_TAGS = _word_set(
    "script style noscript template figure figcaption picture video audio object embed canvas map "
    "svg iframe nav aside footer form button select textarea input label menu dialog head"
)
_BLOCK_TAGS = _word_set(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre tr table section article main br hr "
    "address center details summary body html"
)
# class/id words of share bars, comment threads, related-story rails and the like.
_BOILER_ATTR = re.compile(
    r"(?:^|[\s_-])(share|sharing|social|comments?|related|recommend(?:ed|ations)?|newsletter|subscribe|"
    r"promo|advert|advertisement|ads?|sidebar|breadcrumbs?|cookie|popup|modal|signup|paywall|"
    r"also-like|more-stories|tags|disqus|outbrain|taboola|caption|credit)(?:$|[\s_-])",
    re.IGNORECASE,
)
_LIST_MARK = re.compile(r"^\s*(?:[•·▪◦‣●*–—-]|\d{1,2}[.)])\s+(?=\S)")
_TAG_LIKE = re.compile(r"<[A-Za-z/!?][^<>]{0,2000}>")
_HAS_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*\b[^<>]*|/[A-Za-z][A-Za-z0-9]*\s*|!--.*?--)>", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Whole blocks that are site furniture, not story.
MAX_FURNITURE_WORDS = 8
_BOILER_LINE = re.compile(
    r"^(?:you (?:may|might) (?:also )?(?:like|enjoy)|"
    r"related(?: (?:articles?|stories|posts|content|coverage))?|"
    r"leave a (?:comment|reply)|\d*\s*comments?|no comments(?: yet)?|post a comment|add a comment|"
    r"share(?: this)?(?: (?:article|story|post))?(?: on \w+)?|share on \w+|tweet|email|print|"
    r"read more|continue reading|click here|advertisement|sponsored(?: content)?|"
    r"(?:sign up|subscribe)\b.*|follow us\b.*|recommended(?: for you)?|most (?:popular|read)|"
    r"(?:tags?|filed under|topics?)\s*:.*|all rights reserved.*|copyright\s*(?:©|\(c\)|\d{4}).*|©.*|"
    r"(?:photo|image|picture|video|graphic)s?(?: credit)?\s*(?:[:|/]|by\b).*|credit\s*:.*|"
    r"(?:by|from)\s*\.?\s*$|skip to (?:main )?content|back to top|loading\.*)[\s.:!»›→…]*$",
    re.IGNORECASE,
)
_TRAILERS = (
    re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.IGNORECASE),
    re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|\(\s*(?:…|\.\.\.)\s*\))\s*$"),
    re.compile(r"\s*(?:read more|continue reading|read the full (?:story|article))\b[^.!?]{0,80}$", re.I),
)
# Photo credits inside a block: "(AP Photo/Jane Doe)", "(Photo: Reuters)", "Getty Images".
_CREDITS = re.compile(
    r"\s*\((?:AP |AFP |Reuters )?(?:photo|image|picture|file photo)s?\b[^()]{0,80}\)|"
    r"\s*(?:photo|image)s?\s*(?:credit)?\s*:\s*[A-Z][\w.' /-]{0,40}(?:Images?|Photos?|Reuters|AP|AFP)\b\.?",
    re.IGNORECASE,
)
# "MOSCOW –", "WASHINGTON (Reuters) -", "Kabul, Afghanistan (CNN) --", "(CNN) --".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’ -]{2,40}(?:,\s*[A-Z][\w.'’ -]{1,30})?\s*(?:\([^()]{1,30}\))?\s*[–—-]{1,2}\s+"
    # a sentence starts after a dateline: "SOCAR – the state company" or "EU – UK talks" is no dateline
    r"(?=[\"“'‘]?(?:[A-Z][a-z]|\d))|"
    r"(?:[A-Z][\w.'’ -]{1,40}(?:,\s*[A-Z][\w.'’ -]{1,30})?\s*)?\((?:CNN|AP|AFP|Reuters|UPI|Bloomberg|"
    r"[A-Z][\w ]{0,20}(?:News|Press|Times|Post))\)\s*[–—-]{1,2}\s*)"
)
# Daily Mail-style byline run: "By . Name . PUBLISHED: . 19:44 EST, 10 October 2012 . | . UPDATED: . … ."
_BYLINE = re.compile(
    r"^(?:By\s*\.?\s+[^.]{1,60}?\s*\.\s+(?:and\s+[^.]{1,60}?\s*\.\s+)?)?"
    r"(?:(?:PUBLISHED|UPDATED|Last updated)\s*(?:at|:)?\s*\.?\s*[\d:]+\s*(?:[AP]M|EST|GMT|BST)?,?\s*"
    r"(?:on\s+)?"
    r"[\w ,]{3,40}?\d{4}\s*\.\s*\|?\s*\.?\s*)+"
)
_BYLINE_ONLY = re.compile(
    r"^By\s*\.\s+(?:[A-Z][\w'’-]*\s*){1,4}\.\s+(?:and\s+(?:[A-Z][\w'’-]*\s*){1,4}\.\s+)?"
)
# Hard-wrap artefact " . " between two lower-case words ("a woman who . claims").
_WRAP_DOT = re.compile(r"(?<=[a-z,]) \. (?=[a-z])")


def _clean_line(line: str) -> str:
    # Each pattern runs only where a word it needs is present: most lines need none of them, and
    # a feed's 20 stories a poll made these substitutions a third of the parsing time.
    if "<" in line:
        line = re.sub(r"<+(?=[A-Za-z/!?])", "", _TAG_LIKE.sub("", line))  # stray markup left in text nodes
    line = _SPACES.sub(" ", line).strip()
    if not line:
        return ""
    bullet = False
    mark = _LIST_MARK.match(line)
    if mark:
        bullet, line = True, line[mark.end() :]
    folded = line.casefold()
    if "appeared first" in folded:
        line = _TRAILERS[0].sub("", line)
    if line.endswith(("]", ")")):
        line = _TRAILERS[1].sub("", line)
    if "read" in folded or "continu" in folded:
        line = _TRAILERS[2].sub("", line)
    if "PUBLISHED" in line or "UPDATED" in line or "Last updated" in line:
        line = _BYLINE.sub("", line)
    if line.startswith("By"):
        line = _BYLINE_ONLY.sub("", line)
    line = _DATELINE.sub("", line, count=1)
    if "photo" in folded or "image" in folded or "picture" in folded:
        line = _CREDITS.sub("", line)
    if " . " in line:
        line = _WRAP_DOT.sub(" ", line)
    line = line.strip()
    if not line or is_boilerplate(line):
        return ""
    return BULLET + line if bullet else line


def is_boilerplate(line: str) -> bool:
    """True for a block that is site furniture ("Leave a Comment", "Read more", photo credits)."""
    stripped = line.removeprefix(BULLET).strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return True
    # furniture is short: a long block that starts like "Copyright holders sued…" is story text
    return len(stripped.split()) <= MAX_FURNITURE_WORDS and bool(_BOILER_LINE.match(stripped))


def _finish(raw_lines: list[str]) -> str:
    out: list[str] = []
    for raw in raw_lines:
        line = _clean_line(raw)
        if line and (not out or out[-1] != line):
            out.append(line)
    return "\n".join(out)


def _is_boiler_element(el: etree._Element, total: int) -> bool:
    attrs = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
    if el.tag != "header" and (not attrs.strip() or not _BOILER_ATTR.search(attrs)):
        return False
    # A wrapper holding most of the text is the story itself, whatever its class says.
    return len(el.text_content() or "") < 0.5 * total


def _html_blocks(markup: str) -> list[str]:
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)
    root = lxml_html.document_fromstring(markup)
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree()
    drop = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in _DROP_TAGS]
    for el in drop:
        if el.getparent() is not None:
            el.drop_tree()
    total = len(root.text_content() or "")
    for el in list(root.iter("div", "section", "ul", "p", "header")):
        if el.getparent() is not None and _is_boiler_element(el, total):
            el.drop_tree()
    drop_related_links(root)
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        current.clear()
        if line:
            blocks.append(line)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                flush()
                if tag == "li":
                    current.append(BULLET)
            current.append(el.text or "")
        else:
            if tag in _BLOCK_TAGS:
                flush()
            current.append(el.tail or "")
    flush()
    return blocks


def html_to_text(markup: str) -> str:
    """Clean text, one block (paragraph, heading, list item) per line; list items start with "• "."""
    try:
        return _html_to_text(markup, depth=0)
    except Exception:  # last resort: never let one bad feed item break a poll cycle
        try:
            return _finish(html.unescape(_TAG_LIKE.sub("\n", str(markup)[:MAX_INPUT])).splitlines())
        except Exception:
            return ""


def _html_to_text(markup: str, depth: int) -> str:
    if not isinstance(markup, str):
        markup = markup.decode("utf-8", "replace") if isinstance(markup, bytes) else str(markup or "")
    markup = _CONTROL.sub("", markup[:MAX_INPUT])
    if not markup.strip():
        return ""
    if depth == 0 and "&lt;" in markup and _HAS_TAG.search(html.unescape(markup)):
        return _html_to_text(html.unescape(markup), depth=1)  # double-escaped feed content
    if _HAS_TAG.search(markup):
        try:
            blocks = _html_blocks(markup)
        except (etree.ParserError, ValueError):
            blocks = html.unescape(_TAG_LIKE.sub("\n", markup)).splitlines()
        return _finish(blocks)
    return _finish(html.unescape(markup).splitlines())


# --- sentences -------------------------------------------------------------------------------

_ABBREVIATIONS = _word_set(
    "mr mrs ms dr prof st jr sr gen gov sen rep lt col sgt capt cmdr adm maj mt ft no nos vol fig inc ltd "
    "co corp vs jan feb apr jun jul aug sep sept oct nov dec approx est dept univ ave blvd rd hon rev "
    "messrs op art sec ch pp cf al gov't pres supt insp det cpl pvt"
)
_STARTERS = _word_set(
    "the a an he she it they we i you but and in on at this that these those there his her its their our "
    "as after before when while if so yet meanwhile however mr mrs ms dr officials police"
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_OPENERS = "\"'“‘«([¿¡"
MAX_SPLIT_INPUT = 120_000


def _is_boundary(text: str, start: int, match: re.Match[str]) -> bool:
    nxt = text[match.end() : match.end() + 40].lstrip(_OPENERS)
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit()):
        return False
    punct = match.group().strip()
    if not punct.startswith(".") or punct.startswith(".."):
        return True
    # only the word right before the dot matters: look at a short window, not the whole sentence
    # (a regex search from `start` made splitting quadratic on text like "J. J. J. ...")
    window = text[max(start, match.start() - 64) : match.start()]
    words_before = window.split()
    token = words_before[-1].lstrip(_OPENERS) if words_before and not window[-1].isspace() else ""
    low = token.lower()
    if low in _ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():  # an initial: "J. K. Rowling"
        return False
    if "." in token:  # U.S., p.m., e.g.: a boundary only before a typical sentence opener
        first = re.match(r"[\w’']+", nxt)
        return bool(first) and first.group().lower() in _STARTERS and low not in ("e.g", "i.e")
    return True


def split_sentences(text: str) -> list[str]:
    """Sentences of clean text; every line is split on its own (a block never continues a sentence)."""
    sentences: list[str] = []
    for line in (text or "")[:MAX_SPLIT_INPUT].splitlines():
        line = line.strip()
        if is_caseless(line):  # CJK, Arabic script...: no capitals to find a sentence's start by
            sentences.extend(split_caseless(line))
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            if match.end() > start and _is_boundary(line, start, match):
                piece = line[start : match.end()].strip()
                if piece:
                    sentences.append(piece)
                start = match.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def is_teaser(text: str) -> bool:
    """True when the text is too short to summarise: about two sentences or fewer than ~60 words."""
    body = (text or "").strip()
    if len(body.split()) < 60:
        return True
    return len([s for s in split_sentences(body) if len(s.split()) >= 4]) <= 2
