"""Furniture: the lines and sentences around a story that are not the story.

Wire credits ("Reporting by …; Editing by …", "… contributed to this report."), copyright and
rights lines, newsletter and subscription prompts, share/follow prompts, "read more" and related
links. The patterns are data, one file per language in ``bot/data/furniture/<lang>.txt``; every
language's rules apply to every story (a Russian page quotes English wire credits, an English
feed embeds a French "Lire aussi"), since each rule is anchored and specific to furniture.

A rule line is ``<mode> <kind> <regex>``: mode ``drop`` removes the whole block or sentence the
regex matches (rules are written anchored at the start: ``^``), mode ``cut`` removes just the
matched part (a "Scroll down for video" prefix, a "(Reporting by …)" tail). Matching ignores
case. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.text.clean import BULLET, split_sentences

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "furniture"
LANGUAGES = ("en", "ru", "uk", "de", "fr", "es", "tr", "az")
# Furniture is short: a long sentence that merely starts like a prompt ("Subscribers to the
# service will …") is story text.
MAX_WORDS = 60
_MODES = ("drop", "cut")
_SPACE = re.compile(r"\s+")
_SEVERAL = re.compile(r"[.!?…][\"'”’»)\]]*\s+\S")  # a sentence ends before the text does
_LEFTOVER = re.compile(r"^[\s|:;,.–—-]+|[\s|:;,–—-]+$")


class RuleError(ValueError):
    """A furniture data file has a line that is not a valid rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    lang: str
    mode: str  # "drop" | "cut"
    kind: str  # credit, rights, newsletter, share, related, embed, update ...
    pattern: re.Pattern[str]


def parse_rules(text: str, lang: str) -> list[Rule]:
    """The rules of one data file's text; RuleError names the first bad line."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[0] not in _MODES:
            raise RuleError(f"{lang}:{number}: expected '<drop|cut> <kind> <regex>', got {line!r}")
        mode, kind, source = parts
        if mode == "drop" and not source.startswith("^"):
            raise RuleError(f"{lang}:{number}: a drop rule matches from the start: begin it with ^")
        try:
            pattern = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise RuleError(f"{lang}:{number}: bad pattern {source!r}: {exc}") from exc
        rules.append(Rule(lang, mode, kind, pattern))
    return rules


def load_rules(languages: Iterable[str] = LANGUAGES, directory: Path = DATA_DIR) -> FurnitureRules:
    rules: list[Rule] = []
    for lang in languages:
        path = directory / f"{lang}.txt"
        rules.extend(parse_rules(path.read_text("utf-8"), lang))
    return FurnitureRules(tuple(rules))


@lru_cache(maxsize=1)
def default_rules() -> FurnitureRules:
    """Every bundled language's rules, loaded once."""
    return load_rules()


@dataclass(frozen=True)
class FurnitureRules:
    rules: tuple[Rule, ...]
    _drop: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _cut: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        drops = [r.pattern.pattern for r in self.rules if r.mode == "drop"]
        # one alternation: a sentence costs one regex scan, not one per rule
        combined = re.compile("|".join(f"(?:{p})" for p in drops), re.IGNORECASE) if drops else None
        object.__setattr__(self, "_drop", combined)
        cuts = [r.pattern.pattern for r in self.rules if r.mode == "cut"]
        object.__setattr__(
            self, "_cut", re.compile("|".join(f"(?:{p})" for p in cuts), re.IGNORECASE) if cuts else None
        )

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.lang for r in self.rules))

    def kind(self, text: str) -> str | None:
        """The kind of furniture a whole block or sentence is ("credit", "related" …), else None."""
        body = _body(text)
        if not body or self._drop is None or len(body.split()) > MAX_WORDS:
            return None
        if not self._drop.match(body):  # every drop rule is anchored: match, never a scan
            return None
        for rule in self.rules:
            if rule.mode == "drop" and rule.pattern.match(body):
                return rule.kind
        return None  # pragma: no cover - the alternation matched, so one rule does

    def is_furniture(self, text: str) -> bool:
        return self.kind(text) is not None

    def cut(self, text: str) -> str:
        """The text without its furniture prefixes and tails (whole furniture is not judged here)."""
        if self._cut is None:
            return text
        out = self._cut.sub(" ", text)  # one pass for every rule
        if out == text:
            return text
        return _LEFTOVER.sub("", _SPACE.sub(" ", out)).strip()

    def clean_sentence(self, sentence: str) -> str:
        """The sentence without furniture; "" when it is furniture."""
        bullet, body = _split_bullet(sentence)
        body = self.cut(body)
        if not body or self.is_furniture(body):
            return ""
        return bullet + body

    def clean_line(self, block: str) -> str:
        """Cheap block pass for callers that judge sentences themselves: prefixes and tails cut,
        a one-sentence furniture block dropped; several sentences are left for `clean_sentence`."""
        bullet, body = _split_bullet(block)
        body = self.cut(body)
        if not body or (not _SEVERAL.search(body) and self.is_furniture(body)):
            return ""
        return bullet + body

    def clean_block(self, block: str) -> str:
        """A block (one line of clean text) without its furniture sentences; "" when nothing is left.

        A block of several sentences is judged sentence by sentence, so that a story sentence
        followed by "Jane Doe contributed to this report." keeps the story.
        """
        bullet, body = _split_bullet(block)
        body = self.cut(body)
        if not body:
            return ""
        if not _SEVERAL.search(body):  # one sentence: judged whole, without splitting
            return "" if self.is_furniture(body) else bullet + body
        sentences = split_sentences(body)
        if len(sentences) <= 1:
            return "" if not body or self.is_furniture(body) else bullet + body
        kept = [s for s in (self.clean_sentence(s) for s in sentences) if s]
        if kept != sentences:
            body = " ".join(kept)
        return bullet + body if body else ""

    def strip(self, text: str) -> str:
        """Clean text (one block a line) without furniture blocks and sentences."""
        lines = (self.clean_block(line) for line in (text or "").splitlines())
        return "\n".join(line for line in lines if line)


def _split_bullet(text: str) -> tuple[str, str]:
    if text.startswith(BULLET):
        return BULLET, text[len(BULLET) :].strip()
    return "", text.strip()


def _body(text: str) -> str:
    return _split_bullet(text)[1]


def strip_furniture(text: str, rules: FurnitureRules | None = None) -> str:
    """Clean text without furniture; the bundled rules of every language by default."""
    return (rules or default_rules()).strip(text)


def clean_bullets(bullets: Sequence[str], rules: FurnitureRules | None = None) -> list[str]:
    """Bullets without furniture sentences; bullets that were only furniture are left out."""
    active = rules or default_rules()
    return [b for b in (active.clean_block(b) for b in bullets) if b]


def is_furniture(text: str, rules: FurnitureRules | None = None) -> bool:
    return (rules or default_rules()).is_furniture(text)
