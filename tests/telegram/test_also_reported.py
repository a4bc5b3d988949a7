"""The "Also reported by" line of a threaded alert: names linked, +N, within every message limit."""

from __future__ import annotations

from handlers.telegram.render import MAX_MESSAGE, also_line, render_alert, render_alert_plain, utf16_len
from tests.telegram.html_checker import check_telegram_html, hrefs
from tests.telegram.test_render import make_alert

ALSO = (
    ("AP", "https://ap.example/1"),
    ("BBC <News>", "https://bbc.example/2"),
    ("AFP", "https://afp.example/3"),
)


def test_names_are_linked_and_the_rest_counted() -> None:
    alert = make_alert(also=(*ALSO, ("CNN", "https://cnn.example/4"), ("NHK", "https://nhk.example/5")))
    line = also_line(alert)
    assert line.startswith('Also reported by: <a href="https://ap.example/1">AP</a> · ')
    assert "BBC &lt;News&gt;" in line and line.endswith(" · +2")
    text = render_alert(alert)
    check_telegram_html(text)
    assert text.endswith(line)
    assert "https://afp.example/3" in hrefs(text)


def test_no_reports_no_line_and_a_source_once() -> None:
    assert also_line(make_alert()) == ""
    assert render_alert(make_alert()) == render_alert(make_alert(also=()))
    assert also_line(make_alert(also=(ALSO[0], ALSO[0]))).count("AP") == 1


def test_a_long_alert_with_reports_stays_within_the_limit() -> None:
    huge = make_alert(title="T" * 5000, bullets=tuple("word " * 400 for _ in range(4)), also=ALSO * 40)
    for text in (render_alert(huge), render_alert_plain(huge)):
        assert utf16_len(text) <= MAX_MESSAGE
        assert "Also reported by" in text
    check_telegram_html(render_alert(huge))


def test_plain_text_has_no_markup() -> None:
    assert also_line(make_alert(also=ALSO), markup=False) == "Also reported by: AP · BBC <News> · AFP"
