"""/digest, /timezone, /quiet and /snooze as slash commands, with the same meaning as in Telegram:
each passes its options to `RhythmService` as the Telegram command's argument would be typed."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.alerts.preferences import RhythmOverview
from bot.alerts.zones import ZONE_EXAMPLES
from bot.models import ChatRef
from bot.service import NewsService
from bot.text.tokens import fold
from handlers import rhythm_text
from handlers.discord.context import CommandContext, reply, shows_domain_errors
from handlers.discord.notifier import DIRECT
from handlers.discord.render import escape
from handlers.i18n import t

CHOICES_MAX = 25
RHYTHM_OPTIONS = ("hourly", "daily 08:00", "weekly mon 08:00", "instant")
MARKUP = rhythm_text.Markup(
    escape=lambda text: escape(text, 300),
    query=lambda text: f"**{escape(text, 300)}**",
    command=lambda text: "`" + text[:300].replace("`", "'") + "`",  # a backtick would end the span
    strong=lambda text: f"**{text}**",
)


def subscription_line(overview: RhythmOverview, query: str) -> str:
    """`query — daily at 08:00 · snoozed until …` for /list."""
    view = next((v for v in overview.subscriptions if query in (v.query, v.label)), None)
    if view is None:
        return query
    return f"{query} — {rhythm_text.rhythm_entry(view, overview.zone, MARKUP)}"


class RhythmCommands(CommandContext):
    service: NewsService

    def require_channel_rights(self, interaction: discord.Interaction, chat: ChatRef) -> None:
        """Overridden by `DiscordCommands`: who may change a server channel's alerts."""

    def _answer(self, chat: ChatRef) -> bool:
        return chat.platform == DIRECT  # DMs' settings are the asker's business only

    @shows_domain_errors
    async def digest_command(
        self,
        interaction: discord.Interaction,
        rhythm: str,
        query: str | None = None,
        deliver_to: str | None = None,
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        done = self.service.rhythm.set_digest(chat, f"{query} {rhythm}" if query else rhythm)
        text = rhythm_text.digest_set(done, MARKUP, self.where(chat))
        await reply(interaction, text, ephemeral=self._answer(chat))

    @shows_domain_errors
    async def timezone_command(
        self, interaction: discord.Interaction, zone: str | None = None, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        if zone:
            self.require_channel_rights(interaction, chat)
        name = self.service.rhythm.set_zone(chat, zone) if zone else self.service.rhythm.settings(chat).zone
        text = rhythm_text.zone_set(name, self.service.clock.now(), MARKUP, self.where(chat))
        if not zone:
            text += " " + t(
                "Change it with {examples}.", examples=rhythm_text.examples(ZONE_EXAMPLES, MARKUP)
            )
        await reply(interaction, text, ephemeral=self._answer(chat) or not zone)

    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        from zoneinfo import available_timezones

        needle = fold(current.strip())
        pool = rhythm_text.COMMON_ZONES if not needle else sorted(available_timezones())
        found = [z for z in pool if needle in fold(z)]
        return [app_commands.Choice(name=z, value=z) for z in found][:CHOICES_MAX]

    @shows_domain_errors
    async def quiet_command(
        self, interaction: discord.Interaction, hours: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        quiet = self.service.rhythm.set_quiet(chat, hours)
        zone = self.service.rhythm.settings(chat).zone
        text = rhythm_text.quiet_set(quiet, zone, MARKUP, self.where(chat))
        await reply(interaction, text, ephemeral=self._answer(chat))

    @shows_domain_errors
    async def snooze_command(
        self, interaction: discord.Interaction, query: str, duration: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        done = self.service.rhythm.snooze(chat, f"{query} {duration}")
        zone = self.service.rhythm.settings(chat).zone
        await reply(interaction, rhythm_text.snooze_set(done, zone, MARKUP), ephemeral=self._answer(chat))


def help_rhythm() -> str:
    return "\n".join(
        [
            t(  # the `rhythm` option's values: DIGEST_EXAMPLES are the Telegram command's form
                "`/digest rhythm [query]` — digests instead of alerts: {examples}",
                examples=" · ".join(
                    f"`{r}`" for r in ("hourly", "daily 08:00", "weekly mon 08:00", "instant")
                ),
            ),
            t("`/timezone [zone]` · `/quiet 23:00-07:00` · `/snooze query|all 2h` (`off` ends it)"),
        ]
    )
