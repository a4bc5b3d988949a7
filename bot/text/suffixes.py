"""The suffix classes behind bot.text.stemming: Turkic endings, Russian and Ukrainian endings,
the Germanic/Romance inflections, and the Ukrainian and Azerbaijani stemmers (no Snowball
stemmer exists for either). Each rule says why it is there; bench_multilingual measures them."""

from __future__ import annotations

from functools import lru_cache

MIN_BASE = 3  # a base shorter than this after cutting an ending is not a word of its own
UNDETERMINED = "und"

# --- suffix classes ---------------------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def harmony(*forms: str) -> frozenset[str]:
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
TURKIC_SLOTS = (
    harmony("lAr"),
    harmony("I", "sI", "lArI"),
    harmony("In", "nIn", "yI", "nI", "I", "A", "yA", "nA", "DA", "nDA", "DAn", "nDAn", "lA", "ylA"),
    frozenset({"ki", "kı"}),
    harmony("DIr"),
)
TURKIC = frozenset().union(*TURKIC_SLOTS)
# Russian: the one-letter and short noun endings after which Snowball leaves a longer stem
# than for the bare word (Газпром -> газпр, Газпрома -> газпром).
RUSSIAN = _words("а я у ю е ы и ом ем ой ей ою ам ям ах ях ами ями ов ев")
ENGLISH = frozenset({"s", "es"})
# Ukrainian noun and adjective endings (longest first when stripping).
UKRAINIAN = sorted(
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
AFFIX: dict[str, dict[str, tuple[str, ...]]] = {
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
AFFIX["nb"] = AFFIX["nn"] = AFFIX["no"]
SPLITS = {"ru": RUSSIAN, "en": ENGLISH, UNDETERMINED: ENGLISH, "uk": frozenset(UKRAINIAN)}

UK_CONSONANT = "бвгґджзклмнпрстфхцчшщ"


# Endings with the pronominal "n" follow a 3rd-person possessive only, so a vowel in ı i u ü
AFTER_POSSESSIVE = harmony("nI", "nA", "nDA", "nDAn")


@lru_cache(maxsize=65536)
def turkic_chain(rest: str, before: str = "") -> bool:
    """Whether `rest` is a run of Turkic noun endings in their order, at most one per slot.

    `before` is the last letter of the base: "nı", "na", "nda", "ndan" need a possessive vowel.
    """

    def ok(s: str, slot: int, last: str) -> bool:
        if not s:
            return True
        for i in range(slot, len(TURKIC_SLOTS)):
            for e in TURKIC_SLOTS[i]:
                if not s.startswith(e):
                    continue
                if e in AFTER_POSSESSIVE and last not in "ıiuü":
                    continue
                if ok(s[len(e) :], i + 1, e[-1]):
                    return True
        return False

    return ok(rest, 0, before)


SOFTENED = {"b": "p", "c": "ç", "d": "t", "ğ": "k", "g": "k"}


def softened(base: str) -> tuple[str, ...]:
    """A Turkic base and, when it ends in a softened consonant, its dictionary form (kitab -> kitap)."""
    hard = SOFTENED.get(base[-1:])
    return (base, base[:-1] + hard) if hard else (base,)


def ukrainian(word: str) -> str:
    """Cut the longest case ending leaving >= 3 letters; a bare noun in -ів/-їв alternates (Київ -> києв).

    Ukrainian closes o/e to і in a final closed syllable: Київ/Києва, Харків/Харкова, Львів/Львова,
    рік/року. The rule undoes that for a word that ends in і/ї + consonant; a genitive plural in
    -ів (депутатів) has the ending cut instead, as any other case.
    """
    if len(word) >= 4 and word[-1] in UK_CONSONANT and word[-2] in "іїi":
        if word.endswith("ів") and len(word) >= 7:  # long -ів words are mostly genitive plurals
            return word[:-2]
        return word[:-2] + ("є" if word[-2] == "ї" else "о") + word[-1]
    for ending in UKRAINIAN:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_BASE:
            return word[: -len(ending)]
    return word


def azerbaijani(word: str) -> str:
    """Cut the longest chain of case/number/3rd-person endings leaving a base of >= 4 letters.

    A one-vowel ending needs a base of 5: 'Gəncə' keeps its final 'ə' (else it would meet
    'gənc', young), 'Bakı' keeps its 'ı'; the article side still cuts it (nefti -> neft).
    """
    for cut in range(min(9, len(word) - 4), 0, -1):
        base, rest = word[:-cut], word[-cut:]
        if turkic_chain(rest, base[-1]) and (len(rest) > 1 or len(base) >= 5):
            return base
    return word
