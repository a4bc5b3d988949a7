"""/digest, /timezone, /quiet and /snooze as slash commands, with the same meaning as in Telegram:
each passes its options to `RhythmService` as the Telegram command's argument would be typed."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands

from bot.alerts.preferences import RhythmOverview
from bot.alerts.quiet import QUIET_EXAMPLES
from bot.alerts.rhythm import DIGEST_EXAMPLES
from bot.alerts.snooze import SNOOZE_EXAMPLES
from bot.alerts.zones import ZONE_EXAMPLES
from bot.models import ChatRef
from bot.service import NewsService
from bot.text.tokens import fold
from handlers.discord.context import CommandContext, reply, shows_domain_errors
from handlers.discord.notifier import DIRECT
from handlers.discord.render import escape
from handlers.i18n import format_moment, t, tr

CHOICES_MAX = 25
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Asia/Baku",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/New_York",
    "America/Los_Angeles",
)


def _when(moment: datetime | None, zone: str) -> str:
    return format_moment(moment, zone) or "—"


def subscription_line(overview: RhythmOverview, query: str) -> str:
    """`query — daily at 08:00 · snoozed until …` for /list."""
    view = next((v for v in overview.subscriptions if query in (v.query, v.label)), None)
    if view is None:
        return query
    rhythm = tr(view.rhythm.describe())
    line = f"{query} — " + (rhythm if view.own_rhythm else t("{rhythm} (default)", rhythm=rhythm))
    if view.snoozed_until is not None:
        line += " · " + t("snoozed until {time}", time=_when(view.snoozed_until, overview.zone))
    return line


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
        what = (
            f"**{escape(done.query, 300)}**"
            if done.query
            else t("Subscriptions without a rhythm of their own")
        )
        if done.rhythm.instant:
            text = t("{what}: alerts as they happen in {where}.", what=what, where=self.where(chat))
        else:
            text = t(
                "{what}: {rhythm} digest ({zone} time), next one {time}.",
                what=what,
                rhythm=tr(done.rhythm.describe()),
                zone=escape(done.zone, 60),
                time=_when(done.next_due, done.zone),
            )
        await reply(interaction, text, ephemeral=self._answer(chat))

    @shows_domain_errors
    async def timezone_command(
        self, interaction: discord.Interaction, zone: str | None = None, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        if zone:
            self.require_channel_rights(interaction, chat)
        name = self.service.rhythm.set_zone(chat, zone) if zone else self.service.rhythm.settings(chat).zone
        now = _when(self.service.clock.now(), name)
        text = t(
            "Time zone of {where}: **{zone}** (now {time}).",
            where=self.where(chat),
            zone=escape(name, 60),
            time=now,
        )
        if not zone:
            text += " " + t("Change it with {examples}.", examples=ZONE_EXAMPLES)
        await reply(interaction, text, ephemeral=self._answer(chat) or not zone)

    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        from zoneinfo import available_timezones

        needle = fold(current.strip())
        pool = COMMON_ZONES if not needle else sorted(available_timezones())
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
        if quiet is None:
            text = t("Quiet hours off for {where}: instant alerts come at any time.", where=self.where(chat))
        else:
            text = t(
                "Quiet hours {start}–{end} ({zone} time) for {where}: instant alerts matched then are held "
                "and sent as one digest at {end}. `/quiet off` ends them. ({examples})",
                start=f"{quiet.start:%H:%M}",
                end=f"{quiet.end:%H:%M}",
                zone=escape(zone, 60),
                where=self.where(chat),
                examples=tr(QUIET_EXAMPLES),
            )
        await reply(interaction, text, ephemeral=self._answer(chat))

    @shows_domain_errors
    async def snooze_command(
        self, interaction: discord.Interaction, query: str, duration: str, deliver_to: str | None = None
    ) -> None:
        chat = self.target(interaction, deliver_to)
        self.require_channel_rights(interaction, chat)
        done = self.service.rhythm.snooze(chat, f"{query} {duration}")
        zone = self.service.rhythm.settings(chat).zone
        what = f"**{escape(done.query, 300)}**" if done.query else t("All subscriptions")
        if done.until is None:
            text = t("{what}: snooze ended, alerts come again.", what=what)
        else:
            text = t(
                "{what} snoozed until {time}: matches are dropped until then, not "
                "saved for later. ({examples})",
                what=what,
                time=_when(done.until, zone),
                examples=tr(SNOOZE_EXAMPLES),
            )
        await reply(interaction, text, ephemeral=self._answer(chat))


def help_rhythm() -> str:
    return "\n".join(
        [
            t(
                "`/digest rhythm [query]` — digests instead of alerts: {examples}",
                examples=tr(DIGEST_EXAMPLES),
            ),
            t("`/timezone [zone]` · `/quiet 23:00-07:00` · `/snooze query|all 2h` (`off` ends it)"),
        ]
    )
