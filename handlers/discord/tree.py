"""The slash commands as Discord sees them: names, options, choices, permissions.

Only declarations live here; each command hands its parsed options to `DiscordCommands`.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.texts import N_
from handlers.discord.commands import DiscordCommands
from handlers.discord.feed_files import DiscordFeedFiles
from handlers.discord.language_command import LANGUAGE_CHOICES, DiscordLanguageCommand

DELIVER_TO = [
    app_commands.Choice(name=N_("this channel"), value="channel"),
    app_commands.Choice(name=N_("my direct messages"), value="dm"),
]
DELIVER_TO_HELP = N_("where the alerts go: this channel (default in a server) or your direct messages")


def register_commands(tree: app_commands.CommandTree, cmds: DiscordCommands) -> None:
    register_feed_files(tree, DiscordFeedFiles(cmds))
    register_language_command(tree, DiscordLanguageCommand(cmds))

    @tree.command(name="subscribe", description=N_("Get an alert whenever a story matches your keywords"))
    @app_commands.describe(
        query=N_('keywords, e.g. SOCAR, "Caspian Sea", Gazprom OR Rosneft'), deliver_to=DELIVER_TO_HELP
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    async def subscribe(interaction: discord.Interaction, query: str, deliver_to: str | None = None) -> None:
        await cmds.subscribe_command(interaction, query, deliver_to)

    @tree.command(name="unsubscribe", description=N_("Stop alerts for one of your subscriptions"))
    @app_commands.describe(query=N_("the subscription to remove, or all"), deliver_to=DELIVER_TO_HELP)
    @app_commands.choices(deliver_to=DELIVER_TO)
    @app_commands.autocomplete(query=cmds.subscription_autocomplete)
    async def unsubscribe(
        interaction: discord.Interaction, query: str, deliver_to: str | None = None
    ) -> None:
        await cmds.unsubscribe_command(interaction, query, deliver_to)

    @tree.command(
        name="list",
        description=N_("Show the subscriptions of this channel and your direct messages"),
    )
    async def list_(interaction: discord.Interaction) -> None:
        await cmds.list_command(interaction)

    @tree.command(name="latest", description=N_("The newest stories matching a query or your subscriptions"))
    @app_commands.describe(
        query=N_("keywords (default: your subscriptions)"), deliver_to=N_("whose subscriptions to use")
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    async def latest(
        interaction: discord.Interaction, query: str | None = None, deliver_to: str | None = None
    ) -> None:
        await cmds.latest_command(interaction, query, deliver_to)

    @tree.command(name="pause", description=N_("Pause alerts (subscriptions are kept)"))
    @app_commands.describe(deliver_to=DELIVER_TO_HELP)
    @app_commands.choices(deliver_to=DELIVER_TO)
    async def pause(interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        await cmds.pause_command(interaction, deliver_to)

    @tree.command(name="resume", description=N_("Turn paused alerts back on"))
    @app_commands.describe(deliver_to=DELIVER_TO_HELP)
    @app_commands.choices(deliver_to=DELIVER_TO)
    async def resume(interaction: discord.Interaction, deliver_to: str | None = None) -> None:
        await cmds.resume_command(interaction, deliver_to)

    register_rhythm_commands(tree, cmds)

    @tree.command(name="sources", description=N_("The feeds the bot polls, and their health"))
    async def sources(interaction: discord.Interaction) -> None:
        await cmds.sources_command(interaction)

    @tree.command(name="help", description=N_("What this bot does and how to use it"))
    async def help_(interaction: discord.Interaction) -> None:
        await cmds.help_command(interaction)

    # default_permissions hides these from members without Manage Server; the service checks again,
    # since a server can override what Discord shows
    @tree.command(name="addsource", description=N_("Add an RSS/Atom feed to poll (Manage Server)"))
    @app_commands.describe(
        url=N_("the feed's http(s) address"),
        name=N_("a short name (default: the feed's title)"),
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def addsource(interaction: discord.Interaction, url: str, name: str | None = None) -> None:
        await cmds.addsource_command(interaction, url, name)

    @tree.command(name="removesource", description=N_("Stop polling a feed added in chat (Manage Server)"))
    @app_commands.describe(source=N_("the source's name or URL"))
    @app_commands.autocomplete(source=cmds.source_autocomplete)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def removesource(interaction: discord.Interaction, source: str) -> None:
        await cmds.removesource_command(interaction, source)

    @tree.command(
        name="stats",
        description=N_("Chats, subscriptions, sources and alerts sent (Manage Server)"),
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def stats(interaction: discord.Interaction) -> None:
        await cmds.stats_command(interaction)


def register_language_command(tree: app_commands.CommandTree, command: DiscordLanguageCommand) -> None:
    @tree.command(name="language", description=N_("The language I write in here (Azerbaijani too)"))
    @app_commands.describe(
        code=N_("a language, or Discord's (default: show the current one)"), deliver_to=DELIVER_TO_HELP
    )
    @app_commands.choices(code=LANGUAGE_CHOICES, deliver_to=DELIVER_TO)
    async def language(
        interaction: discord.Interaction, code: str | None = None, deliver_to: str | None = None
    ) -> None:
        await command.language_command(interaction, code, deliver_to)


def register_feed_files(tree: app_commands.CommandTree, files: DiscordFeedFiles) -> None:
    @tree.command(name="import", description=N_("Add the feeds of an OPML file or URL list (Manage Server)"))
    @app_commands.describe(file=N_("an OPML file, or a text file with one feed address a line"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def import_(interaction: discord.Interaction, file: discord.Attachment) -> None:
        await files.import_command(interaction, file)

    @tree.command(name="export", description=N_("The polled feeds as an OPML file for any feed reader"))
    async def export(interaction: discord.Interaction) -> None:
        await files.export_command(interaction)

    @tree.command(name="images", description=N_("Show story pictures in alerts, or not"))
    @app_commands.describe(setting=N_("on or off"), deliver_to=DELIVER_TO_HELP)
    @app_commands.choices(
        setting=[
            app_commands.Choice(name=N_("on"), value="on"),
            app_commands.Choice(name=N_("off"), value="off"),
        ],
        deliver_to=DELIVER_TO,
    )
    async def images(interaction: discord.Interaction, setting: str, deliver_to: str | None = None) -> None:
        await files.images_command(interaction, setting, deliver_to)


def register_rhythm_commands(tree: app_commands.CommandTree, cmds: DiscordCommands) -> None:
    @tree.command(name="digest", description=N_("Get alerts as hourly, daily or weekly digests, or instant"))
    @app_commands.describe(
        rhythm=N_("instant, hourly, daily HH:MM or weekly DAY HH:MM (e.g. daily 08:00, weekly mon 08:00)"),
        query=N_("one subscription (default: every subscription without a rhythm of its own)"),
        deliver_to=DELIVER_TO_HELP,
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    @app_commands.autocomplete(query=cmds.subscription_autocomplete)
    async def digest(
        interaction: discord.Interaction, rhythm: str, query: str | None = None, deliver_to: str | None = None
    ) -> None:
        await cmds.digest_command(interaction, rhythm, query, deliver_to)

    @tree.command(name="timezone", description=N_("The time zone for digests, quiet hours and alert times"))
    @app_commands.describe(
        zone=N_("an IANA name, e.g. Asia/Baku (empty: show the current one)"), deliver_to=DELIVER_TO_HELP
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    @app_commands.autocomplete(zone=cmds.zone_autocomplete)
    async def timezone(
        interaction: discord.Interaction, zone: str | None = None, deliver_to: str | None = None
    ) -> None:
        await cmds.timezone_command(interaction, zone, deliver_to)

    @tree.command(
        name="quiet",
        description=N_("Hold instant alerts in quiet hours, sent as one digest after"),
    )
    @app_commands.describe(
        hours=N_("HH:MM-HH:MM (may cross midnight, e.g. 23:00-07:00) or off"), deliver_to=DELIVER_TO_HELP
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    async def quiet(interaction: discord.Interaction, hours: str, deliver_to: str | None = None) -> None:
        await cmds.quiet_command(interaction, hours, deliver_to)

    @tree.command(name="snooze", description=N_("Drop a subscription's matches for a while (ends by itself)"))
    @app_commands.describe(
        query=N_("a subscription, or all"),
        duration=N_("30m, 2h, 7d (at most 90 days) or off"),
        deliver_to=DELIVER_TO_HELP,
    )
    @app_commands.choices(deliver_to=DELIVER_TO)
    @app_commands.autocomplete(query=cmds.subscription_autocomplete)
    async def snooze(
        interaction: discord.Interaction, query: str, duration: str, deliver_to: str | None = None
    ) -> None:
        await cmds.snooze_command(interaction, query, duration, deliver_to)
