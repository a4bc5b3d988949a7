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
from bot.text.cues import Facts, cues, fold, prefixes

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


@dataclass(frozen=True, slots=True)
class _CueIndex:
    """Rules of one mode, indexed by their cues (bot.text.cues): a rule anchored at the start is
    found by the first letter of the text and its possible beginnings, another by the strings a
    match must contain; a rule without either always runs."""

    rules: tuple[Rule, ...]
    by_first: dict[str, tuple[tuple[str, int], ...]]  # first folded letter -> (beginning, rule)
    cues: tuple[str, ...]  # the strings of the rules' best facts, distinct
    rules_of: dict[str, tuple[int, ...]]
    facts: dict[int, Facts]  # a rule's other facts, checked once its best fact holds
    always: tuple[int, ...]
    every: tuple[int, ...]

    @classmethod
    def of(cls, rules: list[Rule]) -> _CueIndex:
        by_first: dict[str, list[tuple[str, int]]] = {}
        rules_of: dict[str, list[int]] = {}
        facts: dict[int, Facts] = {}
        always: list[int] = []
        for position, rule in enumerate(rules):
            starts = prefixes(rule.pattern.pattern)
            if starts is not None:
                for start in starts:
                    by_first.setdefault(start[0], []).append((start, position))
                continue
            found = cues(rule.pattern.pattern)
            if found is None:
                always.append(position)
                continue
            facts[position] = found[1:]
            for cue in found[0]:
                rules_of.setdefault(cue, []).append(position)
        return cls(
            tuple(rules),
            {first: tuple(found) for first, found in by_first.items()},
            tuple(rules_of),
            {cue: tuple(found) for cue, found in rules_of.items()},
            facts,
            tuple(always),
            tuple(range(len(rules))),
        )

    def candidates(self, text: str) -> tuple[int, ...]:
        """Positions, in rule order, of the rules that may match text."""
        folded = fold(text)
        found = {i for start, i in self.by_first.get(folded[:1], ()) if folded.startswith(start)}
        for cue in self.cues:  # one substring check per distinct cue
            if cue in folded:
                found.update(i for i in self.rules_of[cue] if _holds(self.facts[i], folded))
        if not found:
            return self.always
        return tuple(sorted(found.union(self.always)))


def _holds(facts: Facts, folded: str) -> bool:
    return all(any(option in folded for option in fact) for fact in facts)


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
    # Off only to measure or check against: every rule on every sentence, as before the cues.
    prefilter: bool = True
    _drop: _CueIndex = field(init=False, repr=False, compare=False)
    _cut: _CueIndex = field(init=False, repr=False, compare=False)
    _combined: dict[tuple[int, ...], re.Pattern[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_drop", _CueIndex.of([r for r in self.rules if r.mode == "drop"]))
        object.__setattr__(self, "_cut", _CueIndex.of([r for r in self.rules if r.mode == "cut"]))
        object.__setattr__(self, "_combined", {})

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.lang for r in self.rules))

    def _candidates(self, index: _CueIndex, text: str) -> tuple[int, ...]:
        return index.candidates(text) if self.prefilter else index.every

    def kind(self, text: str) -> str | None:
        """The kind of furniture a whole block or sentence is ("credit", "related" …), else None."""
        body = _body(text)
        if not body or len(body.split()) > MAX_WORDS:
            return None
        for i in self._candidates(self._drop, body):  # rule order decides the kind
            rule = self._drop.rules[i]
            if rule.pattern.match(body):  # every drop rule is anchored: match, never a scan
                return rule.kind
        return None

    def is_furniture(self, text: str) -> bool:
        return self.kind(text) is not None

    def cut(self, text: str) -> str:
        """The text without its furniture prefixes and tails (whole furniture is not judged here)."""
        chosen = self._candidates(self._cut, text)
        if not chosen:
            return text
        pattern = self._combined.get(chosen)
        if pattern is None:  # rules that cannot match change nothing in the alternation: leave them out
            sources = (self._cut.rules[i].pattern.pattern for i in chosen)
            pattern = re.compile("|".join(f"(?:{source})" for source in sources), re.IGNORECASE)
            self._combined[chosen] = pattern
        out = pattern.sub(" ", text)  # one pass for every rule that may apply
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
