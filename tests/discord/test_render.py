"""Alert embeds: what readers see, within every Discord limit, never a live mention."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Alert, ChatRef
from handlers.discord.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    alert_embed,
    alert_text,
    embed_text_len,
    latest_embeds,
    safe_url,
    truncate,
    utf16_len,
)

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LIVE_MENTION = re.compile(r"<(@[!&]?|#|/)[\w:]*\d+>|@everyone|@here", re.IGNORECASE)


def make_alert(**overrides: object) -> Alert:
    fields: dict[str, object] = {
        "chat": ChatRef("discord", "42"),
        "article_key": "k1",
        "title": "SOCAR signs Caspian deal",
        "url": "https://example.com/news/1",
        "source": "Energy Wire",
        "published": WHEN,
        "matched": ("socar",),
        "bullets": ("SOCAR signed a deal.", "Output will double by 2030."),
        "created": WHEN,
    }
    fields.update(overrides)
    return Alert(**fields)  # type: ignore[arg-type]


def all_text(embed: dict[str, object]) -> str:
    parts = [embed.get("title", ""), embed.get("description", ""), embed["footer"]["text"]]  # type: ignore[index]
    parts += [f["name"] + f["value"] for f in embed["fields"]]  # type: ignore[attr-defined]
    return "\n".join(parts)  # type: ignore[arg-type]


def assert_within_limits(embed: dict[str, object], budget: int = EMBED_TOTAL_MAX) -> None:
    assert utf16_len(embed["title"]) <= TITLE_MAX  # type: ignore[arg-type]
    assert utf16_len(embed.get("description", "")) <= DESCRIPTION_MAX  # type: ignore[arg-type]
    for f in embed["fields"]:  # type: ignore[attr-defined]
        assert 0 < utf16_len(f["value"]) <= FIELD_VALUE_MAX
    assert embed_text_len(embed) <= budget


def test_embed_shows_linked_title_source_time_keywords_and_bullets() -> None:
    embed = alert_embed(make_alert())
    assert embed["title"] == "SOCAR signs Caspian deal"
    assert embed["url"] == "https://example.com/news/1"
    assert embed["footer"] == {"text": "Energy Wire"}
    assert embed["timestamp"] == "2026-03-02T09:30:00+00:00"
    # the title is shown bold and its markdown is not rendered alike everywhere: its matched
    # words are named in the Matched field instead
    matched = {"name": "Matched", "value": "socar\nin the title: **SOCAR**", "inline": False}
    assert embed["fields"] == [matched]
    assert (
        embed["description"] == "• **SOCAR** signed a deal.\n• Output will double by 2030."
    )  # matched: bold


def test_feed_markdown_is_escaped_and_mentions_neutralised() -> None:
    alert = make_alert(
        title="**Breaking** @everyone <@123456789012345678>",
        bullets=("[click](https://evil.example) and <#123456789012345678> or @here", "`code` ~~gone~~ _x_"),
    )
    embed = alert_embed(alert)
    assert "\\*\\*Breaking\\*\\*" in embed["title"]
    assert not LIVE_MENTION.search(all_text(embed))
    assert "\\[click](https://evil.example)" in embed["description"]
    assert "\\`code\\`" in embed["description"] and "\\~\\~gone\\~\\~" in embed["description"]


def test_unusable_url_is_left_out_instead_of_failing_the_send() -> None:
    for bad in (
        "javascript:alert(1)",
        "not a url",
        "",
        "https://user@host.example/x",
        "https://x.example/" + "a" * 3000,
    ):
        assert "url" not in alert_embed(make_alert(url=bad)), bad
    assert safe_url("https://x.example/@everyone") == "https://x.example/%40everyone"


def test_long_text_is_cut_with_an_ellipsis_within_limits() -> None:
    alert = make_alert(
        title="T" * 1000, bullets=tuple("word " * 400 for _ in range(6)), matched=("q" * 50,) * 40
    )
    embed = alert_embed(alert)
    assert_within_limits(embed)
    assert embed["title"].endswith("…") and utf16_len(embed["title"]) == TITLE_MAX


def test_truncate_counts_utf16_and_never_splits_a_surrogate_pair() -> None:
    text = "😀" * 10  # 20 UTF-16 units
    cut = truncate(text, 7)
    assert cut == "😀😀😀…"
    assert utf16_len(cut) <= 7
    assert truncate("short", 10) == "short"


def test_no_publication_time_means_no_timestamp() -> None:
    embed = alert_embed(make_alert(published=None))
    assert "timestamp" not in embed
    assert "time unknown" in alert_text(make_alert(published=None))


def test_plain_text_fallback_within_message_limit_and_inert() -> None:
    alert = make_alert(title="@everyone " + "x" * 3000, bullets=("<@&123456789012345678> " * 200,))
    text = alert_text(alert)
    assert utf16_len(text) <= MESSAGE_MAX
    assert not LIVE_MENTION.search(text)


def test_latest_embeds_share_the_6000_total() -> None:
    alerts = [make_alert(article_key=str(i), title="T" * 300, bullets=("b" * 1500,) * 4) for i in range(7)]
    embeds = latest_embeds(alerts)
    assert len(embeds) == 7
    assert sum(embed_text_len(e) for e in embeds) <= EMBED_TOTAL_MAX


texts = st.text(st.characters(codec="utf-8"), max_size=5000) | st.sampled_from(
    ["@everyone", "@here", "<@123456789012345678>", "<@&1>", "<#12>", "</cmd:1>", "**", "\\", "😀" * 3000]
)


@settings(max_examples=150, deadline=None)
@given(
    title=texts,
    source=texts,
    bullets=st.lists(texts, max_size=6),
    matched=st.lists(texts, max_size=8),
    url=texts,
    n=st.integers(1, 10),
)
def test_any_text_gives_an_embed_within_limits_without_live_mentions(
    title: str, source: str, bullets: list[str], matched: list[str], url: str, n: int
) -> None:
    alert = make_alert(title=title, source=source, bullets=tuple(bullets), matched=tuple(matched), url=url)
    for budget in (EMBED_TOTAL_MAX, EMBED_TOTAL_MAX // n):
        embed = alert_embed(alert, budget)
        assert_within_limits(embed, budget)
        assert embed["title"]
        assert not LIVE_MENTION.search(all_text(embed))
    plain = alert_text(alert)
    assert utf16_len(plain) <= MESSAGE_MAX
    assert not LIVE_MENTION.search(plain)


def test_an_embed_url_stays_within_discords_limit_after_encoding() -> None:
    from handlers.discord.render import URL_MAX, safe_url

    assert safe_url("https://example.com/" + "@" * 1000) is None  # 3 characters each once encoded
    assert safe_url("https://example.com/a@b") == "https://example.com/a%40b"
    assert len(safe_url("https://example.com/" + "a" * (URL_MAX - 20)) or "") <= URL_MAX


def test_sources_hide_error_details_from_non_admins() -> None:
    from datetime import UTC, datetime

    from bot.models import Source, SourceState
    from bot.sources_service import SourceStatus
    from handlers.discord.sources_view import source_line

    now = datetime(2026, 11, 25, tzinfo=UTC)
    state = SourceState(
        "https://f.example/x", failures=2, last_error="connect to 10.0.0.5 refused", last_error_at=now
    )
    status = SourceStatus(Source("Feed", "https://f.example/x"), state, from_config=True)
    assert "10.0.0.5" in source_line(status, now)
    assert source_line(status, now, detailed=False) == "• **Feed** — failing ×2"


def test_a_threaded_alert_lists_the_other_reports_in_a_field() -> None:
    from datetime import UTC, datetime

    from bot.models import Alert, ChatRef
    from handlers.discord.render import alert_embed

    alert = Alert(
        chat=ChatRef("discord", "1"), article_key="k", title="Airport shooting", url="https://a.example/1",
        source="Wire A", published=None, matched=("airport",), bullets=("Five dead.",),
        created=datetime(2026, 12, 1, tzinfo=UTC),
        also=(("Reuters", "https://r.example/2"), ("AP", "https://ap.example/3"), ("BBC", "https://b.example/4"),
              ("AFP", "https://afp.example/5")),
    )  # fmt: skip
    field = alert_embed(alert)["fields"][-1]
    assert field["name"] == "Also reported by"
    assert (
        field["value"]
        == "[Reuters](https://r.example/2) · [AP](https://ap.example/3) · [BBC](https://b.example/4) · +1"
    )


def test_title_words_that_matched_are_named_escaped_once_each() -> None:
    alert = make_alert(title="SOCAR’s *pipelines* and socar", matched=("socar", "pipeline"), bullets=())
    embed = alert_embed(alert)
    assert embed["title"] == "SOCAR’s \\*pipelines\\* and socar"  # the title itself: no marks
    value = "socar, pipeline\nin the title: **SOCAR’s**, **pipelines**, **socar**"
    assert embed["fields"][0]["value"] == value
    assert_within_limits(embed)
    unmatched = alert_embed(make_alert(title="Output rises", bullets=()))
    assert unmatched["fields"][0]["value"] == "socar"
