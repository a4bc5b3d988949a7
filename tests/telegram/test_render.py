from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Alert, ChatRef
from handlers.telegram.render import (
    MAX_MESSAGE,
    render_alert,
    render_alert_plain,
    shorten,
    split_lines,
    utf16_len,
)
from tests.telegram.html_checker import InvalidTelegramHtml, check_telegram_html, hrefs

CHAT = ChatRef("telegram", "42")


def make_alert(**changes: object) -> Alert:
    fields: dict[str, object] = {
        "chat": CHAT,
        "article_key": "k1",
        "title": "SOCAR signs Caspian gas deal",
        "url": "https://example.com/news/1?a=1&b=2",
        "source": "Reuters",
        "published": datetime(2026, 11, 25, 14, 5, tzinfo=UTC),
        "matched": ("socar",),
        "bullets": ("SOCAR agreed to supply gas.", "The deal runs ten years.", "Prices were not disclosed."),
        "created": datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return Alert(**fields)  # type: ignore[arg-type]


def test_alert_has_bold_title_source_time_matches_bullets_and_link() -> None:
    text = render_alert(make_alert())
    check_telegram_html(text)
    lines = text.split("\n")
    assert lines[0] == "<b><u>SOCAR</u> signs Caspian gas deal</b>"  # the matched word: underlined
    assert lines[1] == "Reuters · 25 Nov 2026 14:05 UTC"
    assert lines[2] == "Matched: <i>socar</i>"
    assert lines[3:6] == [
        "• <b>SOCAR</b> agreed to supply gas.",  # why it matched: the matched word is bold
        "• The deal runs ten years.",
        "• Prices were not disclosed.",
    ]
    assert lines[6] == '<a href="https://example.com/news/1?a=1&amp;b=2">Read more</a>'


def test_time_is_shown_in_utc_whatever_the_feed_zone() -> None:
    baku = timezone(timedelta(hours=4))
    text = render_alert(make_alert(published=datetime(2026, 11, 25, 18, 5, tzinfo=baku)))
    assert "Reuters · 25 Nov 2026 14:05 UTC" in text
    assert render_alert(make_alert(published=None)).split("\n")[1] == "Reuters"


def test_feed_markup_is_escaped_everywhere() -> None:
    alert = make_alert(
        title="<script>alert(1)</script> & <b>bold</b>",
        source="Evil <i>Feed</i>",
        matched=('"caspian sea"', "a&b"),
        bullets=("x < y && y > z", "<a href='javascript:1'>click</a>"),
        url='https://example.com/?q="><b>x</b>&r=1',
    )
    text = render_alert(alert)
    visible = check_telegram_html(text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "Evil &lt;i&gt;Feed&lt;/i&gt;" in text
    assert "x &lt; y &amp;&amp; y &gt; z" in visible
    assert hrefs(text) == ["https://example.com/?q=&quot;&gt;&lt;b&gt;x&lt;/b&gt;&amp;r=1"]


def test_only_http_links_become_anchors() -> None:
    for url in (
        "javascript:alert(1)",
        "ftp://example.com/x",
        "data:text/html,hi",
        "",
        "https://",
        "http://a b",
    ):
        text = render_alert(make_alert(url=url))
        assert "<a " not in text, url
        check_telegram_html(text)
    assert hrefs(render_alert(make_alert(url="HTTP://Example.com/x"))) == ["HTTP://Example.com/x"]


def test_newlines_and_control_characters_in_feed_text_stay_on_one_line() -> None:
    text = render_alert(make_alert(title="Line one\nline two\x00\x1b[31m", bullets=("a\r\nb",)))
    assert text.split("\n")[0] == "<b>Line one line two [31m</b>"
    assert "• a b" in text


def test_long_bullets_are_shortened_first_at_word_boundaries() -> None:
    long = " ".join(f"word{i}" for i in range(3000))
    text = render_alert(make_alert(bullets=(long, long, long, "short one")))
    check_telegram_html(text)
    assert utf16_len(text) <= MAX_MESSAGE
    assert text.split("\n")[0] == "<b><u>SOCAR</u> signs Caspian gas deal</b>"
    bullets = [line for line in text.split("\n") if line.startswith("• ")]
    assert len(bullets) == 4 and "• short one" in bullets
    for bullet in bullets[:3]:
        assert bullet.endswith("…")
        assert bullet[:-1].split(" ")[-1].startswith("word")  # whole words only
        assert bullet[:-1].rsplit(" ", 1)[-1] in long.split(" ")
    assert text.endswith("Read more</a>")


def test_huge_title_is_shortened_after_bullets() -> None:
    title = "Breaking " * 2000
    text = render_alert(make_alert(title=title))
    check_telegram_html(text)
    assert utf16_len(text) <= MAX_MESSAGE
    first = text.split("\n")[0]
    assert first.startswith("<b>Breaking") and first.endswith("…</b>")
    assert "• The deal runs ten years." in text  # short bullets survive


def test_escaping_expansion_and_astral_characters_are_counted() -> None:
    ampersands = "&" * 5000  # each becomes 5 characters
    emoji = "😀" * 5000  # 2 UTF-16 units each
    for alert in (
        make_alert(title=ampersands, bullets=(ampersands,) * 4),
        make_alert(title=emoji, bullets=(emoji,)),
    ):
        text = render_alert(alert)
        check_telegram_html(text)  # never cut inside "&amp;"
        assert utf16_len(text) <= MAX_MESSAGE
        plain = render_alert_plain(alert)
        assert utf16_len(plain) <= MAX_MESSAGE


def test_plain_rendering_has_no_markup_and_raw_text() -> None:
    plain = render_alert_plain(make_alert(title="A <b> & B"))
    assert plain.split("\n")[0] == "A <b> & B"
    assert "<a" not in plain and "&amp;" not in plain
    assert plain.split("\n")[-1] == "https://example.com/news/1?a=1&b=2"


def test_shorten_measures_escaped_length() -> None:
    assert shorten("short", 10) == "short"
    cut = shorten("a & b & c & d & e", 12)
    assert cut.endswith("…") and utf16_len(cut.replace("&", "&amp;")) <= 12


def test_split_lines_packs_within_limit_and_keeps_every_line() -> None:
    lines = [f"• item {i} " + "x" * 90 for i in range(200)]
    parts = split_lines(lines, header="Header:")
    assert len(parts) > 1
    assert all(utf16_len(p) <= MAX_MESSAGE for p in parts)
    assert "\n".join(parts).split("\n") == ["Header:", *lines]


def test_checker_rejects_what_telegram_rejects() -> None:
    for bad in ("a < b", "AT&T", "<br>", "<b>x", "<b><i>x</b></i>", '<a href="x" onclick="y">z</a>'):
        try:
            check_telegram_html(bad)
        except InvalidTelegramHtml:
            continue
        raise AssertionError(f"accepted {bad!r}")


any_text = st.text(st.characters(codec="utf-8"), max_size=6000)


@settings(max_examples=60, deadline=None)
@given(
    title=any_text,
    source=st.text(max_size=300),
    url=st.one_of(any_text, st.builds(lambda s: "https://example.com/" + s, any_text)),
    matched=st.lists(st.text(max_size=220), max_size=8),
    bullets=st.lists(any_text, max_size=5),
)
def test_any_feed_text_renders_valid_telegram_html_within_limit(
    title: str, source: str, url: str, matched: list[str], bullets: list[str]
) -> None:
    alert = make_alert(title=title, source=source, url=url, matched=tuple(matched), bullets=tuple(bullets))
    text = render_alert(alert)
    check_telegram_html(text)
    assert utf16_len(text) <= MAX_MESSAGE
    assert utf16_len(render_alert_plain(alert)) <= MAX_MESSAGE


def test_sources_list_hides_credentials_and_keys_in_urls() -> None:
    from bot.models import Source, SourceState
    from bot.sources_service import SourceStatus
    from handlers.telegram.views import sources_messages

    url = "https://user:hunter2@api.wire.example/feed?apikey=SECRET123"
    [text] = sources_messages([SourceStatus(Source("Paid wire", url), SourceState(url), True)])
    assert "hunter2" not in text and "SECRET123" not in text and "api.wire.example/feed" in text


def test_matched_words_in_the_title_are_underlined_escaped_and_within_limits() -> None:
    alert = make_alert(
        title="<b>AT&T</b> & SOCAR’s pipelines: socar",
        matched=("socar", "pipeline"),
        bullets=("Nothing here.", "Or here."),
    )
    text = render_alert(alert)
    check_telegram_html(text)
    assert text.split("\n")[0] == (
        "<b>&lt;b&gt;AT&amp;T&lt;/b&gt; &amp; <u>SOCAR’s</u> <u>pipelines</u>: <u>socar</u></b>"
    )
    assert "• Nothing here." in text
    assert "<u>" not in render_alert_plain(alert)


def test_when_marks_do_not_fit_the_title_keeps_its_own_and_the_alert_still_fits() -> None:
    long = " ".join(["socar"] * 900)  # every word a mark: bullets' marks cannot fit
    alert = make_alert(title="SOCAR output rises", bullets=(long, long))
    text = render_alert(alert)
    check_telegram_html(text)
    assert utf16_len(text) <= MAX_MESSAGE
    assert text.split("\n")[0] == "<b><u>SOCAR</u> output rises</b>"
    assert "• <b>" not in text
