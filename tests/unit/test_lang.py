"""Article language: metadata first, then the offline detector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.text import langid_cache
from bot.text.lang import article_language, detect, entry_tags, from_metadata


def test_metadata_names_the_language() -> None:
    assert from_metadata(None, "", "pt-BR") == "pt"
    assert from_metadata("en, fr", "de") == "de"  # two languages name none
    assert from_metadata(None) is None


def test_entry_tags_most_specific_first() -> None:
    entry = {"title_detail": {"language": "ru"}, "language": "en"}
    assert entry_tags(entry, {"language": "de"}) == ["ru", "en", "de"]
    assert article_language(entry_tags({}, {"language": "de-AT"}), "Some text in English here") == "de"


def test_content_language_header_when_the_feed_says_nothing() -> None:
    assert article_language([None], "text", headers={"Content-Language": "tr"}) == "tr"


def test_detector_on_text() -> None:
    assert detect("В Москве открылась выставка современного искусства") == "ru"
    assert detect("Київ отримав нову партію допомоги від партнерів") == "uk"
    assert detect("Bakı şəhərində yeni metro stansiyası açılıb") == "az"
    assert detect("Die Bundesregierung hat am Mittwoch ein neues Gesetz beschlossen") == "de"
    assert detect("東京で大きな地震がありました。被害は確認されていません。") == "ja"
    assert detect("巴库举行了新的国际石油天然气展览会") == "zh"


def test_too_little_text_is_undetermined() -> None:
    assert detect("ok") == "und"
    assert detect("") == "und"
    assert article_language([None, None], "12 34") == "und"


# The shared model cache (bot.text.langid_cache): py3langid's own results, from a mapped file.

MIXED = [
    "В Москве открылась выставка современного искусства",
    "Київ отримав нову партію допомоги від партнерів",
    "Bakı şəhərində yeni metro stansiyası açılıb",
    "Die Bundesregierung hat am Mittwoch ein neues Gesetz beschlossen",
    "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine",
    "El Gobierno aprobó el martes la reforma de las pensiones",
    "O governo anunciou novas medidas para conter a inflação",
    "Il governo ha approvato il decreto sulle bollette",
    "Hükümet yeni ekonomi paketini açıkladı",
    "巴库举行了新的国际石油天然气展览会",
    "THE PARLIAMENT VOTED ON THE BUDGET",
    "ab",
    "",
    "12 34 56",
]


def _texts() -> list[str]:
    """The texts above, the titles and summaries of the real feeds in tests/data/feeds and, where
    it is present, of the shared corpus's feeds (45 feeds, 13 languages)."""
    import feedparser

    texts = list(MIXED)
    folders = [Path(__file__).parents[1] / "data" / "feeds", Path("/work/shared/corpus/feeds")]
    for path in sorted(p for folder in folders for p in folder.glob("*.xml")):
        for entry in feedparser.parse(path.read_bytes()).entries:
            texts.append(entry.get("title") or "")
            texts.append(f"{entry.get('title') or ''}\n{entry.get('summary') or ''}"[:2000])
    return texts


@pytest.fixture(scope="module")
def library_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_cached_model_scores_as_the_library_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library_identifier: Any
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = langid_cache.load()  # builds the cache file
    files = list((tmp_path / "newsbot").glob("langid-*.bin"))
    assert len(files) == 1
    mapped = langid_cache.load()  # maps the file another process built
    texts = _texts()
    assert len(texts) > 80
    for text in texts:
        expected = library_identifier.classify(text)
        assert built.classify(text) == expected, text
        assert mapped.classify(text) == expected, text
        assert mapped.rank(text) == library_identifier.rank(text), text


def test_a_damaged_cache_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    langid_cache.load()
    (path,) = (tmp_path / "newsbot").glob("langid-*.bin")
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])  # a torn copy (the rename makes this unlikely)
    assert langid_cache.load().classify(MIXED[3])[0] == "de"
    assert path.stat().st_size == size


def test_without_a_writable_cache_the_library_loads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langid_cache, "cache_dirs", lambda: [Path("/proc/no-such-dir")])
    assert langid_cache.load().classify(MIXED[0])[0] == "ru"
