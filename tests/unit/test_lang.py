"""Article language: metadata first, then the offline detector."""

from __future__ import annotations

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
