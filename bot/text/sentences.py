"""Sentences in scripts the Latin splitter cannot see: Chinese/Japanese, Arabic, Persian, Urdu.

The Latin splitter wants a full stop, a space and a capital. Chinese and Japanese end a
sentence with 。！？ and no space; Arabic script has no capitals, asks with ؟ and Urdu ends a
sentence with ۔. A line in one of those scripts is split here instead; a piece still longer
than `LONG_PIECE` characters is cut at its commas (، ，、), because Arabic prose runs clauses
together with commas where English would stop.
"""

from __future__ import annotations

import re

LONG_PIECE = 280  # characters; about the longest bullet a reader takes in at a glance
MIN_PIECE = 12  # a comma clause shorter than this stays with its neighbour

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_ARABIC = r"\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_CASELESS = re.compile(f"[{_CJK}{_ARABIC}\u0590-\u05ff\u0900-\u0dff\u0e00-\u0eff]")
# 。！？ need no space after them; . ! ? ؟ ۔ … need one (or the end of the line).
_END = re.compile(r"[。！？]+[」』”’）)\]\"']*\s*|[.!?؟۔…]+[»”’)\]\"']*(?:\s+|$)")
_COMMA = re.compile(r"[،，、]\s*")


def is_caseless(line: str) -> bool:
    """True when most letters of the line are in a script without capitals (CJK, Arabic, ...)."""
    letters = [ch for ch in line[:400] if ch.isalpha()]
    if not letters:
        return False
    caseless = sum(1 for ch in letters if _CASELESS.match(ch))
    return caseless * 2 >= len(letters)


def split_caseless(line: str) -> list[str]:
    """Sentences of one line of caseless-script text, long ones cut at commas."""
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(line):
        piece = line[start : match.end()].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    tail = line[start:].strip()
    if tail:
        pieces.append(tail)
    out: list[str] = []
    for piece in pieces:
        out.extend(_at_commas(piece) if len(piece) > LONG_PIECE else [piece])
    return out


def _at_commas(piece: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _COMMA.finditer(piece):
        if match.start() - start >= MIN_PIECE and len(piece) - match.end() >= MIN_PIECE:
            parts.append(piece[start : match.end()].strip())
            start = match.end()
    parts.append(piece[start:].strip())
    return [p for p in parts if p]


def word_count(text: str) -> int:
    """Words for length rules: spaced words, and about one word per two CJK characters."""
    cjk = len(re.findall(f"[{_CJK}]", text))
    spaced = len(re.sub(f"[{_CJK}]+", " ", text).split())
    return spaced + (cjk + 1) // 2


SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？", "؟", "۔")
