"""2–4 bullet highlights for an alert.

The publisher's own bullet list wins when there is one near the top. Otherwise sentences are
picked extractively: a lead-position prior (the strongest unsupervised signal on news), TF-IDF
centrality and title similarity, relevance to the subscription terms that matched, and maximal
marginal relevance (Carbonell & Goldstein 1998) so two bullets do not say the same thing.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.text.clean import BULLET, html_to_text, is_boilerplate, split_sentences
from bot.text.furniture import default_rules
from bot.text.sentences import SENTENCE_ENDS, word_count
from bot.text.tokens import fold, tokenize, words

log = logging.getLogger(__name__)
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


MAX_CHARS = 300  # a bullet longer than this is cut at a word boundary with "…"
MAX_TEXT = 100_000  # characters of body considered; the lead is what matters on news
MAX_CANDIDATES = 80  # sentences scored (plus any deeper sentence that mentions a term)
# Tuned on summaries/dev.jsonl (CNN/DM + Newsroom): about 55 words of bullets (2-3 sentences)
# beats LEAD-3's three sentences on ROUGE F1; more bullets cost precision, fewer cost recall.
WORD_BUDGET = 55
MIN_BULLETS = 2  # when the article has three or more sentences
LAMBDA = 0.75  # MMR trade-off between sentence score and novelty
W_POSITION, W_CENTRAL, W_TITLE, W_TERMS, W_QUOTE = 1.0, 0.2, 0.35, 0.6, 0.2
POSITION_DECAY = 3.0  # sentences: e-fold of the lead prior


_STOP = _word_set(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this "
    "that these those he she they we you i his her their our your him them us me my not no so than then "
    "there here who whom which what when where why how all any each some more most such can could will "
    "would should may might must do does did has have had also said says say just about into over after "
    "before up down out off again very s t one two new"
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    position: int
    text: str
    stems: tuple[str, ...]
    folded: tuple[str, ...]


_Matcher = Callable[[_Sentence], bool]


def make_highlights(title: str, text: str, terms: Sequence[str] = (), max_bullets: int = 4) -> list[str]:
    """1..max_bullets plain-text bullets in article order; [] only when the text has no usable sentence."""
    try:
        return _make(title or "", text or "", tuple(terms or ()), max(1, max_bullets))
    except Exception:  # highlights are garnish: a bug here must not cost the user the alert
        log.exception("highlights failed for %r", (title or "")[:80])
        return []


def _make(title: str, text: str, terms: tuple[str, ...], max_bullets: int) -> list[str]:
    text = text[:MAX_TEXT]
    if "<" in text and ">" in text:
        text = html_to_text(text)
    furniture = default_rules()  # credits, rights lines, prompts, related links: never a bullet
    lines = [
        line
        for line in (furniture.clean_line(raw) for raw in text.splitlines() if raw.strip())
        if line and not is_boilerplate(line)
    ]
    title_key = _key(title)
    matchers = [m for m in (_term_matcher(t) for t in terms) if m is not None]
    published = _publisher_bullets(lines, title_key, max_bullets)
    if published:
        return _with_term_sentence(published, _sentences(lines, title_key), matchers, max_bullets)
    sentences = _sentences(lines, title_key)
    if not sentences:
        return []
    if len(sentences) <= 2:  # a teaser: one bullet, not padding
        joined = " ".join(s.text for s in sentences)
        if len(joined) <= MAX_CHARS:
            return [joined]
        hit = [s for s in sentences if any(m(s) for m in matchers)]
        return [_excerpt((hit or sentences)[0].text, matchers)]
    chosen = _select(title, sentences, matchers, max_bullets)
    return [_excerpt(s.text, matchers) for s in sorted(chosen, key=lambda s: s.position)]


def shorten(sentence: str, limit: int = MAX_CHARS) -> str:
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


def _excerpt(text: str, matchers: Sequence[_Matcher]) -> str:
    """shorten(), except that a long sentence keeps the part naming a matched term."""
    if len(text) <= MAX_CHARS or not matchers:
        return shorten(text)
    for word in _WORD_START.finditer(text, 0, 3000):
        window = _as_sentence(text[word.start() : word.start() + 80])
        if any(m(window) for m in matchers):
            break
    else:
        return shorten(text)
    if word.start() < MAX_CHARS - 80:
        return shorten(text)
    cut = text.rfind(" ", 0, word.start() - 100) + 1
    return "…" + shorten(text[cut:], MAX_CHARS - 1)


def _key(text: str) -> str:
    return " ".join(words(text))


def _publisher_bullets(lines: list[str], title_key: str, max_bullets: int) -> list[str]:
    """A run of 2–5 list items within the first blocks is the article's own summary."""
    run: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith(BULLET):
            run.append(line.removeprefix(BULLET).strip())
            if len(run) > 5:  # a long list is article content, not a summary
                return []
            continue
        if run or index >= 6:
            break
    if not 2 <= len(run) <= 5 or not all(4 <= len(item.split()) <= 60 for item in run):
        return []
    items = [b for b in (default_rules().clean_block(item) for item in run) if b]  # sentence by sentence
    return [shorten(item) for item in items if _key(item) != title_key][:max_bullets]


def _sentences(lines: list[str], title_key: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    seen: set[str] = set()
    furniture = default_rules()
    for line in lines:
        body = line.removeprefix(BULLET).strip()
        # A short line without closing punctuation is a heading or caption, not story text.
        if word_count(body) < 8 and not body.rstrip("\"'”’)」』").endswith(SENTENCE_ENDS):
            continue
        for raw in split_sentences(body):
            raw = furniture.clean_sentence(raw)
            key = _key(raw)
            if word_count(raw) < 4 or key == title_key or key in seen or is_boilerplate(raw):
                continue
            seen.add(key)
            out.append(_Sentence(len(out), raw, tuple(tokenize(raw)), tuple(words(raw))))
    return out


def _term_matcher(term: str) -> _Matcher | None:
    term = term.strip().strip("\"'").strip()
    if term.endswith("*"):
        prefix = fold(term.rstrip("*").strip())
        if not prefix:
            return None
        return lambda s: any(w.startswith(prefix) for w in s.folded)
    seq = tuple(tokenize(term))
    if not seq:
        return None
    n = len(seq)
    return lambda s: any(s.stems[i : i + n] == seq for i in range(len(s.stems) - n + 1))


def _with_term_sentence(
    bullets: list[str], sentences: list[_Sentence], matchers: Sequence[_Matcher], max_bullets: int
) -> list[str]:
    """When no bullet shows why the story matched, the first sentence that does joins them."""
    if not matchers or any(m(_as_sentence(b)) for b in bullets for m in matchers):
        return bullets
    hit = next((s for s in sentences if any(m(s) for m in matchers)), None)
    if hit is None:
        return bullets
    kept = bullets if len(bullets) < max_bullets else bullets[: max_bullets - 1]
    return [*kept, _excerpt(hit.text, matchers)]


def _as_sentence(text: str) -> _Sentence:
    return _Sentence(0, text, tuple(tokenize(text)), tuple(words(text)))


def _vectors(token_lists: list[list[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for tokens in token_lists:
        for token in tokens:
            vocab.setdefault(token, len(vocab))
    matrix = np.zeros((len(token_lists), max(1, len(vocab))))
    df = Counter(t for tokens in token_lists for t in set(tokens))
    n = len(token_lists)
    for row, tokens in enumerate(token_lists):
        for token, count in Counter(tokens).items():
            matrix[row, vocab[token]] = (1 + math.log(count)) * math.log((n + 1) / df[token])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _content(stems: Sequence[str]) -> list[str]:
    return [t for t in stems if t not in _STOP and not t.isdigit()]


def _select(
    title: str, sentences: list[_Sentence], matchers: Sequence[_Matcher], max_bullets: int
) -> list[_Sentence]:
    hits = {s.position for s in sentences if any(m(s) for m in matchers)}
    pool = [s for s in sentences if s.position < MAX_CANDIDATES or s.position in hits]
    title_tokens = _content(tokenize(title))
    vectors = _vectors([_content(s.stems) for s in pool] + [title_tokens])
    sims = vectors[:-1] @ vectors[:-1].T
    np.fill_diagonal(sims, 0.0)
    central = sims.sum(axis=1)
    central = central / central.max() if central.max() > 0 else central
    title_sim = vectors[:-1] @ vectors[-1] if title_tokens else np.zeros(len(pool))
    position = np.array([math.exp(-s.position / POSITION_DECAY) for s in pool])
    relevance = np.array([1.0 if s.position in hits else 0.0 for s in pool])
    # A sentence that opens with a quote is rarely the story's summary.
    quoted = np.array([1.0 if s.text[:1] in "\"'“‘" else 0.0 for s in pool])
    score = W_POSITION * position + W_CENTRAL * central + W_TITLE * title_sim + W_TERMS * relevance
    score -= W_QUOTE * quoted

    chosen: list[int] = []
    budget = 0
    while len(chosen) < min(max_bullets, len(pool)) and (budget < WORD_BUDGET or len(chosen) < MIN_BULLETS):
        redundancy = sims[:, chosen].max(axis=1) if chosen else np.zeros(len(pool))
        mmr = LAMBDA * score - (1 - LAMBDA) * redundancy
        mmr[chosen] = -np.inf
        best = int(np.argmax(mmr))
        size = min(word_count(pool[best].text), MAX_CHARS // 6)  # a bullet is cut at MAX_CHARS anyway
        chosen.append(best)
        budget += size
    picked = [pool[i] for i in chosen]
    if hits and not any(s.position in hits for s in picked):
        # The user must see why this story matched: the best term sentence replaces the weakest pick.
        best_hit = max((i for i, s in enumerate(pool) if s.position in hits), key=lambda i: score[i])
        picked = [*picked[:-1], pool[best_hit]] if len(picked) >= max_bullets else [*picked, pool[best_hit]]
    return picked
