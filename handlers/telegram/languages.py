"""The language of every reply: /language (a chat's own choice, with buttons), else the Telegram
user's `language_code` in a private chat, else English. Set once per update, before anything
else runs (its own handler group), so every callback's `t(...)` is in it."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.service import NewsService
from handlers.i18n import DEFAULT, LANGUAGES, NAMES, is_shipped, language_of, primary, set_language, t
from handlers.telegram.context import Context, chat_of, command_argument, reply
from handlers.telegram.render import escape, shorten

log = logging.getLogger(__name__)

LANGUAGE_PREFIX = "lang:"
LANGUAGE_PATTERN = r"^lang:[a-z]{2,8}$"
AUTO = "auto"  # back to the Telegram app's language


class LanguageCommands:
    def __init__(self, service: NewsService) -> None:
        self.languages = service.languages
        self.destinations = service.destinations

    def platform_language(self, update: Update) -> str:
        """What Telegram says the sender reads; only a private chat is theirs alone."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            return ""
        return primary(user.language_code)

    async def note_language(self, update: Update, context: Context) -> None:
        """Runs first on every update: the language of everything said while handling it."""
        if update.effective_chat is None:
            set_language(DEFAULT)
            return
        chat = chat_of(update)
        platform = self.platform_language(update)
        if platform:
            self.languages.note_platform(chat, platform)  # alerts, sent later, follow it too
        set_language(self.languages.chosen(chat) or platform or self.languages.of(chat) or DEFAULT)

    async def language_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        word = command_argument(update.effective_message).strip().lower()
        if not word:
            await update.effective_message.reply_text(
                self.overview(update), reply_markup=self.keyboard(update)
            )
            return
        if word != AUTO and not is_shipped(word):
            await reply(update, unknown_language(word))
            return
        await reply(update, self.choose(update, word))

    async def language_button(self, update: Update, context: Context) -> None:
        callback = update.callback_query
        assert callback is not None and callback.data is not None
        word = callback.data.removeprefix(LANGUAGE_PREFIX)
        if word != AUTO and not is_shipped(word):
            await callback.answer(t("This button no longer works. Send /help to start again."))
            return
        text = self.choose(update, word)
        await callback.answer(NAMES[language_of(self._effective(update))])
        try:
            await callback.edit_message_text(text, reply_markup=self.keyboard(update))
        except BadRequest as exc:  # "message is not modified" after a double tap
            log.debug("could not edit the language menu: %s", exc)

    def choose(self, update: Update, word: str) -> str:
        """Store the choice (the chat, and the channel it manages), answer in the new language."""
        chosen = "" if word == AUTO else language_of(word)
        chat = chat_of(update)
        self.languages.choose(chat, chosen)
        target = self.destinations.target(chat)
        if target != chat:
            self.languages.choose(target, chosen)  # a bound channel's alerts follow its manager
        lang = set_language(self._effective(update))
        if chosen:
            return t("I will write to this chat in {language}.", language=NAMES[lang])
        return t("I will follow your Telegram app's language here (now: {language}).", language=NAMES[lang])

    def _effective(self, update: Update) -> str:
        chat = chat_of(update)
        return self.languages.chosen(chat) or self.platform_language(update) or self.languages.of(chat)

    def overview(self, update: Update) -> str:
        lang = language_of(self._effective(update))
        chosen = self.languages.chosen(chat_of(update))
        how = t("chosen with /language") if chosen else t("your Telegram app's language, or English")
        codes = ", ".join(f"<code>{code}</code> {NAMES[code]}" for code in LANGUAGES)
        return t(
            "Language of this chat: <b>{language}</b> ({how}).\n"
            "Change it with <code>/language de</code>, or tap one: {codes}. "
            "<code>/language auto</code> follows your Telegram app again.",
            language=NAMES[lang],
            how=how,
            codes=codes,
        )

    def keyboard(self, update: Update) -> InlineKeyboardMarkup:
        chosen = self.languages.chosen(chat_of(update))
        buttons = [
            InlineKeyboardButton(
                ("✓ " if code == chosen else "") + NAMES[code], callback_data=LANGUAGE_PREFIX + code
            )
            for code in LANGUAGES
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        auto = ("✓ " if not chosen else "") + t("Telegram's language")
        rows.append([InlineKeyboardButton(auto, callback_data=LANGUAGE_PREFIX + AUTO)])
        return InlineKeyboardMarkup(rows)


def unknown_language(word: str) -> str:
    codes = ", ".join(f"<code>{code}</code> ({NAMES[code]})" for code in LANGUAGES)
    return t(
        "I don't speak {code}. Choose one of: {codes}; or <code>/language auto</code> for your "
        "Telegram app's language.",
        code=f"<code>{escape(shorten(word, 40))}</code>",
        codes=codes,
    )
