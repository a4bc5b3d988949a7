"""extract_main_text: the article body of a fetched page, in html_to_text form."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.alerts.highlights import make_highlights
from bot.ingest.extract import extract_main_text

PAGE = Path(__file__).parent.parent / "data" / "extract_page.html"
CORPUS_PAGES = Path("/work/shared/corpus/pages")


def test_handmade_page_yields_the_story_paragraphs_only() -> None:
    text = extract_main_text(PAGE.read_bytes(), "https://gazette.example/ferry")
    assert text is not None
    assert "The ferry operator on the Baku to Turkmenbashi route will double its weekly sailings" in text
    assert "Port authorities in Turkmenbashi said they were expanding the terminal" in text
    furniture = (
        "Sport",
        "Weather",
        "You may also like",
        "Leave a Comment",
        "Rail freight hits record",
        "All rights reserved",
        "Privacy",
        "A ferry leaves the port",
        "window.analytics",
        "Post",
    )
    for phrase in furniture:
        assert phrase not in text, phrase
    paragraphs = [line for line in text.splitlines() if len(line.split()) > 12]
    assert len(paragraphs) == 5  # one block per paragraph


def test_extracted_text_feeds_highlights() -> None:
    text = extract_main_text(PAGE.read_text("utf-8"))
    assert text is not None
    bullets = make_highlights("Caspian ferry line doubles capacity", text, ("middle corridor",))
    assert 2 <= len(bullets) <= 4
    assert bullets[0].startswith("The ferry operator")
    assert any("Middle Corridor" in b for b in bullets)


@pytest.mark.parametrize(
    "page", [b"", "", "<html><body><nav>Home</nav></body></html>", b"\x00\xff\xfe garbage"]
)
def test_non_articles_give_none(page: str | bytes) -> None:
    assert extract_main_text(page) is None


@pytest.mark.skipif(not CORPUS_PAGES.exists(), reason="shared corpus absent")
def test_real_page_extraction_keeps_most_of_the_article() -> None:
    from bot.text.clean import html_to_text
    from bot.text.tokens import words

    source = CORPUS_PAGES / "nytimes-1.source.html"
    expected = set(words(html_to_text((CORPUS_PAGES / "nytimes-1.expected.html").read_text("utf-8"))))
    got = set(words(extract_main_text(source.read_bytes()) or ""))
    assert len(got & expected) / len(expected) > 0.9
    assert len(got & expected) / len(got) > 0.9


def test_publisher_bullets_survive_extraction_from_a_full_page() -> None:
    story = (Path(__file__).parent.parent / "data" / "seed_article.html").read_text("utf-8")
    page = (
        f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Attack</h1>{story}</article></body></html>"
    )
    text = extract_main_text(page)
    assert text is not None
    bullets = make_highlights("Attack", text)
    assert len(bullets) == 4
    assert bullets[0].startswith("Russia has targeted Azerbaijan’s energy infrastructure")
