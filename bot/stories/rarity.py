"""How rare a word is in its language, as an event term's weight (bot.stories.events): wordfreq's
Zipf scale turned around, so "said" weighs almost nothing and "Lauderdale" a lot."""

from __future__ import annotations

import re
from functools import lru_cache

_RARE_CEILING = 6.5  # weight = _RARE_CEILING - Zipf frequency, clamped
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@lru_cache(maxsize=131072)
def _zipf(word: str, lang: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without the frequency table every word counts as ordinary
        return 4.5
    try:
        return zipf_frequency(word, lang, wordlist="small")
    except (LookupError, ValueError):
        return zipf_frequency(word, "en", wordlist="small")


@lru_cache(maxsize=131072)
def rarity(token: str, lang: str = "en") -> float:
    if token.isdigit():
        return 0.5 if _YEAR.match(token) else 2.5
    return min(max(_RARE_CEILING - _zipf(token, lang), 0.3), 5.0)
