"""Titles as their publisher meant them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text.titles import clean_title


@pytest.mark.parametrize(
    ("raw", "html_type", "expected"),
    [
        ("<b>AT&amp;T</b> deal <script>alert(1)</script>", False, "AT&T deal"),
        ("<![CDATA[<b>AT&amp;T</b> deal <script>alert(1)</script>]]>", False, "AT&T deal"),
        ("AT&amp;T deal", False, "AT&T deal"),
        ("Ba<b>k</b>u talks <style>.x{color:red}</style>resume", True, "Baku talks resume"),
        ("Gas &lt;b&gt;deal&lt;/b&gt; signed", True, "Gas deal signed"),
        ("Oil &amp;amp; gas", False, "Oil & gas"),
        ("Rates < 3% and > 4% in Baku", False, "Rates < 3% and > 4% in Baku"),
        ("Inflation < 3% in Baku, rates > 4% <b>stay</b>", False, "Inflation < 3% in Baku, rates > 4% stay"),
        ("Line<br/>break<p>para</p>", True, "Line break para"),
        ("SOCAR <!-- tracking --> raises output", False, "SOCAR raises output"),
        ("Broken <script>never closed", False, "Broken"),
        ("  spaced \n\t out\u200b ", False, "spaced out"),
        ("R&D spending, Q&A", False, "R&D spending, Q&A"),
        ("Ölpreis &#8211; Москва &#x2014; ok", False, "Ölpreis – Москва — ok"),
        (None, False, ""),
    ],
)
def test_clean_title(raw: object, html_type: bool, expected: str) -> None:
    assert clean_title(raw, html_type=html_type) == expected


def test_long_titles_are_cut_at_a_word_visibly() -> None:
    title = clean_title("word " * 100)
    assert len(title) <= 300 and title.endswith("word…")


@given(st.text(max_size=400), st.booleans())
def test_any_input_gives_one_line_without_script_or_tags(raw: str, html_type: bool) -> None:
    title = clean_title(raw, html_type=html_type)
    assert "\n" not in title and len(title) <= 300
    assert "<script" not in title.lower()
