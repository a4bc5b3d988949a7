"""Literal cues of a regex: strings one of which every match must contain, found once per rule.

A furniture rule then runs only on text that holds one of its cues, so a sentence costs a few
substring checks instead of 150 regex scans. The analysis is conservative: a pattern it cannot
read has no cues (None) and always runs. Text and cues are folded the way ``re.IGNORECASE``
compares characters (the simple lower case, plus re's own equivalences such as dotless ı ~ i and
ſ ~ s), so a cue is present whenever the regex could match; a cue may be present without a match.
"""

from __future__ import annotations

import re
from typing import Any

try:  # re's own parser and case table: the exact rules IGNORECASE follows
    from re import _casefix, _parser
    from re._constants import (
        AT,
        AT_BEGINNING,
        AT_BEGINNING_STRING,
        ATOMIC_GROUP,
        BRANCH,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        POSSESSIVE_REPEAT,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - another Python: no cues, every rule runs
    _parser = None  # type: ignore[assignment]

_COMBINING_DOT = "\u0307"


def _canonical_table() -> dict[int, int]:
    if _parser is None:  # pragma: no cover
        return {}
    table: dict[int, int] = {}
    for low, extras in _casefix._EXTRA_CASES.items():
        group = {low, *extras}
        first = min(group)
        table.update({code: first for code in group if code != first})
    return table


_CANONICAL = _canonical_table()


def fold(text: str) -> str:
    """Text as IGNORECASE sees it, for substring checks against cues."""
    if text.isascii():
        return text.lower()
    # str.lower() turns İ into "i" + a combining dot; re compares İ as plain "i"
    return text.lower().replace("i" + _COMBINING_DOT, "i").translate(_CANONICAL)


def _fold_char(code: int) -> str | None:
    low = chr(code).lower()[0]
    if low == _COMBINING_DOT:
        return None
    return chr(_CANONICAL.get(ord(low), ord(low)))


Facts = tuple[frozenset[str], ...]  # each: one of these strings is in the text; best first


def cues(source: str, flags: int = re.IGNORECASE) -> Facts | None:
    """What fold(text) must contain whenever the pattern matches text: every fact holds (one of
    its strings is present). The best fact (longest shortest string) comes first; None: unknown."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        tree = _parser.parse(source, flags)
    except Exception:  # an unreadable pattern simply gets no cues
        return None
    facts = sorted(set(_required(list(tree))), key=_score, reverse=True)
    return tuple(facts) or None


def prefixes(source: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    """For a pattern anchored at the start: strings one of which fold(text) starts with whenever
    the pattern matches text; None when the pattern is not anchored or its start is not literal."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        items = list(_parser.parse(source, flags))
    except Exception:  # an unreadable pattern simply gets no prefixes
        return None
    if not items or items[0][0] is not AT or items[0][1] not in (AT_BEGINNING, AT_BEGINNING_STRING):
        return None
    found = _starts(items[1:])
    return frozenset(found) if found else None


def _starts(items: list[tuple[Any, Any]]) -> set[str] | None:
    run: list[str] = []
    for index, (op, av) in enumerate(items):
        if op is LITERAL:
            char = _fold_char(av)
            if char is not None:
                run.append(char)
                continue
        if run:
            return {"".join(run)}
        if op is SUBPATTERN:
            return _starts(list(av[-1]))
        if op is ATOMIC_GROUP:
            return _starts(list(av))
        if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            once = _starts(list(av[2]))
            if av[0] >= 1:
                return once
            rest = _starts(items[index + 1 :])  # an optional start: the text begins with it or without it
            return once | rest if once and rest else None
        if op is BRANCH:
            options = [_starts(list(branch)) for branch in av[1]]
            return set().union(*options) if all(options) else None  # type: ignore[arg-type]
        return None
    return {"".join(run)} if run else None


def _score(options: frozenset[str]) -> tuple[int, int]:
    return min(len(s) for s in options), -len(options)


def _required(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Facts every match of this sequence makes true (see cues)."""
    facts: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is LITERAL:
            char = _fold_char(av)
            if char is not None:
                run.append(char)
                continue
        if run:
            facts.append(frozenset({"".join(run)}))
            run = []
        if op is SUBPATTERN:
            facts.extend(_required(list(av[-1])))
        elif op is ATOMIC_GROUP:
            facts.extend(_required(list(av)))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and av[0] >= 1:
            facts.extend(_required(list(av[2])))
        elif op is BRANCH:  # one fact: each branch's best, any of them
            options = [_required(list(branch)) for branch in av[1]]
            if all(options):
                facts.append(frozenset().union(*(max(found, key=_score) for found in options)))
    if run:
        facts.append(frozenset({"".join(run)}))
    return facts
