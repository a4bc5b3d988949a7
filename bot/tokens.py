"""Word tokens shared by matching and highlights: Unicode-aware, case- and accent-folded.

Both queries and articles go through the same functions, so whatever folding or
stemming happens here happens symmetrically.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters and digits; an apostrophe inside a word ("SOCAR's", "SOCAR’s") stays with it
# so that the possessive can be stripped instead of becoming a token "s".
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_EXTRA_FOLDS = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "’": "'", "ʼ": "'"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Bakı' -> 'baki', 'SOCAR’s' -> "socar's"."""
    text = text.translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=262144)
def stem(token: str) -> str:
    """A light English inflection stripper (possessive and plural), applied to folded tokens."""
    token = _POSSESSIVE.sub("", token).replace("'", "")
    if len(token) <= 3 or not token.isascii():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """Folded surface words, in order (apostrophes kept)."""
    return _WORD.findall(fold(text))


def tokenize(text: str) -> list[str]:
    """Folded, stemmed tokens in order: what matching compares."""
    return [stem(w) for w in words(text)]
