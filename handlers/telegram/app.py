"""Builds the PTB Application around a `NewsService` and runs its update polling."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CommandHandler,
    Defaults,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.errors import ConfigError
from bot.service import NewsService
from handlers.i18n import DEFAULT, LANGUAGES, use_language
from handlers.telegram.commands import TelegramCommands
from handlers.telegram.context import Context
from handlers.telegram.error_handler import ErrorReporter
from handlers.telegram.flood import flood_safe_limiter
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.views import bot_commands

log = logging.getLogger(__name__)

# edited_message: an edited command runs again as that command (once per edit);
# channel posts carry a channel's commands; my_chat_member tells us when we are added or removed
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CHANNEL_POST,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)
# PTB confirms fetched updates to Telegram (the next getUpdates offset) as soon as they are queued,
# not once handled: with its unbounded queue a crash loses every command fetched but not yet
# handled. A one-slot queue holds the poller back, so a crash loses at most the update being
# handled and the one queued; the rest are fetched again (commands are idempotent).
UPDATE_BACKLOG = 1


def file_url_for(base_url: str) -> str:
    """PTB's base_file_url for a Bot API base URL: https://host/bot -> https://host/file/bot."""
    root = base_url.rstrip("/")
    return root[: -len("/bot")] + "/file/bot" if root.endswith("/bot") else root + "/file/bot"


def with_channel_posts(
    handlers: list[BaseHandler[Update, Context, object]],
) -> list[BaseHandler[Update, Context, object]]:
    """Commands also work when posted in a channel (only its admins can post there)."""
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            handler.filters = handler.filters | filters.UpdateType.CHANNEL_POST
    return handlers


class TelegramAdapter:
    def __init__(
        self,
        token: str,
        service: NewsService,
        *,
        base_url: str = "https://api.telegram.org/bot",
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        rate_limit: bool = True,
        paid_broadcast: bool = False,
        startup_patience: float = 120.0,
    ) -> None:
        # at boot the network may come up after us: keep trying to reach Telegram this long
        self.startup_patience = startup_patience
        self.base_url = base_url
        # kept so that a failed start can close them: PTB only shuts down what it initialised
        self._requests = (
            # room for command replies beside the dispatcher's 16 concurrent alert sends
            request or HTTPXRequest(connection_pool_size=80 if paid_broadcast else 32),
            get_updates_request or HTTPXRequest(),
        )
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_url_for(base_url))  # documents (/import) from the same Bot API server
            .defaults(
                Defaults(
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    # a reply to a command the user deleted meanwhile is still worth sending
                    allow_sending_without_reply=True,
                )
            )
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            .job_queue(None)  # the core runs its own scheduler
            .update_queue(asyncio.Queue(maxsize=UPDATE_BACKLOG))
        )
        if rate_limit:
            # replies wait out a 429; alerts opt out (the outbox waits retry_after itself)
            builder = builder.rate_limiter(flood_safe_limiter())
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self.commands = TelegramCommands(service)
        self.application.add_handler(self.commands.language_handler(), group=-3)
        self.application.add_handler(self.commands.gate_handler(), group=-2)
        self.application.add_handler(self.commands.activity_handler(), group=-1)
        self.application.add_handlers(with_channel_posts(self.commands.handlers()))
        self._errors = ErrorReporter(token)
        self.application.add_error_handler(self._errors.error_handler)
        self.notifier = TelegramNotifier(self.application.bot, paid_broadcast=paid_broadcast)

    async def start(self) -> None:
        try:
            await self._initialize()  # getMe: checks the token
        except InvalidToken:
            await self._close_requests()
            raise ConfigError(
                "Telegram refused the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN"
            ) from None
        except NetworkError as exc:
            await self._close_requests()
            raise ConfigError(
                f"Cannot reach the Telegram Bot API at {self.base_url} ({type(exc).__name__}): "
                "check TELEGRAM_API_URL and the network"
            ) from None
        await self._set_commands()
        try:
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                poll_interval=0.1,
                drop_pending_updates=False,  # commands sent while we were down still get answered
                allowed_updates=list(ALLOWED_UPDATES),
                error_callback=self._polling_error,
            )
        except BaseException:
            await self.stop()  # the caller only stops adapters that started
            raise
        log.info("Telegram bot @%s is polling for updates", self.application.bot.username)

    async def _set_commands(self) -> None:
        """The command menu: English for everyone, then each shipped language's descriptions for the
        users whose Telegram app is in it (the command names stay English)."""
        for lang in LANGUAGES:
            with use_language(lang):
                commands = bot_commands()
            try:
                if lang == DEFAULT:
                    await self.application.bot.set_my_commands(commands)
                else:
                    await self.application.bot.set_my_commands(commands, language_code=lang)
            except TelegramError as exc:  # only a menu is missing: not worth refusing to run
                log.warning(
                    "setMyCommands (%s) failed (%s); the command menu may be out of date",
                    lang,
                    type(exc).__name__,
                )

    async def _initialize(self) -> None:
        """getMe, retried with back-off while Telegram cannot be reached (never for a bad token)."""
        deadline = time.monotonic() + self.startup_patience
        delay = 1.0
        while True:
            try:
                await self.application.initialize()
                return
            except InvalidToken:
                raise
            except NetworkError as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning(
                    "Telegram Bot API not reachable (%s); retrying in %.0fs", type(exc).__name__, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    def _polling_error(self, exc: Exception) -> None:
        # PTB retries getUpdates by itself; e.g. Conflict: another process polls with this token
        log.warning("getUpdates failed (%s: %s); retrying", type(exc).__name__, self._errors.redact(str(exc)))

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()  # a no-op when never initialised or already shut down
        await self._close_requests()

    async def _close_requests(self) -> None:
        for request in self._requests:
            try:
                await request.shutdown()
            except Exception:  # closing twice or a half-built client: nothing left to free
                log.debug("closing a Bot API client failed", exc_info=True)
