"""What each written word brings to an analysed article, worked out once per word and language.

Takes words as written (bot.text.stemming.raw_words); gives, per word, its folded surface
words (bare: no possessive, elision or apostrophe) and its matching key at each position (and,
for a word with several keys, all of them).
News repeats its words from article to article, so analysing an article is mostly lookups of
words already met; the per-word work (folding, stemming, a language's extra keys) runs once.
"""

from __future__ import annotations

from bot.text.stemming import UNDETERMINED, analyzer
from bot.text.tokens import bare, folded_words, stem

LEXICON_WORDS = 65_536  # words remembered per language (a few MB); past it the table starts over


class Lexicon:
    """One language's table of words met so far."""

    __slots__ = ("lang", "several", "stems", "surface")

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.surface: dict[str, tuple[str, ...]] = {}  # word -> its folded surface words, bare
        self.stems: dict[str, tuple[str, ...]] = {}  # word -> its key at each of its positions
        self.several: dict[str, tuple[str, ...]] = {}  # word -> every key (one position), where >1

    def learn(self, unknown: set[str], needed: set[str]) -> None:
        """Work out the `unknown` words; `needed` are those the caller will look up next."""
        if len(self.stems) + len(unknown) > LEXICON_WORDS:
            self.surface.clear()
            self.stems.clear()
            self.several.clear()
            unknown = needed
        if self.lang == UNDETERMINED:
            # language-neutral rules: a word may fold into several ("ǆ"), each its own position
            for word in unknown:
                folded = folded_words(word)
                self.surface[word] = tuple(map(bare, folded))
                self.stems[word] = tuple(map(stem, folded))
            return
        keys = analyzer(self.lang).keys
        for word in unknown:
            self.surface[word] = tuple(map(bare, folded_words(word)))
            found = keys(word)
            self.stems[word] = found[:1]
            if len(found) > 1:
                self.several[word] = found


_LEXICONS: dict[str, Lexicon] = {}


def lexicon(lang: str) -> Lexicon:
    """The table for an analyser's language code (bot.text.stemming.analyzer(...).lang)."""
    found = _LEXICONS.get(lang)
    if found is None:
        found = _LEXICONS[lang] = Lexicon(lang)
    return found
