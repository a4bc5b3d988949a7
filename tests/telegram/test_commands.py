"""Every command through a real PTB Application, the real NewsService and a TinyDB store."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.models import Article, ChatState, Source, SourceState
from bot.service import NewsService
from handlers.telegram.render import MAX_MESSAGE, utf16_len
from handlers.telegram.views import COMMANDS, HINT, SOMETHING_WRONG
from tests.support.clock import FakeClock
from tests.telegram.conftest import ADMIN, REUTERS, TOKEN, USER, Chat, ref
from tests.telegram.fake_request import Scripted, error


async def test_start_and_help_list_every_command_with_an_example(chat: Chat) -> None:
    for command in ("/start", "/help"):
        [reply] = await chat.send(command)
        for name, _args, _about, example in COMMANDS:
            assert f"/{name}" in reply
            assert example.split(" ", 1)[0] in reply
        assert "/subscribe Gazprom OR Rosneft" in reply and "/subscribe Armenia -peace" in reply


async def test_start_reactivates_a_chat_that_had_blocked_the_bot(chat: Chat, store: Any) -> None:
    store.chats.save(ChatState(ref(), active=False))
    await chat.send("/start")
    assert store.chats.get(ref()).active


@pytest.mark.parametrize("first_words", ["/list", "/subscribe SOCAR", "hello"])
async def test_any_message_from_a_chat_that_had_blocked_the_bot_reactivates_it(
    chat: Chat, store: Any, first_words: str
) -> None:
    store.chats.save(ChatState(ref(), active=False))
    await chat.send(first_words)
    assert store.chats.get(ref()).active


async def test_subscribe_acknowledges_only_what_is_stored(chat: Chat, store: Any) -> None:
    [reply] = await chat.send('/subscribe "Caspian Sea"')
    assert reply.startswith('Subscribed to <code>"Caspian Sea"</code>')  # as typed
    assert [s.query for s in store.subscriptions.for_chat(ref())] == ['"caspian sea"']
    [again] = await chat.send(
        "/subscribe   caspian   SEA  ".replace("caspian", '"caspian').replace("SEA ", 'SEA"')
    )
    assert "already subscribed" in again


@pytest.mark.parametrize("text", ["SOCAR", "Gazprom OR Rosneft", "Armenia -peace"])
async def test_subscribe_examples_from_help_work(chat: Chat, service: NewsService, text: str) -> None:
    [reply] = await chat.send(f"/subscribe {text}")
    assert reply.startswith("Subscribed to")
    assert len(service.subscriptions(ref())) == 1


async def test_subscribe_bad_input_explains_with_an_example(chat: Chat, service: NewsService) -> None:
    [empty] = await chat.send("/subscribe")
    [too_long] = await chat.send("/subscribe " + "x" * 201)
    [invalid] = await chat.send("/subscribe OR")
    assert "201 characters" in too_long
    assert "'OR' must stand between two terms" in invalid
    for reply in (empty, too_long, invalid):
        assert "Example: <code>/subscribe" in reply
    assert service.subscriptions(ref()) == []


async def test_markup_in_a_query_is_echoed_escaped(chat: Chat) -> None:
    [reply] = await chat.send("/subscribe <b>x</b> &")
    assert "'&amp;'" in reply and "<b>x" not in reply  # the reply passed the HTML checker too
    [ok] = await chat.send("/subscribe <i>Baku</i>")
    assert ok.startswith("Subscribed to <code>")


async def test_commands_addressed_to_the_bot_work_in_groups(
    chat: Chat, service: NewsService, request_: Any
) -> None:
    [reply] = await chat.send("/subscribe@newsbot_test SOCAR", chat_id=-500, user_id=USER)
    assert reply.startswith("Subscribed to <code>SOCAR</code>")
    # quotes the command, and still answers if the command was deleted meanwhile
    assert request_.sent()[-1]["reply_parameters"]["allow_sending_without_reply"] is True
    assert service.subscriptions(ref(-500)) == ["SOCAR"]
    assert await chat.send("/subscribe@other_bot SOCAR", chat_id=-500, user_id=USER) == []


async def test_unsubscribe_by_text(chat: Chat, service: NewsService) -> None:
    await chat.send("/subscribe SOCAR")
    [reply] = await chat.send("/unsubscribe socar")
    assert reply == "Unsubscribed from <code>SOCAR</code>."
    assert service.subscriptions(ref()) == []
    [missing] = await chat.send("/unsubscribe socar")
    assert missing.startswith("You are not subscribed to socar")


async def test_unsubscribe_without_subscriptions_says_so(chat: Chat) -> None:
    [reply] = await chat.send("/unsubscribe")
    assert "no subscriptions" in reply


async def test_unsubscribe_buttons_remove_one_per_tap(
    chat: Chat, service: NewsService, request_: Any
) -> None:
    for text in ("SOCAR", '"Caspian Sea"', "Gazprom OR Rosneft"):
        service.subscribe(ref(), text)
    [menu] = await chat.send_raw("/unsubscribe")
    buttons = [row[0] for row in menu["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["✖ SOCAR", '✖ "Caspian Sea"', "✖ Gazprom OR Rosneft"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    await chat.tap(menu, buttons[1]["callback_data"])
    assert service.subscriptions(ref()) == ["SOCAR", "Gazprom OR Rosneft"]
    [answer] = request_.sent("answerCallbackQuery")
    assert answer["text"] == "Removed."
    [edit] = request_.sent("editMessageText")
    assert edit["text"].startswith('Unsubscribed from <code>"Caspian Sea"</code>')
    assert [row[0]["text"] for row in edit["reply_markup"]["inline_keyboard"]] == [
        "✖ SOCAR",
        "✖ Gazprom OR Rosneft",
    ]

    # the same button again (an old copy of the menu): nothing removed, and the user is told
    await chat.tap(menu, buttons[1]["callback_data"])
    assert service.subscriptions(ref()) == ["SOCAR", "Gazprom OR Rosneft"]
    assert request_.sent("answerCallbackQuery")[-1]["text"] == "Already gone."
    assert "already removed" in request_.sent("editMessageText")[-1]["text"]


async def test_list_with_150_subscriptions_splits_within_limits(chat: Chat, service: NewsService) -> None:
    queries = [
        service.subscribe(
            ref(), f'"pipeline{i} caspian gas field contract signed in baku today by officials"'
        ).query
        for i in range(150)
    ]
    service.pause(ref())
    replies = await chat.send("/list")
    assert len(replies) > 1
    assert all(utf16_len(r) <= MAX_MESSAGE for r in replies)
    joined = "\n".join(replies)
    assert all(f"<code>{q}</code>" in joined for q in queries)
    assert "Your subscriptions (150)" in replies[0]
    assert "paused" in replies[-1]


async def test_list_empty_and_pause_resume(chat: Chat, service: NewsService) -> None:
    [empty] = await chat.send("/list")
    assert "no subscriptions" in empty and "Alerts are on" in empty
    [paused] = await chat.send("/pause")
    assert paused.startswith("Alerts paused")
    assert service.chat_state(ref()).paused
    [again] = await chat.send("/pause")
    assert "already paused" in again
    [resumed] = await chat.send("/resume")
    assert resumed == "Alerts are on again."
    assert not service.chat_state(ref()).paused


def _article(key: str, title: str, text: str, clock: FakeClock) -> Article:
    return Article(
        key=key, source="Reuters", title=title, url=f"https://example.com/{key}",
        published=clock.now() - timedelta(hours=1), text=text, fetched_at=clock.now() - timedelta(minutes=30),
    )  # fmt: skip


async def test_latest_renders_stored_stories_as_alerts(chat: Chat, store: Any, clock: FakeClock) -> None:
    store.articles.remember([
        _article("a1", "SOCAR & BP <sign> deal", "SOCAR signed with BP.\nIt covers the Caspian.", clock),
        _article("a2", "Weather in Baku", "Sunny all week.", clock),
    ])  # fmt: skip
    [reply] = await chat.send("/latest SOCAR")
    header, story = reply.split("\n\n", 1)
    assert header == "Latest stories matching <code>SOCAR</code>: 1–1 of 1"
    assert story.startswith("<b><u>SOCAR</u> &amp; BP &lt;sign&gt; deal</b>\nReuters · 25 Nov 2026 11:00 UTC")
    assert 'href="https://example.com/a1"' in reply and "Baku" not in reply
    [nothing] = await chat.send("/latest Rosneft")
    assert nothing.startswith("No stories matching <code>Rosneft</code> in the last 3 days. Send")
    assert "I will alert you" not in nothing  # no subscription, no promise
    [no_subs] = await chat.send("/latest")
    assert "no subscriptions yet" in no_subs
    await chat.send("/subscribe weather")
    [mine] = await chat.send("/latest")
    assert mine.split("\n\n", 1)[1].startswith("<b><u>Weather</u> in Baku</b>")


async def test_sources_show_last_success_and_error(chat: Chat, store: Any, clock: FakeClock) -> None:
    store.sources.add(Source("Caspian <News>", "https://caspian.example.com/rss", added_by="telegram:1"))
    store.sources.save_states([
        SourceState(REUTERS.url, last_success=datetime(2026, 11, 25, 11, 55, tzinfo=UTC)),
        SourceState("https://caspian.example.com/rss", last_error="HTTP 500 <html>",
                    last_error_at=datetime(2026, 11, 25, 11, 50, tzinfo=UTC)),
    ])  # fmt: skip
    [reply] = await chat.send("/sources", user_id=ADMIN)
    assert "<b>Reuters</b> (sources file)" in reply
    assert "last success: 25 Nov 2026 11:55 UTC" in reply
    assert "<b>Caspian &lt;News&gt;</b> (added from chat)" in reply
    assert "last error: HTTP 500 &lt;html&gt; (25 Nov 2026 11:50 UTC)" in reply


async def test_sources_split_within_limits(chat: Chat, store: Any) -> None:
    for i in range(60):
        store.sources.add(
            Source(f"Feed {i}", f"https://feed{i}.example.com/" + "p" * 150, added_by="telegram:1")
        )
    replies = await chat.send("/sources", user_id=ADMIN)
    assert len(replies) > 1 and all(utf16_len(r) <= MAX_MESSAGE for r in replies)
    assert all(f"<b>Feed {i}</b>" in "\n".join(replies) for i in range(60))


async def test_source_changes_are_refused_to_non_admins(
    chat: Chat, service: NewsService, request_: Any
) -> None:
    [remove] = await chat.send("/removesource Reuters", user_id=USER)
    assert remove == "Only the bot's admins can change the sources."
    await chat.send_raw("/addsource https://example.com/rss.xml Example", user_id=USER)
    await request_.wait_for(lambda: len(request_.sent()) >= 2)  # /addsource runs as a task
    assert request_.texts()[-1] == "Only the bot's admins can change the sources."
    assert [s.name for s in service.all_sources()] == ["Reuters"]


async def test_addsource_shows_typing_then_reports_the_outcome(chat: Chat, request_: Any) -> None:
    await chat.send_raw("/addsource", chat_id=ADMIN)
    await request_.wait_for(lambda: len(request_.sent()) >= 1)
    assert request_.texts()[0].startswith("Usage: <code>/addsource &lt;feed url&gt; [name]</code>")
    await chat.send_raw("/addsource https://example.com/rss.xml Example", chat_id=ADMIN)
    await request_.wait_for(lambda: len(request_.sent()) >= 2)
    assert request_.sent("sendChatAction")[-1]["action"] == "typing"
    assert request_.texts()[-1] == "Sources cannot be added in this mode."  # this service has no fetcher


async def test_admin_removes_a_chat_added_source(chat: Chat, store: Any, service: NewsService) -> None:
    store.sources.add(Source("Example", "https://example.com/rss.xml", added_by="telegram:1"))
    [refused] = await chat.send("/removesource Reuters", chat_id=ADMIN)
    assert "comes from the sources file" in refused
    [removed] = await chat.send("/removesource example", chat_id=ADMIN)
    assert removed == "Removed <b>Example</b>."
    assert [s.name for s in service.all_sources()] == ["Reuters"]


async def test_unknown_commands_and_plain_text_get_a_hint(chat: Chat) -> None:
    assert await chat.send("/frobnicate") == [HINT]
    assert await chat.send("hello there") == [HINT]
    assert await chat.send("just chatting", chat_id=-500, user_id=USER) == []
    assert await chat.send("/frobnicate@other_bot", chat_id=-500, user_id=USER) == []
    assert await chat.send("/frobnicate@newsbot_test", chat_id=-500, user_id=USER) == [HINT]


async def test_group_migration_moves_subscriptions(chat: Chat, service: NewsService) -> None:
    service.subscribe(ref(-500), "SOCAR")
    message = {
        "message_id": 5,
        "date": 1,
        "chat": {"id": -500, "type": "group"},
        "migrate_to_chat_id": -100500,
    }
    await chat.process({"update_id": 999, "message": message})
    assert service.subscriptions(ref(-100500)) == ["SOCAR"]
    assert service.subscriptions(ref(-500)) == []


async def test_unexpected_error_is_logged_without_token_and_answered_briefly(
    chat: Chat, request_: Any, caplog: pytest.LogCaptureFixture
) -> None:
    leak = httpx.ConnectError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")
    request_.fail("sendMessage", Scripted(raises=leak))
    with caplog.at_level(logging.ERROR):
        replies = await chat.send_raw("/help")
    assert [r["text"] for r in replies] == [SOMETHING_WRONG]
    assert "ConnectError" in caplog.text and "<token>" in caplog.text
    assert TOKEN not in caplog.text


async def test_domain_errors_are_replied_without_traceback(chat: Chat, request_: Any) -> None:
    request_.fail("sendMessage", error(400, "Bad Request: message is too long"))
    replies = await chat.send_raw("/pause")
    assert [r["text"] for r in replies] == [SOMETHING_WRONG]
    [reply] = await chat.send("/unsubscribe nothing")
    assert "Traceback" not in reply and reply.startswith("You are not subscribed to nothing")


async def test_unsubscribe_menu_for_many_subscriptions_spans_messages(
    chat: Chat, service: NewsService
) -> None:
    queries = [service.subscribe(ref(), f"company{i} " + "x" * 150).query for i in range(120)]
    menus = await chat.send_raw("/unsubscribe")
    keyboards = [m["reply_markup"]["inline_keyboard"] for m in menus]
    assert [len(k) for k in keyboards] == [50, 50, 20]
    data = [row[0]["callback_data"] for k in keyboards for row in k]
    assert len(set(data)) == 120 and all(len(d.encode()) <= 64 for d in data)
    await chat.tap(menus[2], data[-1])
    assert service.subscriptions(ref()) == queries[:-1]
