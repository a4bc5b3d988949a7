"""/digest, /timezone, /quiet, /snooze and the rhythm buttons on /list, through a real PTB
Application over the real core and store (the clock reads Wed 25 Nov 2026 12:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.alerts.plan import rhythm_of
from bot.service import NewsService
from tests.telegram.conftest import Chat, ref


async def test_digest_confirms_the_rhythm_and_the_next_due_time(chat: Chat, service: NewsService) -> None:
    service.subscribe(ref(), "SOCAR")
    [reply] = await chat.send("/digest SOCAR daily 08:00")
    assert reply == "<code>socar</code>: daily at 08:00 digest (UTC time). Next one: 26 Nov 2026 08:00 UTC."
    [reply] = await chat.send("/digest weekly mon 07:30")
    assert reply.startswith("Subscriptions without a rhythm of their own: weekly on Monday at 07:30 digest")
    assert "Next one: 30 Nov 2026 07:30 UTC" in reply
    [reply] = await chat.send("/digest socar instant")
    assert reply == "<code>socar</code>: alerts as they happen."


async def test_digest_errors_come_with_examples(chat: Chat, service: NewsService) -> None:
    service.subscribe(ref(), "SOCAR")
    [reply] = await chat.send("/digest SOCAR daily 8am")
    assert "HH:MM" in reply and "/digest SOCAR daily 08:00" in reply
    [reply] = await chat.send("/digest Gazprom hourly")
    assert "not subscribed to gazprom" in reply
    [reply] = await chat.send("/digest")
    assert "/digest SOCAR weekly mon 08:00" in reply and "Default now: instant" in reply


async def test_timezone_sets_shows_and_offers_buttons(
    chat: Chat, service: NewsService, request_: Any
) -> None:
    [reply] = await chat.send("/timezone Asia/Baku")
    assert reply.startswith("Time zone: <b>Asia/Baku</b> (now 25 Nov 2026 16:00 +04)")
    [menu] = await chat.send_raw("/timezone")
    assert "Asia/Baku" in menu["text"]
    buttons = [b for row in menu["reply_markup"]["inline_keyboard"] for b in row]
    assert "✓ Asia/Baku" in [b["text"] for b in buttons]
    berlin = next(b for b in buttons if b["text"] == "Europe/Berlin")
    await chat.tap(menu, berlin["callback_data"])
    assert service.rhythm.settings(ref()).zone == "Europe/Berlin"
    assert request_.sent("answerCallbackQuery")[-1]["text"] == "Time zone: Europe/Berlin"
    [reply] = await chat.send("/timezone Mars/Olympus")
    assert "not a time zone I know" in reply and "/timezone Asia/Baku" in reply


async def test_quiet_hours_on_and_off(chat: Chat, service: NewsService) -> None:
    [reply] = await chat.send("/quiet 23:00-07:00")
    assert "Quiet hours 23:00–07:00 (UTC time)" in reply and "one digest at 07:00" in reply
    assert service.rhythm.settings(ref()).quiet == "23:00-07:00"
    [reply] = await chat.send("/quiet off")
    assert reply.startswith("Quiet hours off")
    [reply] = await chat.send("/quiet 23:00")
    assert "/quiet 23:00-07:00" in reply


async def test_snooze_and_list_shows_it(chat: Chat, service: NewsService) -> None:
    service.subscribe(ref(), "SOCAR")
    service.subscribe(ref(), '"Caspian Sea"')
    [reply] = await chat.send("/snooze SOCAR 2h")
    assert reply.startswith("<code>socar</code> snoozed until 25 Nov 2026 14:00 UTC")
    [reply] = await chat.send("/snooze all 91d")
    assert "at most 90 days" in reply
    await chat.send('/digest "caspian sea" daily 09:15')
    [listing] = await chat.send("/list")
    assert "• <code>SOCAR</code> — instant (default) · snoozed until 25 Nov 2026 14:00 UTC" in listing
    assert '• <code>"Caspian Sea"</code> — daily at 09:15' in listing
    assert "next digest 26 Nov 2026 09:15 UTC" in listing and "Alerts are on" in listing


async def test_list_buttons_switch_a_subscription_rhythm(
    chat: Chat, service: NewsService, request_: Any
) -> None:
    service.subscribe(ref(), "SOCAR")
    service.subscribe(ref(), "Gazprom")
    [listing] = await chat.send_raw("/list")
    rows = listing["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["SOCAR: ✓ Instant", "Hourly", "Daily"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)
    await chat.tap(listing, rows[1][2]["callback_data"])  # gazprom: Daily
    prefs = service.rhythm.settings(ref())
    assert rhythm_of(prefs, "gazprom").key == "daily 08:00" and rhythm_of(prefs, "socar").instant
    assert request_.sent("answerCallbackQuery")[-1]["text"] == "gazprom: daily at 08:00"
    [edit] = request_.sent("editMessageReplyMarkup")
    buttons = [b["text"] for b in edit["reply_markup"]["inline_keyboard"][1]]
    assert buttons == ["Gazprom: Instant", "Hourly", "✓ Daily"]
    await chat.tap(listing, rows[1][1]["callback_data"])  # gazprom: Hourly
    assert rhythm_of(service.rhythm.settings(ref()), "gazprom").key == "hourly"
    assert [s.bucket for s in service.rhythm.overview(ref()).next_due] == ["hourly"]
    assert service.rhythm.overview(ref()).next_due[0].due == datetime(2026, 11, 25, 13, tzinfo=UTC)
