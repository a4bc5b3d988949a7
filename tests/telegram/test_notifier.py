"""TelegramNotifier against Telegram's real error answers, replayed through PTB's request layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from telegram import Bot
from telegram.error import TimedOut

from bot.alerts.digest import digest_alert
from bot.models import Alert, ChatRef
from bot.ports import DeliveryStatus
from handlers.telegram.digest import render_digest
from handlers.telegram.notifier import TelegramNotifier, classify
from tests.telegram.fake_request import RecordingRequest, Scripted, error
from tests.telegram.test_digest_render import digest, story

CHAT = ChatRef("telegram", "-1001")


def make_alert(plain: bool = False) -> Alert:
    return Alert(
        chat=CHAT,
        article_key="k",
        title="Gazprom <news> & more",
        url="https://example.com/a",
        source="Reuters",
        published=datetime(2026, 11, 25, 14, 5, tzinfo=UTC),
        matched=("gazprom",),
        bullets=("One.", "Two."),
        created=datetime(2026, 11, 25, 14, 6, tzinfo=UTC),
        plain=plain,
    )


@pytest.fixture
def request_() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def notifier(request_: RecordingRequest) -> AsyncIterator[TelegramNotifier]:
    bot = Bot("123:ABC", request=request_, get_updates_request=RecordingRequest())
    async with bot:
        yield TelegramNotifier(bot)


async def test_sends_html_without_link_preview(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.SENT
    [sent] = request_.sent()
    assert sent["chat_id"] == -1001
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert sent["text"].startswith("<b><u>Gazprom</u> &lt;news&gt; &amp; more</b>")


async def test_plain_alert_is_sent_without_parse_mode(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    assert (await notifier.send(make_alert(plain=True))).status is DeliveryStatus.SENT
    [sent] = request_.sent()
    assert "parse_mode" not in sent
    assert sent["text"].startswith("Gazprom <news> & more\n")


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (error(403, "Forbidden: bot was blocked by the user"), DeliveryStatus.BLOCKED),
        (error(403, "Forbidden: bot was kicked from the supergroup chat"), DeliveryStatus.BLOCKED),
        (error(403, "Forbidden: user is deactivated"), DeliveryStatus.BLOCKED),
        (error(400, "Bad Request: chat not found"), DeliveryStatus.BLOCKED),
        (
            error(400, 'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 5'),
            DeliveryStatus.MARKUP_REJECTED,
        ),
        (error(400, "Bad Request: message is too long"), DeliveryStatus.FAILED),
        (error(502, "Bad Gateway"), DeliveryStatus.RETRY),
        (error(500, "Internal Server Error"), DeliveryStatus.RETRY),
        (Scripted(502, {}), DeliveryStatus.RETRY),  # a proxy's HTML error page, not JSON
    ],
)
async def test_failures_are_classified(
    notifier: TelegramNotifier, request_: RecordingRequest, answer: Scripted, status: DeliveryStatus
) -> None:
    request_.fail("sendMessage", answer)
    result = await notifier.send(make_alert())
    assert result.status is status
    assert result.retry_after is None and result.new_chat is None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside PTB
async def test_flood_limit_gives_retry_after(notifier: TelegramNotifier, request_: RecordingRequest) -> None:
    request_.fail("sendMessage", error(429, "Too Many Requests: retry after 17", retry_after=17))
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.RETRY
    assert result.retry_after == 17.0


async def test_group_upgrade_gives_the_new_chat(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    request_.fail(
        "sendMessage",
        error(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=-100777),
    )
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.MIGRATED
    assert result.new_chat == ChatRef("telegram", "-100777")


@pytest.mark.parametrize(
    "exc", [TimedOut("Timed out"), httpx.ReadTimeout("read timed out"), httpx.ConnectError("refused")]
)
async def test_timeouts_and_connection_errors_are_retried(
    notifier: TelegramNotifier, request_: RecordingRequest, exc: Exception
) -> None:
    request_.fail("sendMessage", Scripted(raises=exc))
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.RETRY


async def test_a_bug_while_sending_is_dropped_not_raised(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    request_.fail("sendMessage", Scripted(200, {"ok": True, "result": "not a message"}))
    result = await notifier.send(make_alert())
    assert result.status is DeliveryStatus.FAILED


def test_classify_unknown_exception_is_failed() -> None:
    assert classify(ValueError("boom")).status is DeliveryStatus.FAILED


async def test_a_digest_in_parts_reports_each_part_out_and_resumes_after_them(
    notifier: TelegramNotifier, request_: RecordingRequest
) -> None:
    long = "word " * 80
    items = [story(n, title=f"Story {n} " + long) for n in range(1, 41)]
    alert = digest_alert(CHAT, digest(items))
    parts = render_digest(alert.digest)  # type: ignore[arg-type]
    assert len(parts) >= 3
    out: list[int] = []
    assert (await notifier.send(alert, progress=out.append)).status is DeliveryStatus.SENT
    assert out == list(range(1, len(parts)))  # every part but the last: the outbox completes that one
    assert request_.texts() == parts
    resumed = await notifier.send(replace(alert, parts_sent=2), progress=out.append)
    assert resumed.status is DeliveryStatus.SENT and request_.texts() == parts + parts[2:]
