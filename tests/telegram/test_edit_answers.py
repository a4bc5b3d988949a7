"""Issue 12: a later report edits the first alert; the edits Telegram refuses are never retried.

The real TelegramNotifier on a real PTB Bot, driven by the real Dispatcher over a TinyDB outbox and
`sent` table; only Telegram's HTTP (a recording BaseRequest) answers with Telegram's own texts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from telegram import Bot

from bot.delivery.dispatcher import Dispatcher
from bot.models import Alert, SentAlert
from bot.ports import DeliveryStatus
from handlers.telegram.notifier import TelegramNotifier
from storage import Store
from tests.support.clock import FakeClock
from tests.telegram.fake_request import RecordingRequest, error
from tests.telegram.test_notifier import make_alert

FIRST_MESSAGE = "77"


@pytest.fixture
async def bot(request_: RecordingRequest) -> AsyncIterator[Bot]:
    bot = Bot("123:ABC", request=request_, get_updates_request=RecordingRequest())
    async with bot:
        yield bot


def _threaded(store: Store, clock: FakeClock) -> Alert:
    """The chat already has the first alert of event "k"; this is the later report's edit."""
    first = replace(make_alert(), event="k", created=clock.now())
    assert store.sent is not None
    store.sent.record(SentAlert(first, FIRST_MESSAGE, clock.now()))
    later = replace(first, article_key="k2", source="AP", url="https://ap.example/2")
    return replace(later, edit_of="k", also=(("AP", "https://ap.example/2"),))


async def test_the_edit_adds_the_report_to_the_first_message(
    bot: Bot, request_: RecordingRequest, store: Store, clock: FakeClock
) -> None:
    store.outbox.enqueue([_threaded(store, clock)])
    dispatcher = Dispatcher(store.outbox, store.chats, [TelegramNotifier(bot)], clock, sent=store.sent)
    report = await dispatcher.drain()
    [edit] = request_.sent("editMessageText")
    assert edit["message_id"] == int(FIRST_MESSAGE) and edit["chat_id"] == -1001
    assert 'Also reported by: <a href="https://ap.example/2">AP</a>' in edit["text"]
    assert request_.sent() == [] and report.sent == 1  # no new message: no ping
    assert store.sent is not None and store.sent.get(make_alert().chat, "k").alert.also  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "answer",
    [
        "Bad Request: message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message",
        "Bad Request: message to edit not found",
        "Bad Request: message can't be edited",
    ],
)
async def test_a_refused_edit_is_done_not_retried(
    answer: str, bot: Bot, request_: RecordingRequest, store: Store, clock: FakeClock
) -> None:
    request_.fail("editMessageText", error(400, answer))
    notifier = TelegramNotifier(bot)
    later = _threaded(store, clock)
    result = await notifier.edit(later, FIRST_MESSAGE)
    # "not modified" means the message already says it; the others mean it can never be edited
    expected = DeliveryStatus.SENT if "not modified" in answer else DeliveryStatus.FAILED
    assert result.status is expected

    request_.fail("editMessageText", error(400, answer))
    store.outbox.enqueue([later])
    dispatcher = Dispatcher(store.outbox, store.chats, [notifier], clock, sent=store.sent)
    report = await dispatcher.drain()
    assert store.outbox.pending() == [] and report.retried == 0 and report.dropped == 0
    clock.advance(3600)
    await dispatcher.drain()
    assert len([c for c in request_.calls if c.method == "editMessageText"]) == 2  # one per attempt above
    assert request_.sent() == []  # never a new message in its place
    assert store.chats.get(later.chat).active  # the chat is fine


async def test_a_flood_wait_on_an_edit_is_retried_after_the_wait(
    bot: Bot, request_: RecordingRequest, store: Store, clock: FakeClock
) -> None:
    request_.fail("editMessageText", error(429, "Too Many Requests: retry after 7", retry_after=7))
    store.outbox.enqueue([_threaded(store, clock)])
    dispatcher = Dispatcher(store.outbox, store.chats, [TelegramNotifier(bot)], clock, sent=store.sent)
    report = await dispatcher.drain()
    [pending] = store.outbox.pending()
    assert report.retried == 1 and pending.next_attempt is not None
    assert (pending.next_attempt - clock.now()).total_seconds() >= 7
