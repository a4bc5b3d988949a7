"""Chat adapters, built from the settings and started (and stopped) in one place: Telegram,
Discord and webhook targets. Each platform is imported only when configured, so a Discord-only
bot never loads python-telegram-bot and the reverse."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.config import Settings
from bot.ports import Notifier
from bot.service import NewsService

log = logging.getLogger("newsbot")


class Adapter(Protocol):
    notifier: Notifier

    async def stop(self) -> None: ...


async def start_adapters(settings: Settings, service: NewsService) -> list[Adapter]:
    """Every configured chat adapter, started; on failure the ones already started are stopped."""
    adapters: list[Adapter] = []
    try:
        if settings.sources_path:
            webhooks = webhook_targets(settings.sources_path)
            if webhooks:
                adapters.append(_webhook_adapter(service, webhooks))
        if settings.sources_path:
            _sync_telegram_targets(settings, service)
        if settings.telegram_token:
            from handlers.telegram.app import TelegramAdapter

            telegram = TelegramAdapter(
                settings.telegram_token,
                service,
                base_url=settings.telegram_api_url,
                paid_broadcast=settings.paid_broadcast,
            )
            await telegram.start()
            adapters.append(telegram)
        if settings.discord_token:
            from handlers.discord.app import DiscordAdapter

            discord = DiscordAdapter(
                settings.discord_token, service, admin_guilds=settings.discord_admin_guilds
            )
            await discord.start()
            adapters.append(discord)
    except BaseException:
        await stop_adapters(adapters)
        raise
    return adapters


def _sync_telegram_targets(settings: Settings, service: NewsService) -> None:
    """`[[telegram]]` tables of the sources file: each chat's subscriptions become its `queries`."""
    from handlers.telegram.targets import load_telegram_targets, sync_telegram_targets

    assert settings.sources_path is not None
    targets = load_telegram_targets(settings.sources_path)
    if not targets:
        return
    if not settings.telegram_token:
        log.warning(
            "%d [[telegram]] targets in the sources file, but TELEGRAM_BOT_TOKEN is not set", len(targets)
        )
    added, removed = sync_telegram_targets(service, targets)
    log.info("telegram targets: %d chats (%d subscriptions added, %d removed)", len(targets), added, removed)


async def stop_adapters(adapters: Sequence[Adapter]) -> None:
    for adapter in reversed(adapters):
        try:
            await adapter.stop()
        except Exception:
            log.exception("stopping %s failed", type(adapter).__name__)


def webhook_targets(sources_path: Path) -> list[Any]:
    from handlers.discord.targets import load_webhook_targets

    return load_webhook_targets(sources_path, os.environ)


def _webhook_adapter(service: NewsService, targets: list[Any]) -> Adapter:
    from handlers.discord.targets import sync_webhook_targets
    from handlers.discord.webhook import WebhookNotifier

    report = sync_webhook_targets(service, targets)
    log.info(
        "discord webhooks: %d targets (%d subscriptions added, %d removed)",
        len(targets),
        report.added,
        report.removed,
    )
    notifier = WebhookNotifier({t.name: t.url for t in targets})

    class Webhooks:
        def __init__(self) -> None:
            self.notifier = notifier

        async def stop(self) -> None:
            await notifier.aclose()

    return Webhooks()
