"""Keyword matching on inflected words, per language, before vs after issue 15; bullets on non-English pages.

Matching. Stories: every entry (title + description) of the corpus's non-English feeds and
every paragraph of its non-English pages. A query is a dictionary form typed as a user would
(`Оренбург`, `Flüchtling`, `rebaja`). Expected matches were labelled by hand: for each query,
every word of the corpus sharing its first four letters was listed (`--candidates` prints the
lists) and judged "a form of that word" (any case, number, gender: оренбурге, Flüchtlinge,
rebajas) or "another word" (derivations and compounds: оренбургской, Flüchtlingskrise, rebajado,
rebajar's verb forms). `LABELS` keeps the forms judged yes; a story is expected to match when it
holds one of them. "before" is the language-blind matching (fold, English plural rules);
"after" is bot.text.stemming under the story's language as bot.text.lang finds it (feed
metadata, else the detector), so detection errors count against "after".

Bullets. Every non-English page of the corpus: source HTML -> extract_main_text ->
make_highlights. Present, 2–4 of them, and free of furniture: each bullet is a sentence of the
page's human-checked article text (`*.expected.html`).

    python benchmarks/bench_multilingual.py [--quick] [--data CORPUS_DIR] [--candidates]
"""

from __future__ import annotations

import argparse
import html as htmlmod
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

CORPUS = Path("/work/shared/corpus")

# feed file -> the language a reader sees it is in (intranet30 is Swedish despite its name)
FEEDS = {
    "citydog-by.rss.xml": "ru",
    "oren-ru-windows-1251.rss.xml": "ru",
    "spiegel-online.rss.xml": "de",
    "faz-net-aktuell.rss.xml": "de",
    "orf-at-news.rdf.xml": "de",
    "derstandard-at.rss.xml": "de",
    "heise-developer.atom.xml": "de",
    "intranet30-iso-8859-1.rss.xml": "sv",
    "lemonde-une.rss.xml": "fr",
    "lefigaro-culture.rss.xml": "fr",
    "20minutos-es.rdf.xml": "es",
    "jn-pt-ultimas-iso-8859-1.rss.xml": "pt",
    "uol-noticias-NO-XML-DECL-latin1.rss.xml": "pt",
}
PAGES = {"lemonde-1": "fr", "la-nacion": "es", "aktualne": "cs"}


def _forms(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# query -> the corpus words judged to be its forms (lower case)
LABELS: dict[str, dict[str, frozenset[str]]] = {
    "ru": {
        "Оренбург": _forms("оренбург оренбурге оренбурга"),
        "школа": _forms("школ школы школа"),
        "фильм": _forms("фильм фильмы"),
        "субсидия": _forms("субсидии субсидий"),
        "Минск": _forms("минске минск"),
        "Киев": _forms("киеве киев"),
        "детский": _forms("детского детских детской"),
        "уголовный": _forms("уголовное уголовной"),
        "студент": _forms("студентов"),
        "дизайнер": _forms("дизайнеров"),
        "журналист": _forms("журналисты"),
        "белорус": _forms("белорусов"),
        "квартира": _forms("квартиру"),
        "поезд": _forms("поезда"),
    },
    "de": {
        "Jahr": _forms("jahr jahren jahre jahres"),
        "Sprache": _forms("sprache sprachen"),
        "Flüchtling": _forms("flüchtlinge flüchtlingen flüchtling"),
        "Programm": _forms("programm programme programms"),
        "Problem": _forms("problem probleme problems"),
        "Projekt": _forms("projekts projekte projekt"),
        "Version": _forms("version versionen"),
        "Entwickler": _forms("entwickler entwicklern"),
        "Gespräch": _forms("gespräche gespräch gesprächen"),
        "Vorschlag": _forms("vorschlag vorschläge"),
        "Änderung": _forms("änderungen änderung"),
        "Spieler": _forms("spieler"),
    },
    "sv": {
        "olycka": _forms("olyckor olycka olyckan"),
        "riksdag": _forms("riksdagen riksdag"),
        "diskussion": _forms("diskussioner diskussion"),
        "trafik": _forms("trafiken trafik"),
    },
    "fr": {
        "surveillance": _forms("surveillance"),
        "attentat": _forms("attentat attentats"),
        "personne": _forms("personnes personne"),
        "terroriste": _forms("terroriste terroristes"),
        "dispositif": _forms("dispositif dispositifs"),
        "autorité": _forms("autorité autorités"),
        "étranger": _forms("étranger étrangers étrangère étrangères"),
        "communication": _forms("communication communications"),
        "conseil": _forms("conseil conseils"),
        "procédure": _forms("procédure procédures"),
        "visite": _forms("visite visites"),
        "dessin": _forms("dessin dessins"),
    },
    "es": {
        "rebaja": _forms("rebajas rebaja"),
        "comercio": _forms("comercio comercios"),
        "comunidad": _forms("comunidad comunidades"),
        "partido": _forms("partido partidos"),
        "informe": _forms("informe informes"),
        "consumidor": _forms("consumidores consumidor"),
        "producto": _forms("productos producto"),
        "precio": _forms("precio precios"),
        "organización": _forms("organizaciones organización"),
        "empleo": _forms("empleo empleos"),
        "empresa": _forms("empresas empresa"),
        "intención": _forms("intenciones intención"),
        "cabalgata": _forms("cabalgata cabalgatas"),
    },
    "pt": {
        "pessoa": _forms("pessoas pessoa"),
        "valor": _forms("valor valores"),
        "autoridade": _forms("autoridades autoridade"),
        "prestação": _forms("prestação prestações"),
        "segundo": _forms("segundo segundos segunda segundas"),
    },
    "cs": {
        "Moyes": _forms("moyes moyese moyesem moyesovi"),
        "sezona": _forms("sezony sezoně sezonou sezona sezonu"),
        "fotbal": _forms("fotbal fotbalu fotbale"),
    },
}

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]+")


def _plain(markup: str) -> str:
    return re.sub(r"\s+", " ", htmlmod.unescape(_TAG.sub(" ", markup or ""))).strip()


def stories(corpus: Path) -> list[tuple[str, str, str]]:
    """(labelled language, detected language, text) for every non-English story."""
    import feedparser

    from bot.text.lang import article_language, entry_tags

    out: list[tuple[str, str, str]] = []
    for name, lang in FEEDS.items():
        path = corpus / "feeds" / name
        if not path.exists():
            continue
        parsed = feedparser.parse(path.read_bytes())
        for entry in parsed.entries:
            title, text = _plain(entry.get("title", "")), _plain(entry.get("summary", ""))
            found = article_language(entry_tags(entry, parsed.feed), title, text)
            out.append((lang, found, f"{title}\n{text}"))
    for name, lang in PAGES.items():
        path = corpus / "pages" / f"{name}.expected.html"
        if not path.exists():
            continue
        meta = json.loads((corpus / "pages" / f"{name}.metadata.json").read_text())
        for para in re.split(r"</p>|<br\s*/?>", path.read_text(encoding="utf-8")):
            text = _plain(para)
            if len(text.split()) >= 5:
                out.append((lang, article_language([meta.get("lang")], text), text))
    return out


def _before(query: str, text: str) -> bool:
    from bot.text.tokens import stem, words

    key = stem(words(query)[0])
    return key in {stem(w) for w in words(text)}


def _after(query: str, text: str, lang: str) -> bool:
    from bot.text.stemming import analyzer, raw_words

    a = analyzer(lang)
    key = a.key(query)
    return any(key in a.keys(w) for w in raw_words(text))


def matching(items: list[tuple[str, str, str]]) -> list[dict]:
    rows = []
    for lang, labels in LABELS.items():
        mine = [(found, text) for labelled, found, text in items if labelled == lang]
        if not mine:
            continue
        count = {"before": [0, 0, 0], "after": [0, 0, 0]}  # tp, fp, fn
        for query, forms in labels.items():
            for found, text in mine:
                expected = bool(forms & {w.lower() for w in _WORD.findall(text)})
                for side, got in (("before", _before(query, text)), ("after", _after(query, text, found))):
                    c = count[side]
                    c[0] += got and expected
                    c[1] += got and not expected
                    c[2] += expected and not got
        row = {
            "lang": lang,
            "stories": len(mine),
            "queries": len(labels),
            "detected_ok": sum(found == lang for found, _ in mine) / len(mine),
        }
        for side, (tp, fp, fn) in count.items():
            row[f"{side}_p"] = tp / (tp + fp) if tp + fp else 1.0
            row[f"{side}_r"] = tp / (tp + fn) if tp + fn else 1.0
            row[f"{side}_pairs"] = tp + fn
            row[f"{side}_counts"] = (tp, fp, fn)
        rows.append(row)
    return rows


def candidates(items: list[tuple[str, str, str]]) -> None:
    by_lang: dict[str, set[str]] = defaultdict(set)
    for lang, _, text in items:
        by_lang[lang].update(w.lower() for w in _WORD.findall(text))
    for lang, labels in LABELS.items():
        for query in labels:
            head = query.lower()[:4]
            print(lang, query, "->", " ".join(sorted(w for w in by_lang[lang] if w.startswith(head))))


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def bullets(corpus: Path) -> list[dict]:
    from bot.alerts.highlights import make_highlights
    from bot.ingest.extract import extract_main_text

    rows = []
    for name in PAGES:
        source = corpus / "pages" / f"{name}.source.html"
        if not source.exists():
            continue
        meta = json.loads((corpus / "pages" / f"{name}.metadata.json").read_text())
        expected = _norm(_plain((corpus / "pages" / f"{name}.expected.html").read_text(encoding="utf-8")))
        text = extract_main_text(source.read_bytes()) or ""
        made = make_highlights(meta.get("title") or "", text)
        clean = 0
        for bullet in made:
            body = _norm(bullet.strip("…"))
            clean += bool(body) and body in expected
        rows.append(
            {"page": name, "bullets": len(made), "clean": clean, "first": made[0][:70] if made else ""}
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="same run (it takes a few seconds)")
    parser.add_argument("--data", type=Path, default=CORPUS, help="the corpus folder (feeds/, pages/)")
    parser.add_argument(
        "--candidates", action="store_true", help="print the words each label was chosen from"
    )
    args = parser.parse_args(argv)

    items = stories(args.data)
    if args.candidates:
        candidates(items)
        return 0
    rows = matching(items)
    header = (
        f"{'lang':<5} {'stories':>7} {'queries':>7} {'detected':>8} {'pairs':>6} "
        f"{'P before':>8} {'R before':>8} {'P after':>8} {'R after':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['lang']:<5} {r['stories']:>7} {r['queries']:>7} {r['detected_ok']:>8.0%} "
            f"{r['after_pairs']:>6} "
            f"{r['before_p']:>8.1%} {r['before_r']:>8.1%} {r['after_p']:>8.1%} {r['after_r']:>8.1%}"
        )
    print("pairs: (query, story) pairs expected to match; detected: stories whose language was found right")
    if not rows:
        print("(no corpus found: nothing measured)")

    pages = bullets(args.data)
    print()
    print(f"{'page':<12} {'bullets':>7} {'clean':>5}  first bullet")
    for p in pages:
        print(f"{p['page']:<12} {p['bullets']:>7} {p['clean']:>5}  {p['first']}")
    print("clean: bullets that are sentences of the page's human-checked article text (no furniture)")

    def total(side: str, key: str) -> float:
        tp, fp, fn = (sum(r[f"{side}_counts"][i] for r in rows) for i in range(3))
        found = tp + (fp if key == "p" else fn)
        return round(tp / found, 3) if found else 1.0

    pages_ok = all(2 <= p["bullets"] <= 4 and p["clean"] == p["bullets"] for p in pages)
    print(
        json.dumps(
            {
                "bench": "multilingual",
                "languages": [r["lang"] for r in rows],
                "recall_before": total("before", "r"),
                "recall_after": total("after", "r"),
                "precision_before": total("before", "p"),
                "precision_after": total("after", "p"),
                "pages": len(pages),
                "pages_with_2_to_4_clean_bullets": sum(
                    2 <= p["bullets"] <= 4 and p["clean"] == p["bullets"] for p in pages
                ),
            }
        )
    )
    return 0 if pages_ok or not pages else 1


if __name__ == "__main__":
    sys.exit(main())
