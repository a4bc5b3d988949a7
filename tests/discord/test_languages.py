"""Discord answers in the interaction's locale, remembers it for the alerts, and renders them in it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import discord
import pytest

from bot.models import Alert, ChatRef
from bot.service import NewsService
from handlers.discord.app import DiscordAdapter
from handlers.discord.commands import DiscordCommands
from handlers.discord.language_command import DiscordLanguageCommand
from handlers.discord.languages import CatalogTranslator, language_check
from handlers.discord.notifier import send_kwargs
from handlers.i18n import NAMES, current_language, set_language
from storage import Store
from tests.discord.fakes import FakeInteraction
from tests.support.clock import FakeClock
from tests.support.services import build_service

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DM = ChatRef("discord-dm", "111")


@pytest.fixture
def service(store: Store) -> NewsService:
    return build_service(store, FakeClock(NOW))


def interaction(locale: discord.Locale, **kwargs: object) -> FakeInteraction:
    fake = FakeInteraction(**kwargs)  # type: ignore[arg-type]
    fake.locale = locale  # type: ignore[attr-defined]
    fake.guild_locale = discord.Locale.turkish  # type: ignore[attr-defined]
    return fake


async def test_a_command_answers_in_the_users_discord_language(service: NewsService) -> None:
    cmds = DiscordCommands(service)
    check = language_check(service)
    asking = interaction(discord.Locale.russian, guild_id=None)
    assert await check(asking)  # type: ignore[arg-type]
    await cmds.subscribe_command(asking, "Газпром")  # type: ignore[arg-type]
    assert asking.text.startswith("Подписка на **Газпром** оформлена.")
    assert service.languages.of(DM) == "ru"  # its alerts, sent later, follow it

    refused = interaction(discord.Locale.german, guild_id=None)
    assert await check(refused)  # type: ignore[arg-type]
    await cmds.unsubscribe_command(refused, "SOCAR")  # type: ignore[arg-type]
    assert refused.text == "Sie haben SOCAR nicht abonniert. Senden Sie /list, um Ihre Abos zu sehen."
    set_language("en")


async def test_an_unshipped_locale_answers_in_english(service: NewsService) -> None:
    asking = interaction(discord.Locale.japanese, guild_id=None)
    assert await language_check(service)(asking)  # type: ignore[arg-type]
    assert current_language() == "en"


def test_an_alert_embed_is_in_the_chat_language() -> None:
    alert = Alert(
        chat=DM,
        article_key="k",
        title="Газпрома акции выросли",
        url="https://example.com/a",
        source="Interfax",
        published=NOW,
        matched=("Газпром",),
        bullets=("Акции Газпрома выросли.",),
        created=NOW,
        also=(("TASS", "https://example.com/b"),),
    )
    embed = send_kwargs(replace(alert, lang="uk"))["embed"].to_dict()
    assert [f["name"] for f in embed["fields"]] == ["Збіглося", "Також повідомили"]
    assert embed["title"] == "Газпрома акции выросли"  # the story as published
    assert [f["name"] for f in send_kwargs(alert)["embed"].to_dict()["fields"]] == [
        "Matched",
        "Also reported by",
    ]


async def test_slash_command_descriptions_are_localized_names_stay_english(service: NewsService) -> None:
    adapter = DiscordAdapter("MTIz.secret.token", service)
    translator = CatalogTranslator()
    payloads = {
        c.name: await c.get_translated_payload(adapter.tree, translator)  # type: ignore[union-attr]
        for c in adapter.tree.get_commands()
    }
    subscribe = payloads["subscribe"]
    assert subscribe["name_localizations"] == {}  # /subscribe is /subscribe in every language
    assert subscribe["description_localizations"] == {
        "ru": "Получать уведомление, когда новость подходит под ваши ключевые слова",
        "uk": "Отримувати сповіщення, коли новина підходить під ваші ключові слова",
        "tr": "Bir haber anahtar kelimelerinizle eşleştiğinde bildirim al",
        "de": "Einen Alert erhalten, sobald eine Meldung zu Ihren Stichwörtern passt",
    }  # Discord has no Azerbaijani locale
    deliver = next(o for o in subscribe["options"] if o["name"] == "deliver_to")
    assert not deliver.get("name_localizations")  # option names stay English too
    assert deliver["choices"][1]["name_localizations"]["ru"] == "мои личные сообщения"
    assert deliver["choices"][1]["value"] == "dm"
    for payload in payloads.values():  # every text localized, within Discord's 100 characters
        assert set(payload["description_localizations"]) == {"ru", "uk", "tr", "de"}, payload["name"]
        for option in payload["options"]:
            assert set(option["description_localizations"]) == {"ru", "uk", "tr", "de"}, option["name"]
            for choice in option.get("choices", ()):
                if choice["name"] in NAMES.values():
                    continue  # a language is named in itself: "Русский", "Deutsch"
                assert set(choice["name_localizations"]) == {"ru", "uk", "tr", "de"}
                assert all(len(v) <= 100 for v in choice["name_localizations"].values())
            assert all(len(v) <= 100 for v in option["description_localizations"].values())
        assert all(len(v) <= 100 for v in payload["description_localizations"].values())


async def test_language_picks_azerbaijani_which_discord_has_no_locale_for(service: NewsService) -> None:
    command = DiscordLanguageCommand(DiscordCommands(service))
    check = language_check(service)
    asking = interaction(discord.Locale.turkish, guild_id=None)
    assert await check(asking)  # type: ignore[arg-type]
    await command.language_command(asking, "az")  # type: ignore[arg-type]
    assert asking.text == "Burada bu dildə yazacağam: Azərbaycanca (şəxsi mesajlarınız)."
    assert service.languages.of(DM) == "az"  # the direct messages' alerts follow it

    later = interaction(discord.Locale.turkish, guild_id=None)
    assert await check(later)  # type: ignore[arg-type]
    assert current_language() == "az"  # the choice wins over the Discord locale
    await command.language_command(later)  # type: ignore[arg-type]
    assert later.text == "Dil (şəxsi mesajlarınız): **Azərbaycanca** (/language ilə seçilib)."

    back = interaction(discord.Locale.turkish, guild_id=None)
    assert await check(back)  # type: ignore[arg-type]
    await command.language_command(back, "auto")  # type: ignore[arg-type]
    assert back.text == "Burada her okuyucunun Discord dilinde yazacağım (özel mesajlarınız)."
    assert service.languages.chosen(DM) == ""
    set_language("en")


async def test_a_channels_language_needs_manage_channels(service: NewsService) -> None:
    command = DiscordLanguageCommand(DiscordCommands(service))
    member = interaction(discord.Locale.american_english, manage_channels=False)
    await command.language_command(member, "de")  # type: ignore[arg-type]
    assert member.text.startswith("You need the Manage Channels permission")
    assert service.languages.chosen(ChatRef("discord", "777")) == ""
