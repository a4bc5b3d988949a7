"""/import (getFile + download from base_file_url), /export (an uploaded OPML document) and the
feed buttons of /addsource, through a real PTB Application; remote feeds behind a mock transport."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from bot.ingest.fetch import FeedFetcher
from bot.ingest.opml import parse_feed_list
from bot.service import NewsService
from handlers.telegram.app import TelegramAdapter
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import message_payload
from tests.support.services import build_service
from tests.telegram.conftest import ADMIN, REUTERS, TOKEN, USER, Chat
from tests.telegram.fake_request import RecordingRequest

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>
<item><title>Story</title><link>https://x.example/s</link></item></channel></rss>"""
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Good" xmlUrl="https://good.example/rss"/>
<outline text="Reuters" xmlUrl="https://feeds.example.com/reuters.xml"/>
<outline text="Gone" xmlUrl="https://good.example/404"/></body></opml>"""
PAGE = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/a.xml">
<link rel="alternate" type="application/atom+xml" href="/b.xml"></head><body>hi</body></html>"""
_ids = itertools.count(9000)


def transport(request: httpx.Request) -> httpx.Response:
    routes = {
        "https://good.example/rss": RSS % b"Good feed",
        "https://site.example/a.xml": RSS % b"Site A",
        "https://site.example/b.xml": RSS % b"Site B",
    }
    url = str(request.url)
    if url in routes:
        return httpx.Response(200, content=routes[url], headers={"content-type": "application/rss+xml"})
    if url == "https://site.example/":
        return httpx.Response(200, content=PAGE, headers={"content-type": "text/html"})
    return httpx.Response(404)


@pytest.fixture
def service(store: Any, clock: FakeClock) -> NewsService:
    fetcher = FeedFetcher(transport=httpx.MockTransport(transport))
    return build_service(
        store, clock, config_sources=[REUTERS], admins=frozenset({str(ADMIN)}), fetcher=fetcher
    )


@pytest.fixture
async def bot(service: NewsService, request_: RecordingRequest) -> AsyncIterator[Chat]:
    adapter = TelegramAdapter(
        TOKEN,
        service,
        base_url="http://127.0.0.1:8081/bot",
        request=request_,
        get_updates_request=RecordingRequest(),
        rate_limit=False,
    )
    async with adapter.application:
        await adapter.application.start()
        yield Chat(adapter, request_)
        await adapter.application.stop()


def document(
    user_id: int, caption: str | None = None, reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    message = message_payload(next(_ids), user_id, user_id, "")
    del message["text"]
    message["document"] = {
        "file_id": "opml1",
        "file_unique_id": "u1",
        "file_name": "feeds.opml",
        "file_size": 300,
    }
    if caption is not None:
        message["caption"] = caption
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": next(_ids), "message": message}


async def replies_after(chat: Chat, payload: dict[str, Any], count: int) -> list[str]:
    before = len(chat.request.sent())
    await chat.process(payload)
    await chat.request.wait_for(lambda: len(chat.request.sent()) >= before + count)  # non-blocking handlers
    return [str(p["text"]) for p in chat.request.sent()[before:]]


async def test_a_document_captioned_import_is_downloaded_from_the_same_server_and_summarised(
    bot: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    request_.files["opml1"] = OPML
    [summary] = await replies_after(bot, document(ADMIN, caption="/import"), 1)
    assert summary.startswith("Import: 1 added, 1 already there, 1 refused.")
    assert "• Good\n" in summary and "• Reuters" in summary
    assert "good.example/404 — could not be fetched: HTTP 404" in summary
    assert [unquote(u) for u in request_.downloads] == [
        f"http://127.0.0.1:8081/file/bot{TOKEN}/documents/opml1"
    ]
    assert [s.url for s in service.repos.sources.list()] == ["https://good.example/rss"]


async def test_import_as_a_reply_to_the_document_and_import_then_document(
    bot: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    request_.files["opml1"] = b"https://good.example/rss\n"
    earlier = document(ADMIN)["message"]
    reply = message_payload(next(_ids), ADMIN, ADMIN, "/import")
    reply["reply_to_message"] = earlier
    [summary] = await replies_after(bot, {"update_id": next(_ids), "message": reply}, 1)
    assert summary.startswith("Import: 1 added")
    [ask] = await replies_after(
        bot, {"update_id": next(_ids), "message": message_payload(next(_ids), ADMIN, ADMIN, "/import")}, 1
    )
    assert "Send me the OPML file" in ask
    [again] = await replies_after(bot, document(ADMIN), 1)
    assert again.startswith("Import: 0 added, 1 already there")


async def test_import_is_for_admins_and_a_stray_document_gets_a_hint(
    bot: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    request_.files["opml1"] = OPML
    [refused] = await replies_after(bot, document(USER, caption="/import"), 1)
    assert "Only the bot's admins" in refused and request_.downloads == []
    [hint] = await replies_after(bot, document(ADMIN), 1)
    assert "caption /import" in hint and service.repos.sources.list() == []


async def test_export_sends_an_opml_document(bot: Chat, request_: RecordingRequest) -> None:
    await bot.send_raw("/export", chat_id=USER)
    [(method, content)] = request_.uploads
    assert method == "sendDocument"
    assert [f.url for f in parse_feed_list(content).feeds] == [REUTERS.url]
    [sent] = request_.sent("sendDocument")
    assert "1 source as OPML" in sent["caption"]


async def test_addsource_with_a_page_offers_its_feeds_as_buttons(
    bot: Chat, request_: RecordingRequest, service: NewsService
) -> None:
    before = len(request_.sent())
    await bot.send_raw("/addsource https://site.example/", chat_id=ADMIN)
    await request_.wait_for(lambda: len(request_.sent()) > before)
    offer = request_.sent()[-1]
    buttons = [row[0] for row in offer["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["Site A", "Site B"]
    await bot.tap(offer, buttons[1]["callback_data"], chat_id=ADMIN)
    await request_.wait_for(lambda: bool(request_.sent("editMessageText")))
    assert request_.sent("editMessageText")[-1]["text"].startswith("Added <b>Site B</b>")
    assert [s.url for s in service.repos.sources.list()] == ["https://site.example/b.xml"]
