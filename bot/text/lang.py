"""The language of an article: what its feed says, else what its text looks like.

Metadata wins when it names one language: the entry's own `xml:lang` (feedparser's
`title_detail.language`, `content[].language`), the entry's or feed's `language`/`dc:language`,
then the HTTP `Content-Language` (one tag only; "en, fr" names no single language). Without
any, py3langid (a pure-Python port of langid.py: 4.5 MB, offline, ~0.5 ms a text) guesses from
the text; a guess below `MIN_CONFIDENCE`, or on too little text, is "und" (undetermined),
which matching treats with its language-neutral rules.

Why py3langid and not lingua: on 793 entries of the corpus's feeds (en, de, fr, pt, ru, es, it;
label = the feed's language) lingua 2.1 was right on 95.2% and py3langid on 94.8%, but lingua's
wheel is 96 MB, its models took 20 s and 1.3 GB of memory to load and 3.2 ms a text, against
py3langid's 3 s, 130 MB and 0.5 ms (measured on this machine, same texts; see the report of
issue 15).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from bot.text.stemming import UNDETERMINED, base_language

MIN_CONFIDENCE = 0.5  # normalised probability of the detector's best guess
MIN_LETTERS = 12  # fewer letters than this say nothing reliable about a language
SAMPLE_CHARS = 2000  # the title and the lead are enough; whole pages cost time for nothing
_LETTER = re.compile(r"[^\W\d_]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


_LOCK = threading.Lock()
_LOADED: list[Any] = []


def _identifier() -> Any:
    """The detector, loaded on first use: whatever never detects pays nothing.

    Its model is mapped from a cache file that all processes share (bot.text.langid_cache): a
    few milliseconds and no private copy, instead of a second and ~75 MB in each process."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                from bot.text.langid_cache import load

                _LOADED.append(load())
    return _LOADED[0]


def warm_up() -> None:
    """Load the detector in the background now, so the first story does not wait for it."""
    threading.Thread(target=_identifier, name="langid-load", daemon=True).start()


def from_metadata(*tags: str | None) -> str | None:
    """The first tag that names one language ('pt-BR' -> 'pt'); None when none does."""
    for tag in tags:
        if not tag or not isinstance(tag, str):
            continue
        parts = [p.strip() for p in tag.split(",") if p.strip()]
        if len(parts) != 1:
            continue  # "en, fr": a page in two languages says nothing about this story
        code = base_language(parts[0].split(";")[0])
        if code != UNDETERMINED:
            return code
    return None


def entry_tags(entry: Mapping[str, Any], feed: Mapping[str, Any] | None = None) -> list[str | None]:
    """Language tags a feedparser entry and its feed carry, the most specific first."""
    tags: list[str | None] = []
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if isinstance(detail, Mapping):
            tags.append(detail.get("language"))
    for content in entry.get("content") or ():
        if isinstance(content, Mapping):
            tags.append(content.get("language"))
    tags.append(entry.get("language"))
    if feed is not None:
        tags.append(feed.get("language"))
    return tags


def detect(text: str) -> str:
    """The language the text is written in, or 'und' when it cannot be told."""
    sample = (text or "")[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return UNDETERMINED
    # Scripts that name their language outright (kana is Japanese only; Hangul is Korean)
    if _KANA.search(sample):
        return "ja"
    if _HANGUL.search(sample) and not _HAN.search(sample):
        return "ko"
    lang, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE:
        return UNDETERMINED
    code = base_language(lang)
    if code == "tr" and ("ə" in sample or "Ə" in sample):
        return "az"  # the one letter Turkish never writes
    return code


def article_language(
    tags: Iterable[str | None], *texts: str, headers: Mapping[str, str] | None = None
) -> str:
    """Metadata first (entry, feed, then Content-Language), else detection on the texts."""
    header = None
    if headers:
        header = next((v for k, v in headers.items() if k.lower() == "content-language"), None)
    found = from_metadata(*tags, header)
    if found:
        return found
    return detect("\n".join(t for t in texts if t))
