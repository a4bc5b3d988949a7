"""`newsbot opml import FILE` / `newsbot opml export` against a real store; feeds from a loopback server."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

from bot.config import load_settings
from bot.ingest.opml import parse_feed_list
from bot.opml_cli import opml_command
from storage import store_kit
from tests.support.feedserver import FeedServer

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback</title>
<item><title>Story</title><link>https://x.example/s</link></item></channel></rss>"""


@contextlib.contextmanager
def no_lock(path: Path) -> Iterator[None]:
    yield


async def test_import_then_export(tmp_path: Path, feeds: FeedServer) -> None:
    feeds.route("/rss.xml", body=RSS)
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "Base"\nurl = "https://base.example/rss"\n')
    settings = load_settings({"NEWSBOT_DB": str(tmp_path / "db.json"), "NEWSBOT_SOURCES": str(sources)})
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"https://base.example/rss\n{feeds.url('/rss.xml')}\nnot a url at all\n")
    out = io.StringIO()
    assert await opml_command("import", str(listing), settings, no_lock, out, kit=store_kit()) == 0
    report = out.getvalue()
    # the loopback feed is refused by the SSRF guard, exactly as /addsource would refuse it
    assert "0 added, 1 already there, 2 refused" in report and "not a public address" in report
    exported = io.StringIO()
    assert await opml_command("export", None, settings, no_lock, exported, kit=store_kit()) == 0
    assert [f.url for f in parse_feed_list(exported.getvalue().encode()).feeds] == [
        "https://base.example/rss"
    ]
