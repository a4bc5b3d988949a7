"""Forms of one word, per language: what lets `Москва` find "Москве" and `gas` find "gases".

A query has no language; an article has one. Under the article's language L a query word `q`
matches an article word `w` when `key(L, q)` is one of `keys(L, w)`:

- `key` is the word's canonical form: lower-cased by L's rules (Turkish/Azerbaijani dotted and
  dotless I), stemmed by L's Snowball stemmer (PyStemmer, else snowballstemmer), and folded
  (case and accents off, as everywhere in matching) so `Baki` still finds "Bakı".
- `keys` adds, for the article side only, the canonical form of every *base* the word has
  once one inflectional ending of L is cut off (a bounded, per-language suffix class), and
  the word itself. That closes Snowball's gaps measured on real text (see
  benchmarks/bench_multilingual.py): `Газпром` → "газпр" but `Газпрома` → "газпром" (cut
  "-а": "газпром" → "газпр"); `gas` → "gas" but `gases` → "gase" (cut "-es"); Turkish
  `hattı` → "hat" but `hattında` → "hatt" (cut "-nda": "hattı").
- Turkish Snowball conflates more than inflection (`Bakı` and `bakım` both give "bak"), so a
  Turkish (and Azerbaijani) stem counts only when what it cut is a chain of case, number and
  third-person possessive endings; first- and second-person possessives (`-ım`, `-n`) are left
  out: rare in news, and the same letters as the deverbal `-ım` of bakım, yapım, alım.
- Ukrainian and Azerbaijani have no Snowball stemmer: each has a small rule set below.

Languages never mix: an article is analysed under its own language only. Unknown language
("und") and English use the light English rules (plural and possessive only; Porter-style
stemming conflates university/universe and organ/organization).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.text.suffixes import (
    AFFIX,
    MIN_BASE,
    SPLITS,
    TURKIC,
    UNDETERMINED,
    azerbaijani,
    softened,
    turkic_chain,
    ukrainian,
)
from bot.text.tokens import bare, fold, word_pattern
from bot.text.tokens import stem as light_english_stem

try:  # PyStemmer: the Snowball stemmers compiled (C); snowballstemmer is the pure-Python twin
    import Stemmer as _pystemmer

    _ALGORITHMS = frozenset(_pystemmer.algorithms())

    def _snowball(name: str):
        return _pystemmer.Stemmer(name)

except ImportError:  # pragma: no cover - the fallback is exercised only where PyStemmer is missing
    import snowballstemmer as _snowballstemmer

    _ALGORITHMS = frozenset(_snowballstemmer.algorithms())

    def _snowball(name: str):
        return _snowballstemmer.stemmer(name)


# ISO 639-1 -> Snowball algorithm
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
_UNSPACED_LANGS = frozenset({"zh", "ja", "ko", "th", "lo", "km", "my"})
SNOWBALL_LANGUAGES = frozenset(code for code, name in _SNOWBALL.items() if name in _ALGORITHMS)
RULE_LANGUAGES = frozenset({"en", "uk", "az", UNDETERMINED})
SUPPORTED = SNOWBALL_LANGUAGES | RULE_LANGUAGES | _UNSPACED_LANGS


def base_language(code: str | None) -> str:
    """'ru-RU' -> 'ru', 'EN_us' -> 'en', 'iw' -> 'he'; unknown or empty -> 'und'."""
    if not code:
        return UNDETERMINED
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    primary = {"iw": "he", "in": "id", "ji": "yi", "zh-hans": "zh", "zh-hant": "zh"}.get(primary, primary)
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else UNDETERMINED


# --- lower-casing -------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})


def lower(word: str, lang: str) -> str:
    """Lower case by the language's rules: Turkish and Azerbaijani İ -> i, I -> ı (Ə -> ə too)."""
    word = unicodedata.normalize("NFC", word).translate(_APOSTROPHES)
    if lang in ("tr", "az"):
        word = word.replace("İ", "i").replace("I", "ı")
    return word.lower()


# --- the analysers ---------------------------------------------------------------------------------


class Analyzer:
    """Canonical keys of words under one language. Cheap to call: results are cached per word."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        name = _SNOWBALL.get(lang)
        self._stemmer = _snowball(name) if name in _ALGORITHMS else None
        self._turkic = lang in ("tr", "az")
        self._splits = TURKIC if self._turkic else SPLITS.get(lang, frozenset())
        self._max_split = 10 if self._turkic else max(map(len, self._splits), default=0)
        self._affix = AFFIX.get(lang)
        self._english = lang in ("en", UNDETERMINED)
        self.key = lru_cache(maxsize=131072)(self._key)
        self.keys = lru_cache(maxsize=131072)(self._keys)

    # one word -------------------------------------------------------------------------------

    def prepare(self, word: str) -> str:
        """Lower-cased, with what an apostrophe adds cut off (possessive 's, elision, Bakı'da)."""
        low = lower(word, self.lang)
        if self.lang == "pt" and low.endswith(("ões", "ães")):
            low = low[:-3] + "ão"  # Snowball leaves eleições -> eleiçõ but eleição -> eleiçã
        if "'" not in low:
            return low
        if self._turkic:  # Turkish spelling puts an apostrophe between a name and its endings
            head, _, tail = low.partition("'")
            if head and len(tail) <= 7:
                return head
        return bare(low)

    def stem(self, word: str) -> str:
        """The language's stem of a prepared word (not folded)."""
        if self.lang == "uk":
            return ukrainian(word)
        if self.lang == "az":
            return azerbaijani(word)
        if self._stemmer is not None:
            stemmed = self._stemmer.stemWord(word)
            cut = word[len(stemmed) :] if word.startswith(stemmed) else None
            if self._turkic and stemmed != word and (cut is None or not turkic_chain(cut, stemmed[-1:])):
                return word  # Snowball cut more than case and number: keep the word
            return stemmed or word
        if self.lang in _UNSPACED_LANGS:
            return word
        return light_english_stem(fold(word)) if word.isascii() or self.lang in ("en", UNDETERMINED) else word

    def _key(self, word: str) -> str:
        """What a query word is looked up by under this language."""
        if self._affix is not None:
            return _squash(fold(self.prepare(word)))
        return _squash(fold(self.stem(self.prepare(word))))

    def _keys(self, word: str) -> tuple[str, ...]:
        """What an article word is found by: its key, the keys of its bases, the word itself."""
        prepared = self.prepare(word)
        if self._affix is not None:
            return self._affix_keys(prepared)
        primary = _squash(fold(self.stem(prepared)))
        found = dict.fromkeys([primary])
        if self._max_split:
            for cut in range(1, min(self._max_split, len(prepared) - MIN_BASE) + 1):
                ending = prepared[-cut:]
                if self._english and not (ending == "es" and prepared[-3:-2] == "s"):
                    continue
                if self._turkic:
                    base = prepared[:-cut]
                    if turkic_chain(ending, base[-1]):  # bakanı -> bakan, never baka (-nı needs -ı-)
                        for form in (*softened(base), self.stem(base)):
                            found.setdefault(_squash(fold(form)))
                elif ending in self._splits:
                    found.setdefault(_squash(fold(self.stem(prepared[:-cut]))))
        found.setdefault(_squash(fold(prepared)))
        return tuple(found)

    def _affix_keys(self, prepared: str) -> tuple[str, ...]:
        assert self._affix is not None and self._stemmer is not None
        found = dict.fromkeys([_squash(fold(prepared))])
        stem = None
        for ending, replacements in self._affix.items():
            if not prepared.endswith(ending) or len(prepared) - len(ending) < MIN_BASE:
                continue
            stem = stem or self._stemmer.stemWord(prepared)
            for tail in replacements:
                base = prepared[: -len(ending)] + tail
                if fold(self._stemmer.stemWord(base)) == fold(stem):
                    found.setdefault(_squash(fold(base)))
        return tuple(found)


def _squash(folded: str) -> str:
    """Folding may split a character into two words ('ǆ'); a key stays one string."""
    return folded.replace(" ", "")


_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def raw_words(text: str) -> list[str]:
    """Words as written (composed, case kept), in order; each ideograph or kana is a word.

    The same segmentation as bot.tokens.words, before folding: the analysers fold after stemming.
    """
    text = unicodedata.normalize("NFC", text)
    pattern = word_pattern(text)
    if not _UNSPACED.search(text):
        return pattern.findall(text)
    return pattern.findall(_UNSPACED.sub(r" \1 ", text))


_ANALYZERS: dict[str, Analyzer] = {}


@lru_cache(maxsize=1024)
def analyzer(lang: str | None) -> Analyzer:
    """The analyser for a language tag ('ru', 'pt-BR', None); unsupported ones fall back to 'und'."""
    code = base_language(lang)
    if code not in SUPPORTED:
        code = UNDETERMINED
    found = _ANALYZERS.get(code)
    if found is None:
        found = _ANALYZERS[code] = Analyzer(code)
    return found


def same_word(query_word: str, article_word: str, lang: str | None) -> bool:
    """Whether the two are forms of one word under the article's language."""
    a = analyzer(lang)
    return a.key(query_word) in a.keys(article_word)
