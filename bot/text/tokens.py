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
# Names with symbols are one word as written: C++, C#, F#, AT&T, S&P, R&D, .NET (never "c", "at t").
WORD = re.compile(
    r"(?<![\w.])\.net\b"
    r"|(?<!\w)[^\W\d_]\+\+(?![\w+])"
    r"|(?<!\w)[^\W\d_]#(?![\w#])"
    r"|(?<![\w&])[^\W_]{1,4}&[^\W_]{1,4}(?![\w&])"
    r"|[^\W_]+(?:['’ʼ][^\W_]+)*",
    re.IGNORECASE,
)
_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_SYMBOL_HINTS = ("+", "#", "&", ".net", ".NET", ".Net")


def word_pattern(text: str) -> re.Pattern[str]:
    """The symbol-aware pattern only for text that may hold such a name: plain text is faster."""
    return WORD if any(hint in text for hint in _SYMBOL_HINTS) else _PLAIN_WORD


_WORD = WORD
_POSSESSIVE = re.compile(r"['’ʼ]s$")
# French elision ("l'Élysée", "d'Azerbaïdjan"); not "o'" so Irish names keep their first letter.
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)'(?=.)")
_EXTRA_FOLDS = str.maketrans(
    {"ı": "i", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "’": "'", "ʼ": "'"}
)
# Scripts written without spaces between words: each ideograph or kana is its own token,
# so a keyword of two characters is a two-token phrase and still matches inside a sentence.
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
# Plural-looking words whose "s" is not a plural: stripping it would make "news" match "new".
_NOT_PLURAL = frozenset({"news", "series", "species", "lens", "chaos"})
_SHORT = 64  # texts up to this length are cached by fold(); whole articles are not


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    # Compatibility forms first ("𝕊" -> "S"), so that case folding sees them: fold is idempotent.
    text = unicodedata.normalize("NFKD", text).casefold().translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_fold_short = lru_cache(maxsize=65536)(_fold)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Bakı' -> 'baki', 'SOCAR’s' -> "socar's"."""
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


@lru_cache(maxsize=262144)
def _fold_word(word: str) -> str:
    """The folded word(s) of one surface word, space-separated (folding can split a word)."""
    folded = _fold(word)
    if folded.isascii() and _WORD.fullmatch(folded):
        return folded
    return " ".join(_WORD.findall(_UNSPACED.sub(r" \1 ", folded)))


def folded_words(word: str) -> list[str]:
    """The folded word(s) of one word as written: usually one, more where folding splits it."""
    return _fold_word(word).split()


@lru_cache(maxsize=262144)
def bare(word: str) -> str:
    """A word without possessive, elision, apostrophes: "socar's" -> 'socar', "l'elysee" -> 'elysee'."""
    return _ELISION.sub("", _POSSESSIVE.sub("", word)).replace("'", "")


@lru_cache(maxsize=262144)
def stem(token: str) -> str:
    """A light English inflection stripper (possessive and plural), applied to folded tokens."""
    token = bare(token)
    if len(token) <= 3 or not token.isascii() or token in _NOT_PLURAL:
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
    # Compose first so a decomposed accent does not split its word; then fold word by word,
    # which is cached, instead of folding (and caching) a whole article.
    text = unicodedata.normalize("NFC", text)
    return " ".join(map(_fold_word, word_pattern(text).findall(text))).split()


def tokenize(text: str) -> list[str]:
    """Folded, stemmed tokens in order: what matching compares."""
    return list(map(stem, words(text)))


# Words in nearly every English story: a query of only these would alert on everything.
STOPWORDS = frozenset(
    tokenize(
        "a an and are as at be been but by for from had has have he her his i in is it its not of on or "
        "our she said that the their there they this to was we were which who will with would you new "
        "year after also more than about one two over up out people time first last could can"
    )
)
