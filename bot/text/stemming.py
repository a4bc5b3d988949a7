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

from bot.tokens import bare, fold
from bot.tokens import stem as light_english_stem

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


UNDETERMINED = "und"
MIN_BASE = 3  # a base shorter than this after cutting an ending is not a word of its own

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


# --- suffix classes ---------------------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _harmony(*forms: str) -> frozenset[str]:
    """Expand 'IA' patterns: I = ı i u ü (four-way), A = a e (two-way; Azerbaijani adds ə)."""
    out: set[str] = set()
    for form in forms:
        variants = [""]
        for ch in form:
            if ch == "I":
                variants = [v + x for v in variants for x in "ıiuü"]
            elif ch == "A":
                variants = [v + x for v in variants for x in "aeə"]
            elif ch == "D":
                variants = [v + x for v in variants for x in "dt"]
            else:
                variants = [v + ch for v in variants]
        out.update(variants)
    return frozenset(out)


# Turkish/Azerbaijani noun endings in their order: plural, 3rd-person possessive, one case,
# "-ki", the copula. Left out on purpose: 1st/2nd person possessives (-m, -ım, -n, -ımız, -ınız).
_TURKIC_SLOTS = (
    _harmony("lAr"),
    _harmony("I", "sI", "lArI"),
    _harmony("In", "nIn", "yI", "nI", "I", "A", "yA", "nA", "DA", "nDA", "DAn", "nDAn", "lA", "ylA"),
    frozenset({"ki", "kı"}),
    _harmony("DIr"),
)
_TURKIC = frozenset().union(*_TURKIC_SLOTS)
# Russian: the one-letter and short noun endings after which Snowball leaves a longer stem
# than for the bare word (Газпром -> газпр, Газпрома -> газпром).
_RUSSIAN = _words("а я у ю е ы и ом ем ой ей ою ам ям ах ях ами ями ов ев")
_ENGLISH = frozenset({"s", "es"})
# Ukrainian noun and adjective endings (longest first when stripping).
_UKRAINIAN = sorted(
    _words(
        "а я у ю е є і ї о и й ь ом ем єм ою ею єю ів їв ам ям ах ях ами ями ові еві єві ий ій ого "
        "його ому йому ої ую юю ими іми их іх ім им ая яя ое єє ої"
    ),
    key=len,
    reverse=True,
)
# Germanic and Romance languages: Snowball stems there also join derivations (partido/parte,
# Spieler/spielen, information/informe: 16-23% false matches on the corpus), so an article word
# is a form of a query word only when it IS the query word plus an inflectional ending of the
# language (a final vowel may change: olycka/olyckor, segundo/segunda, riforma/riforme), and
# Snowball agrees that both are one stem. ending -> what the dictionary form has instead.
_AFFIX: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {e: ("",) for e in ("e", "en", "er", "ern", "es", "em", "n", "s", "ns", "ens")},
    "nl": {e: ("",) for e in ("en", "s", "e", "n", "'s")},
    "sv": {"en": ("", "a"), "et": ("",), "n": ("",), "t": ("",), "ar": ("", "a"), "er": ("",),
           "or": ("a",), "na": ("", "a"), "erna": ("",), "arna": ("", "a"), "orna": ("a",), "s": ("",),
           "ns": ("",), "ens": ("", "a"), "ets": ("",), "an": ("a",), "ans": ("a",)},
    "da": {e: ("",) for e in ("en", "et", "e", "er", "ene", "erne", "s", "ens", "ets", "n")},
    "no": {e: ("",) for e in ("en", "et", "a", "e", "er", "ene", "ane", "s", "ens", "ets", "n")},
    "fr": {"s": ("",), "x": ("",), "e": ("",), "es": ("",), "aux": ("al", "ail"), "ux": ("u",)},
    "es": {"s": ("",), "es": ("",), "a": ("o",), "as": ("o", "a")},
    "pt": {"s": ("",), "es": ("",), "a": ("o",), "as": ("o", "a")},
    "ca": {"s": ("",), "es": ("a", ""), "a": ("",), "os": ("",)},
    "it": {"i": ("o", "e"), "e": ("a", "o"), "a": ("o",), "he": ("a",), "hi": ("o",)},
    "ro": {e: ("",) for e in ("ul", "ului", "i", "ii", "le", "lor", "a", "e", "uri", "urile")},
}  # fmt: skip
_AFFIX["nb"] = _AFFIX["nn"] = _AFFIX["no"]
_SPLITS = {"ru": _RUSSIAN, "en": _ENGLISH, UNDETERMINED: _ENGLISH, "uk": frozenset(_UKRAINIAN)}
_UK_CONSONANT = "бвгґджзклмнпрстфхцчшщ"


# Endings with the pronominal "n" follow a 3rd-person possessive only, so a vowel in ı i u ü
_AFTER_POSSESSIVE = _harmony("nI", "nA", "nDA", "nDAn")


@lru_cache(maxsize=65536)
def _turkic_chain(rest: str, before: str = "") -> bool:
    """Whether `rest` is a run of Turkic noun endings in their order, at most one per slot.

    `before` is the last letter of the base: "nı", "na", "nda", "ndan" need a possessive vowel.
    """

    def ok(s: str, slot: int, last: str) -> bool:
        if not s:
            return True
        for i in range(slot, len(_TURKIC_SLOTS)):
            for e in _TURKIC_SLOTS[i]:
                if not s.startswith(e):
                    continue
                if e in _AFTER_POSSESSIVE and last not in "ıiuü":
                    continue
                if ok(s[len(e) :], i + 1, e[-1]):
                    return True
        return False

    return ok(rest, 0, before)


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
        self._splits = _TURKIC if self._turkic else _SPLITS.get(lang, frozenset())
        self._max_split = 10 if self._turkic else max(map(len, self._splits), default=0)
        self._affix = _AFFIX.get(lang)
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
            return _ukrainian(word)
        if self.lang == "az":
            return _azerbaijani(word)
        if self._stemmer is not None:
            stemmed = self._stemmer.stemWord(word)
            cut = word[len(stemmed) :] if word.startswith(stemmed) else None
            if self._turkic and stemmed != word and (cut is None or not _turkic_chain(cut, stemmed[-1:])):
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
                    if _turkic_chain(ending, base[-1]):  # bakanı -> bakan, never baka (-nı needs -ı-)
                        for form in (*_softened(base), self.stem(base)):
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


_SOFTENED = {"b": "p", "c": "ç", "d": "t", "ğ": "k", "g": "k"}


def _softened(base: str) -> tuple[str, ...]:
    """A Turkic base and, when it ends in a softened consonant, its dictionary form (kitab -> kitap)."""
    hard = _SOFTENED.get(base[-1:])
    return (base, base[:-1] + hard) if hard else (base,)


def _ukrainian(word: str) -> str:
    """Cut the longest case ending leaving >= 3 letters; a bare noun in -ів/-їв alternates (Київ -> києв).

    Ukrainian closes o/e to і in a final closed syllable: Київ/Києва, Харків/Харкова, Львів/Львова,
    рік/року. The rule undoes that for a word that ends in і/ї + consonant; a genitive plural in
    -ів (депутатів) has the ending cut instead, as any other case.
    """
    if len(word) >= 4 and word[-1] in _UK_CONSONANT and word[-2] in "іїi":
        if word.endswith("ів") and len(word) >= 7:  # long -ів words are mostly genitive plurals
            return word[:-2]
        return word[:-2] + ("є" if word[-2] == "ї" else "о") + word[-1]
    for ending in _UKRAINIAN:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_BASE:
            return word[: -len(ending)]
    return word


def _azerbaijani(word: str) -> str:
    """Cut the longest chain of case/number/3rd-person endings leaving a base of >= 4 letters.

    A one-vowel ending needs a base of 5: 'Gəncə' keeps its final 'ə' (else it would meet
    'gənc', young), 'Bakı' keeps its 'ı'; the article side still cuts it (nefti -> neft).
    """
    for cut in range(min(9, len(word) - 4), 0, -1):
        base, rest = word[:-cut], word[-cut:]
        if _turkic_chain(rest, base[-1]) and (len(rest) > 1 or len(base) >= 5):
            return base
    return word


_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def raw_words(text: str) -> list[str]:
    """Words as written (composed, case kept), in order; each ideograph or kana is a word.

    The same segmentation as bot.tokens.words, before folding: the analysers fold after stemming.
    """
    text = unicodedata.normalize("NFC", text)
    if not _UNSPACED.search(text):
        return _WORD.findall(text)
    return _WORD.findall(_UNSPACED.sub(r" \1 ", text))


_ANALYZERS: dict[str, Analyzer] = {}


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
