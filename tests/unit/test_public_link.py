"""bot.text.urls.public_link: the one check of a third-party link (feed discovery, images)."""

from __future__ import annotations

import pytest

from bot.text.urls import public_link


@pytest.mark.parametrize(
    "href",
    [
        None,
        42,
        "",
        "   ",
        "/a b",
        "https://x.example/\x00",
        "mailto:a@x.example",
        "javascript:alert(1)",
        "ftp://x.example/feed",
        "https://user:pw@x.example/feed",
        "https://@x.example/feed",
        "https://x.example:99999/feed",
        "https://" + "a" * 2048 + ".example/",
    ],
)
def test_refused(href: object) -> None:
    assert public_link(href) is None
    assert public_link(href, "https://x.example/news/") is None


def test_resolved_against_the_page_and_kept_as_written() -> None:
    assert public_link(" /rss?a=1#top ", "https://X.example/news/") == "https://X.example/rss?a=1#top"
    assert public_link("//cdn.example/p.jpg", "https://x.example/") == "https://cdn.example/p.jpg"
    assert public_link("p.jpg", "https://x.example/a/b") == "https://x.example/a/p.jpg"
    assert public_link("p.jpg") is None  # relative, and no page to resolve it against
    long_tail = "x" * 2040
    assert public_link(long_tail, "https://x.example/") is None  # over the limit once resolved
