"""Replies in the user's language: Telegram's language_code, /language (with buttons), alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import Bot

from bot.models import Alert, Digest
from bot.service import NewsService
from handlers.i18n import use_language
from handlers.telegram.digest import render_digest
from handlers.telegram.notifier import TelegramNotifier
from tests.support.fake_bot_api import chat_member_payload, message_payload
from tests.telegram.conftest import TOKEN, USER, Chat, ref
from tests.telegram.fake_request import RecordingRequest


async def test_a_russian_telegram_app_gets_russian_replies(chat: Chat, service: NewsService) -> None:
    [reply] = await chat.send("/subscribe Газпром", language_code="ru")
    assert reply.startswith("Подписка на <code>Газпром</code> оформлена.")
    [help_] = await chat.send("/help", language_code="ru")
    assert "<b>Команды</b>" in help_ and "одно слово в кавычках" in help_
    [refusal] = await chat.send('/subscribe "Caspian', language_code="ru")  # a core error, translated
    assert refusal.startswith("Кавычка не закрыта")
    [empty] = await chat.send("/subscribe", language_code="ru-RU")
    assert empty.startswith("Напишите, за чем следить.")
    assert service.chat_state(ref()).platform_language == "ru"  # kept for the alerts


async def test_an_unshipped_language_gets_english(chat: Chat) -> None:
    [reply] = await chat.send("/subscribe SOCAR", language_code="pt-br")
    assert reply.startswith("Subscribed to <code>SOCAR</code>.")


async def test_language_shows_the_choices_with_buttons(chat: Chat) -> None:
    [sent] = await chat.process(
        {"update_id": 90_001, "message": message_payload(90_001, USER, USER, "/language", None, "de")}
    )
    assert str(sent["text"]).startswith("Sprache dieses Chats: <b>Deutsch</b>")
    buttons = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["callback_data"] for b in buttons] == [
        "lang:en",
        "lang:ru",
        "lang:az",
        "lang:uk",
        "lang:tr",
        "lang:de",
        "lang:auto",
    ]
    assert buttons[-1]["text"] == "✓ Sprache von Telegram"  # nothing chosen yet: the app's language


async def test_language_sets_the_chat_language_over_the_app_language(
    chat: Chat, service: NewsService
) -> None:
    [done] = await chat.send("/language uk", language_code="ru")
    assert done == "У цьому чаті я писатиму мовою: Українська."
    assert service.languages.chosen(ref()) == "uk"
    [reply] = await chat.send("/pause", language_code="ru")  # the choice wins over the app's
    assert reply.startswith("Сповіщення на паузі.")
    [back] = await chat.send("/language auto", language_code="ru")
    assert back.startswith("Здесь я буду писать на языке вашего приложения Telegram (сейчас: Русский)")
    assert service.languages.chosen(ref()) == ""


async def test_an_unknown_code_lists_the_codes(chat: Chat, service: NewsService) -> None:
    [reply] = await chat.send("/language xx")
    assert reply.startswith("I don't speak <code>xx</code>. Choose one of: <code>en</code> (English), ")
    assert "<code>az</code> (Azərbaycanca)" in reply and "<code>/language auto</code>" in reply
    assert service.languages.chosen(ref()) == ""


async def test_a_language_button_switches_and_answers_in_the_new_language(
    chat: Chat, service: NewsService
) -> None:
    [menu] = await chat.process(
        {"update_id": 90_002, "message": message_payload(90_002, USER, USER, "/language", None, None)}
    )
    sent = await chat.tap(menu, "lang:tr")
    assert service.languages.chosen(ref()) == "tr"
    edit = [c for c in chat.request.calls if c.method == "editMessageText"][-1].params
    assert edit["text"] == "Bu sohbete şu dilde yazacağım: Türkçe."
    assert sent == []  # the menu is edited in place, no new message
    answered = [c for c in chat.request.calls if c.method == "answerCallbackQuery"][-1].params
    assert answered["text"] == "Türkçe"


async def test_alerts_use_the_chat_language_and_keep_the_story_as_published() -> None:
    request = RecordingRequest()
    bot = Bot(TOKEN, request=request)
    await bot.initialize()
    alert = Alert(
        chat=ref(),
        article_key="k",
        title="Газпрома акции выросли",
        url="https://example.com/a",
        source="Interfax",
        published=datetime(2026, 11, 24, 8, 15, tzinfo=UTC),
        matched=("Газпром",),
        bullets=("Акции Газпрома выросли на 5%.",),
        created=datetime(2026, 11, 24, 8, 16, tzinfo=UTC),
        also=(("TASS", "https://example.com/b"),),
        zone="Asia/Baku",
    )
    notifier = TelegramNotifier(bot)
    await notifier.send(replace(alert, lang="ru"))
    await notifier.send(alert)  # no language: English
    russian, english = (str(p["text"]) for p in request.sent())
    assert "Interfax · 24 нояб. 2026\u202fг. 12:15 +04" in russian  # Babel's date, the zone's clock
    assert "Совпало: <i>Газпром</i>" in russian and ">Читать далее</a>" in russian
    assert "Также сообщили: " in russian
    # the story as published; its inflected form of the query word marked as the match
    assert "<b><u>Газпрома</u> акции выросли</b>" in russian
    assert "• Акции <b>Газпрома</b> выросли на 5%." in russian
    assert "Interfax · 24 Nov 2026 12:15 +04" in english and "Matched: <i>Газпром</i>" in english
    await bot.shutdown()


async def test_the_dispatcher_sends_each_alert_in_its_chat_language(chat: Chat, service: NewsService) -> None:
    await chat.send("/subscribe SOCAR", language_code="az")
    assert service.languages.of(ref()) == "az"
    await chat.send("/language de", language_code="az")
    assert service.languages.of(ref()) == "de"  # the choice, over the platform's


def test_a_digest_heading_and_its_times_follow_the_language() -> None:
    due = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    story = Alert(
        chat=ref(),
        article_key="k",
        title="Газпрома акции",
        url="https://example.com/a",
        source="Interfax",
        published=due - timedelta(hours=3),
        matched=("Газпром",),
        bullets=(),
        created=due,
    )
    daily = Digest(
        "daily 08:00",
        due - timedelta(days=1),
        due,
        "Europe/Moscow",
        (story, replace(story, article_key="j")),
    )
    headings = {}
    for lang in ("en", "ru", "de"):
        with use_language(lang):
            headings[lang] = render_digest(daily)[0].split("\n")[0]
    assert headings == {
        "en": "<b>Daily digest · 2 stories since 11:00 yesterday</b>",
        "ru": "<b>Ежедневная сводка · 2 новости с 11:00 вчера</b>",
        "de": "<b>Tägliche Zusammenfassung · 2 Meldungen seit gestern 11:00</b>",
    }
    with use_language("ru"):
        assert "Interfax · 24 нояб. 2026\u202fг. 08:00 MSK · Газпром" in render_digest(daily)[0]


async def test_a_group_is_greeted_in_the_language_of_whoever_added_the_bot(chat: Chat) -> None:
    bot = {"id": 4242, "is_bot": True, "first_name": "News", "username": "newsbot_test"}
    added = {
        "chat": {"id": -100900, "type": "supergroup", "title": "Haberler"},
        "from": {"id": USER, "is_bot": False, "first_name": "U", "language_code": "tr"},
        "date": 1_780_000_000,
        "old_chat_member": chat_member_payload("left", bot),
        "new_chat_member": chat_member_payload("member", bot),
    }
    [hello] = await chat.process({"update_id": 90_003, "my_chat_member": added})
    assert str(hello["text"]).startswith("Merhaba! Burada haber bildirimleri paylaşırım.")
