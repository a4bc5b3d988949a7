"""Where alerts land, through a real PTB Application: channel posts, /bind, forum topics, group
permissions (getChatMember), membership changes and /images."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.models import ChatRef
from bot.service import NewsService
from handlers.telegram.app import ALLOWED_UPDATES, TelegramAdapter, file_url_for
from handlers.telegram.destination_commands import GREETING
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import callback_payload, chat_member_payload, message_payload
from tests.support.services import build_service
from tests.telegram.conftest import ADMIN, REUTERS, TOKEN, USER, Chat, ref
from tests.telegram.fake_request import RecordingRequest, error

CHANNEL = -1009999
GROUP = -100555
FORUM = -100777
_ids = itertools.count(5000)


def update(kind: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": next(_ids), kind: message}


def channel_post(text: str, chat_id: int = CHANNEL) -> dict[str, Any]:
    post = message_payload(next(_ids), chat_id, 0, text, "channel")
    del post["from"]
    post["sender_chat"] = {"id": chat_id, "type": "channel", "title": "Energy channel"}
    return update("channel_post", post)


def group_message(text: str, user_id: int, chat_id: int = GROUP, **extra: Any) -> dict[str, Any]:
    message = message_payload(next(_ids), chat_id, user_id, text, "supergroup")
    message.update(extra)
    return update("message", message)


def topic_message(text: str, user_id: int, thread: int) -> dict[str, Any]:
    message = group_message(text, user_id, FORUM, message_thread_id=thread, is_topic_message=True)
    message["message"]["chat"]["is_forum"] = True
    return message


def member_change(chat_id: int, chat_type: str, old: str, new: str) -> dict[str, Any]:
    bot = {"id": 4242, "is_bot": True, "first_name": "News", "username": "newsbot_test"}
    chat = {"id": chat_id, "type": chat_type, "title": "Some chat"}
    if chat_type == "private":
        chat = {"id": chat_id, "type": "private", "first_name": "U"}
    return update(
        "my_chat_member",
        {
            "chat": chat,
            "from": {"id": USER, "is_bot": False, "first_name": "U"},
            "date": 1_780_000_000,
            "old_chat_member": chat_member_payload(old, bot),
            "new_chat_member": chat_member_payload(new, bot),
        },
    )


def texts(sent: list[dict[str, Any]]) -> list[str]:
    return [str(p.get("text", "")) for p in sent]


def test_the_bot_asks_for_channel_posts_edits_and_membership() -> None:
    for kind in ("channel_post", "edited_message", "my_chat_member", "message", "callback_query"):
        assert kind in ALLOWED_UPDATES
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"


# channels ------------------------------------------------------------------------------------


async def test_commands_posted_in_a_channel_manage_its_subscriptions(
    chat: Chat, service: NewsService
) -> None:
    [reply] = await chat.process(channel_post("/subscribe SOCAR"))
    assert reply["chat_id"] == CHANNEL and reply["text"].startswith("Subscribed to <code>SOCAR</code>")
    assert service.subscriptions(ref(CHANNEL)) == ["SOCAR"]
    [listing] = await chat.process(channel_post("/list"))
    assert "SOCAR" in listing["text"]
    [paused] = await chat.process(channel_post("/pause"))
    assert "paused" in paused["text"] and service.chat_state(ref(CHANNEL)).paused
    assert chat.request.sent("getChatMember") == []  # only a channel's admins can post: no check


async def test_bind_lets_a_channel_admin_manage_it_from_a_private_chat(
    chat: Chat, service: NewsService, request_: RecordingRequest
) -> None:
    request_.chats["@energy"] = {"id": CHANNEL, "type": "channel", "title": "Energy <news>"}
    [reply] = await chat.send("/bind @energy")
    assert "Energy &lt;news&gt;" in reply and "/unbind" in reply
    assert {(p["chat_id"], p["user_id"]) for p in request_.sent("getChatMember")} == {
        (CHANNEL, USER),
        (CHANNEL, 4242),
    }
    [subscribed] = await chat.send("/subscribe Gazprom")
    assert subscribed.startswith("Subscribed to")
    assert service.subscriptions(ref(CHANNEL)) == ["Gazprom"] and service.subscriptions(ref()) == []
    [listing] = await chat.send("/list")
    assert "Gazprom" in listing
    await chat.send("/images off")
    assert not service.chat_state(ref(CHANNEL)).images and service.chat_state(ref()).images
    [unbound] = await chat.send("/unbind")
    assert unbound.startswith("Unbound")
    await chat.send("/subscribe Rosneft")
    assert service.subscriptions(ref()) == ["Rosneft"] and service.subscriptions(ref(CHANNEL)) == ["Gazprom"]


async def test_bind_is_refused_to_non_admins_and_when_the_bot_cannot_post(
    chat: Chat, service: NewsService, request_: RecordingRequest
) -> None:
    request_.chats["@energy"] = {"id": CHANNEL, "type": "channel", "title": "Energy"}
    request_.members[(CHANNEL, USER)] = "member"
    [reply] = await chat.send("/bind @energy")
    assert "Only the admins of <b>Energy</b>" in reply
    request_.members[(CHANNEL, USER)] = "creator"
    request_.members[(CHANNEL, 4242)] = "left"
    [reply] = await chat.send("/bind energy")
    assert "Make me an admin of <b>Energy</b>" in reply
    [unknown] = await chat.send("/bind @nowhere")
    assert "I can't see @nowhere" in unknown
    [usage] = await chat.send("/bind")
    assert "Usage" in usage
    [in_group] = await chat.send("/bind @energy", chat_id=GROUP, user_id=USER, chat_type="supergroup")
    assert "private chat" in in_group
    assert service.destinations.bound_to(ref()) is None


async def test_a_bound_user_who_lost_admin_rights_is_refused(
    chat: Chat, service: NewsService, request_: RecordingRequest, clock: FakeClock
) -> None:
    request_.chats["@energy"] = {"id": CHANNEL, "type": "channel", "title": "Energy"}
    await chat.send("/bind @energy")
    request_.members[(CHANNEL, USER)] = "member"
    clock.advance(301)  # past the admin cache
    [refused] = await chat.send("/subscribe SOCAR")
    assert "no longer an admin" in refused and service.subscriptions(ref(CHANNEL)) == []


# forum topics ----------------------------------------------------------------------------------


async def test_a_subscription_made_in_a_topic_belongs_to_that_topic(chat: Chat, service: NewsService) -> None:
    [reply] = await chat.process(topic_message("/subscribe SOCAR", ADMIN, thread=77))
    assert reply["message_thread_id"] == 77 and reply["chat_id"] == FORUM
    topic = ChatRef("telegram", str(FORUM), "77")
    assert service.subscriptions(topic) == ["SOCAR"]
    assert service.subscriptions(ref(FORUM)) == []
    assert [s.chat.key for s in service.repos.subscriptions.all()] == [f"telegram:{FORUM}/77"]
    # a reply thread in a group without topics is not a topic
    await chat.process(group_message("/subscribe Gazprom", ADMIN, message_thread_id=12))
    assert service.subscriptions(ref(GROUP)) == ["Gazprom"]


# group permissions -------------------------------------------------------------------------------


async def test_only_group_admins_change_alerts_and_anyone_reads(
    chat: Chat, service: NewsService, request_: RecordingRequest
) -> None:
    request_.members[(GROUP, USER)] = "member"
    for command in ("/subscribe SOCAR", "/pause", "/unsubscribe SOCAR", "/images off"):
        [refused] = texts(await chat.process(group_message(command, USER)))
        assert "Only this group's admins" in refused
    assert service.subscriptions(ref(GROUP)) == [] and not service.chat_state(ref(GROUP)).paused
    [ok] = texts(await chat.process(group_message("/subscribe SOCAR", ADMIN)))
    assert ok.startswith("Subscribed")
    [listing] = texts(await chat.process(group_message("/list", USER)))
    assert "SOCAR" in listing
    assert await chat.process(group_message("/subscribe@other_bot X", USER)) == []  # not ours
    assert await chat.process(group_message("/frobnicate", USER)) == []  # not a command of ours
    # each (chat, user) asked once; later commands use the cached answer
    asked = [(p["chat_id"], p["user_id"]) for p in request_.sent("getChatMember")]
    assert sorted(asked) == [(GROUP, ADMIN), (GROUP, USER)]


async def test_anyone_sees_the_group_time_zone_and_only_admins_change_it(
    chat: Chat, service: NewsService, request_: RecordingRequest
) -> None:
    request_.members[(GROUP, USER)] = "member"
    [shown] = await chat.process(group_message("/timezone", USER))
    assert "UTC" in shown["text"] and shown["reply_markup"]["inline_keyboard"]
    [refused] = texts(await chat.process(group_message("/timezone Asia/Baku", USER)))
    assert "Only this group's admins" in refused
    berlin = next(b for row in shown["reply_markup"]["inline_keyboard"] for b in row if "Berlin" in b["text"])
    tap = callback_payload("q0", GROUP, USER, berlin["callback_data"], 1, shown["reply_markup"])
    await chat.process(update("callback_query", tap))
    assert service.rhythm.settings(ref(GROUP)).zone == "UTC"  # its buttons are for admins too
    [done] = texts(await chat.process(group_message("/timezone Asia/Baku", ADMIN)))
    assert done.startswith("Time zone: <b>Asia/Baku</b>")


async def test_anonymous_admins_count_and_other_sender_chats_do_not(chat: Chat, service: NewsService) -> None:
    as_group = {"id": GROUP, "type": "supergroup", "title": "Test group"}
    await chat.process(group_message("/subscribe SOCAR", 1087968824, sender_chat=as_group))
    assert service.subscriptions(ref(GROUP)) == ["SOCAR"]
    linked = {"id": -1004444, "type": "channel", "title": "Someone's channel"}
    [refused] = texts(await chat.process(group_message("/pause", 136817688, sender_chat=linked)))
    assert "Only this group's admins" in refused


async def test_unsubscribe_buttons_in_groups_are_for_admins(
    chat: Chat, service: NewsService, request_: RecordingRequest
) -> None:
    service.subscribe(ref(GROUP), "SOCAR")
    [menu] = await chat.process(group_message("/unsubscribe", ADMIN))
    request_.members[(GROUP, USER)] = "member"
    data = menu["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    tap = {
        "update_id": next(_ids),
        "callback_query": {
            "id": "q1",
            "from": {"id": USER, "is_bot": False, "first_name": "U"},
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": menu.get("message_id", 1),
                "date": 1_780_000_000,
                "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
                "text": "menu",
            },
        },
    }
    await chat.process(tap)
    [answer] = request_.sent("answerCallbackQuery")
    assert "Only this group's admins" in answer["text"] and answer["show_alert"] is True
    assert service.subscriptions(ref(GROUP)) == ["SOCAR"]


async def test_a_failed_admin_check_is_a_clear_refusal(chat: Chat, request_: RecordingRequest) -> None:
    request_.fail("getChatMember", error(500, "Internal Server Error"))
    [reply] = texts(await chat.process(group_message("/subscribe SOCAR", USER)))
    assert "could not check" in reply


@pytest.fixture
async def open_chat(store: Any, clock: FakeClock, request_: RecordingRequest) -> AsyncIterator[Chat]:
    service = build_service(
        store, clock, config_sources=[REUTERS], admins=frozenset({str(ADMIN)}), open_groups=True
    )
    adapter = TelegramAdapter(
        TOKEN, service, request=request_, get_updates_request=RecordingRequest(), rate_limit=False
    )
    async with adapter.application:
        await adapter.application.start()
        yield Chat(adapter, request_)
        await adapter.application.stop()


async def test_open_groups_keep_every_member_allowed(open_chat: Chat, request_: RecordingRequest) -> None:
    request_.members[(GROUP, USER)] = "member"
    [ok] = texts(await open_chat.process(group_message("/subscribe SOCAR", USER)))
    assert ok.startswith("Subscribed") and request_.sent("getChatMember") == []


# membership --------------------------------------------------------------------------------------


async def test_added_to_a_group_the_bot_greets_in_one_line_and_removed_it_forgets_later(
    chat: Chat, service: NewsService, clock: FakeClock
) -> None:
    [hello] = await chat.process(member_change(GROUP, "supergroup", "left", "member"))
    assert hello["text"] == GREETING and "\n" not in GREETING and hello["chat_id"] == GROUP
    service.subscribe(ref(GROUP), "SOCAR")
    service.subscribe(ChatRef("telegram", str(GROUP), "9"), "Gazprom")
    assert await chat.process(member_change(GROUP, "supergroup", "member", "kicked")) == []
    state = service.chat_state(ref(GROUP))
    assert not state.active and state.removed_at == clock.now()
    clock.advance(timedelta(days=29).total_seconds())
    assert service.destinations.forget_departed() == []
    clock.advance(timedelta(days=1).total_seconds())
    [forgotten] = service.destinations.forget_departed()
    assert forgotten.subscriptions == 2 and service.repos.subscriptions.all() == []
    assert service.book.query("socar") is None


async def test_a_channel_is_not_greeted_and_a_rejoin_cancels_the_forgetting(
    chat: Chat, service: NewsService, clock: FakeClock
) -> None:
    assert await chat.process(member_change(CHANNEL, "channel", "left", "administrator")) == []
    service.subscribe(ref(CHANNEL), "SOCAR")
    await chat.process(member_change(CHANNEL, "channel", "administrator", "left"))
    clock.advance(timedelta(days=10).total_seconds())
    await chat.process(member_change(CHANNEL, "channel", "left", "administrator"))
    clock.advance(timedelta(days=30).total_seconds())
    assert service.destinations.forget_departed() == []
    assert service.subscriptions(ref(CHANNEL)) == ["SOCAR"] and service.chat_state(ref(CHANNEL)).active


async def test_images_off_and_on(chat: Chat, service: NewsService) -> None:
    [shown] = await chat.send("/images")
    assert "are on" in shown
    [off] = await chat.send("/images off")
    assert "text only" in off and not service.chat_state(ref()).images
    [again] = await chat.send("/images off")
    assert "already off" in again
    await chat.send("/images on")
    assert service.chat_state(ref()).images
