"""Replies in the reader's language: gettext catalogs under handlers/locales, one language per chat.

Messages are English msgids with `{name}` placeholders. `t("...")` translates into the language
of the update being handled, set once per update (Telegram: handlers/telegram/languages.py;
Discord: the command tree) or per alert (the notifiers, from `Alert.lang`), so a callback never
passes the language around. The core's messages are `bot.texts.Text` (errors too); `tr()` shows
them in that language. Feed text is never translated.

The catalogs are the .po files themselves, compiled in memory with Babel the first time a
language is used: a fresh clone works after `pip install -e .`, with no build step and no
compiled file that could fall behind its .po. New messages: see the README ("Translations");
tests/unit/test_catalogs.py fails until every shipped language has each one, with the same
placeholders.
"""

from __future__ import annotations

import contextlib
import gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import format_local
from bot.errors import NewsbotError
from bot.texts import N_, Text, When

__all__ = ["N_", "format_moment", "set_language", "t", "tn", "tr", "use_language"]

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "newsbot"
DEFAULT = "en"
LANGUAGES = ("en", "ru", "az", "uk", "tr", "de")  # shipped, complete
NAMES = {
    "en": "English",
    "ru": "Русский",
    "az": "Azərbaycanca",
    "uk": "Українська",
    "tr": "Türkçe",
    "de": "Deutsch",
}

_current: ContextVar[str] = ContextVar("newsbot_language", default=DEFAULT)


def primary(code: str | None) -> str:
    """The language subtag of a platform's tag: "pt-BR" -> "pt", "en_US" -> "en"."""
    return (code or "").strip().replace("_", "-").split("-", 1)[0].lower()


def language_of(code: str | None) -> str:
    """A shipped language for a platform's tag ("ru", "de-AT", "en-US"); English otherwise."""
    lang = primary(code)
    return lang if lang in LANGUAGES else DEFAULT


def is_shipped(code: str | None) -> bool:
    return primary(code) in LANGUAGES


def current_language() -> str:
    return _current.get()


def set_language(code: str | None) -> str:
    """The language of everything said while this update (task) is handled."""
    lang = language_of(code)
    _current.set(lang)
    return lang


@contextlib.contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """A language for a block (one alert), restored after."""
    token = _current.set(language_of(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalog, compiled from its .po file in memory; English is the msgids."""
    po = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out: they fall back to English
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def t(message: str, /, **params: Any) -> str:
    """`message` in the current language, its {placeholders} filled (a `Text` value translated too)."""
    text = translations(_current.get()).gettext(message)
    return text.format(**_shown(params)) if params else text


def tn(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The form of a message that suits the count `n` in the current language; `{n}` is the count."""
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text.format(n=n, **_shown(params))


def tr(message: object) -> str:
    """A core message (`Text`, a `NewsbotError`, or a plain string) in the current language."""
    if isinstance(message, NewsbotError):
        message = message.text
    if not isinstance(message, Text):
        return str(message)
    if message.count is not None:
        params = {k: v for k, v in message.params.items() if k != "n"}
        return tn(message.template, message.plural, message.count, **params)
    if not message.params:
        return t(message.template)
    return t(message.template, **message.params)


def _shown(params: dict[str, Any]) -> dict[str, Any]:
    return {k: _param(v) for k, v in params.items()}


def _param(value: Any) -> Any:
    if isinstance(value, Text):
        return tr(value)
    if isinstance(value, When):
        return format_when(value)
    return value


_SKELETONS = {"weekday_time": "E", "day_time": "MMMd", "date_time": "yMMMd", "zoned": "yMMMd"}


def format_when(when: When) -> str:
    """A moment in the current language's words and order ("24 нояб. 2026 г. 08:15"); the
    hours always as 24-hour HH:MM, as the commands take them. English keeps its own compact form."""
    lang = _current.get()
    if lang == DEFAULT:
        return str(when)
    from babel.dates import format_skeleton

    moment = when.moment
    clock = f"{moment:%H:%M}"
    if when.style == "time":
        return clock
    skeleton = _SKELETONS.get(when.style, "yMMMd")
    if skeleton == "E" and lang == "az":
        skeleton = "EEEE"  # CLDR's short Azerbaijani weekdays ("C.", "Ç.A.") read as initials
    day = format_skeleton(skeleton, moment, locale=lang)
    text = f"{day} {clock}"
    return f"{text} {moment.tzname() or 'UTC'}" if when.style == "zoned" else text


def format_moment(moment: datetime | None, zone: str | None = None) -> str | None:
    """A time as the chat's clock shows it, in the current language ("24 Nov 2026 12:15 +04",
    "24 нояб. 2026 г. 12:15 +04"); UTC for "" or a zone this system does not know."""
    if moment is None:
        return None
    if _current.get() == DEFAULT:
        return format_local(moment, zone)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        tz = ZoneInfo(zone) if zone and zone != "UTC" else UTC
    except (ValueError, ZoneInfoNotFoundError):
        tz = UTC
    return format_when(When(aware.astimezone(tz), "zoned"))
