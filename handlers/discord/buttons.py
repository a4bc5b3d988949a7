"""Buttons in Discord replies, and the answers to their presses: /latest's "More", /unsubscribe
all's confirmation, and "Subscribe to …" for plain words in a direct message.

A button's state is its custom_id ("nb:…", at most 100 characters), so a button still works
after a restart; one listener (`on_interaction`) answers every press of ours, an outdated one too.
"""

from __future__ import annotations

import logging

import discord

from bot.models import ChatRef
from bot.service import NewsService
from handlers.common.suggest import suggest
from handlers.common.tokens import QueryTokens
from handlers.discord.context import NONE, CommandContext, reply, shows_domain_errors
from handlers.discord.languages import language_check
from handlers.discord.notifier import DIRECT
from handlers.discord.render import escape, latest_embeds, preview_text
from handlers.i18n import set_language, t, tn

log = logging.getLogger(__name__)

PREFIX = "nb:"
MORE = PREFIX + "more:"  # nb:more:<offset>:<c|d>:<query token>
ALL_YES, ALL_NO = PREFIX + "all:yes:", PREFIX + "all:no"  # yes: + c|d
SUBSCRIBE = PREFIX + "sub:"  # nb:sub:<query>, in a direct message
CUSTOM_ID_MAX = 100
PAGE = 5
LATEST_DAYS = 3  # bot.service.LATEST_WINDOW
_WHERE = {"c": "channel", "d": "dm"}


def buttons(*items: tuple[str, str, discord.ButtonStyle]) -> discord.ui.View:
    """A row of buttons. The view is stopped before it is sent, so discord.py keeps nothing: a
    press reaches `on_interaction` with all it needs in the custom_id."""
    view = discord.ui.View(timeout=None)
    for label, custom_id, style in items:
        view.add_item(discord.ui.Button(label=label[:80], custom_id=custom_id, style=style))
    view.stop()
    return view


def _code(chat: ChatRef) -> str:
    return "d" if chat.platform == DIRECT else "c"


class ButtonCommands(CommandContext):
    service: NewsService
    tokens: QueryTokens

    def require_channel_rights(self, interaction: discord.Interaction, chat: ChatRef) -> None:
        raise NotImplementedError  # pragma: no cover - DiscordCommands has it

    # /latest -----------------------------------------------------------------------------------

    async def send_latest(
        self, interaction: discord.Interaction, query: str, deliver_to: str | None, offset: int
    ) -> None:
        chat = self.target(interaction, deliver_to)
        page = self.service.latest_page(chat, query or None, offset, PAGE)
        if query:
            what = t("matching {query}", query=f"**{escape(query, 300)}**")
        else:
            what = t("matching your subscriptions")
        if not page.alerts:
            await reply(
                interaction, self._nothing(chat, query, what, offset, page.subscribed), ephemeral=True
            )
            return
        first, last = page.offset + 1, page.offset + len(page.alerts)
        view = None
        if last < page.total:
            head = f"{MORE}{last}:{_code(chat)}:"
            token = self.tokens.token(query, CUSTOM_ID_MAX - len(head))
            label = t("More ({count})", count=page.total - last)
            view = buttons((label, head + token, discord.ButtonStyle.secondary))
        header = t(
            "Latest stories {what}: {first}–{last} of {total}",
            what=what,
            first=first,
            last=last,
            total=page.total,
        )
        embeds = [discord.Embed.from_dict(e) for e in latest_embeds(page.alerts)]
        await reply(interaction, header, embeds=embeds, view=view, ephemeral=True)

    def _nothing(self, chat: ChatRef, query: str, what: str, offset: int, subscribed: bool) -> str:
        """No story to show: never a promise of an alert the chat will not get."""
        if offset:
            return t("No more stories {what}.", what=what)
        if not subscribed:
            command = f"`/subscribe {query}`" if len(query) <= 300 else "`/subscribe`"
            tail = t("Send {command} to get an alert when one appears.", command=command)
        elif self.service.chat_state(chat).paused:
            tail = t("Alerts are paused: send /resume to get them when one appears.")
        else:
            tail = t("I will alert you when one appears.")
        return t("No stories {what} in the last {days} days.", what=what, days=LATEST_DAYS) + " " + tail

    # /unsubscribe all -------------------------------------------------------------------------

    async def confirm_unsubscribe_all(self, interaction: discord.Interaction, chat: ChatRef) -> None:
        """One press must not lose every subscription by accident: ask first."""
        count = len(self.service.subscriptions(chat))
        if not count:
            await reply(interaction, t("You have no subscriptions to remove."), ephemeral=True)
            return
        view = buttons(
            (tn("Remove it", "Remove all {n}", count), ALL_YES + _code(chat), discord.ButtonStyle.danger),
            (tn("Keep it", "Keep them", count), ALL_NO, discord.ButtonStyle.secondary),
        )
        question = tn(
            "Remove the only subscription of this chat?", "Remove all {n} subscriptions of this chat?", count
        )
        await reply(interaction, question, view=view, ephemeral=True)

    # presses ----------------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every press of one of our buttons is answered, an outdated or unknown one included."""
        if interaction.type is not discord.InteractionType.component:
            return  # slash commands are the command tree's
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not custom_id.startswith(PREFIX):
            return
        await language_check(self.service)(interaction)  # the presser's language, as for a command
        await self._pressed(interaction, custom_id)

    @shows_domain_errors
    async def _pressed(self, interaction: discord.Interaction, custom_id: str) -> None:
        if custom_id.startswith(MORE):
            offset, _, rest = custom_id.removeprefix(MORE).partition(":")
            where, _, token = rest.partition(":")
            query = self.tokens.query_of(token)
            if query is not None and offset.isdigit() and where in _WHERE:
                await self.send_latest(interaction, query, _WHERE[where], int(offset))
                return
        elif custom_id == ALL_NO:
            await interaction.response.edit_message(content=t("Nothing was removed."), view=None)
            return
        elif custom_id.startswith(ALL_YES) and custom_id.removeprefix(ALL_YES) in _WHERE:
            chat = self.target(interaction, _WHERE[custom_id.removeprefix(ALL_YES)])
            self.require_channel_rights(interaction, chat)
            removed = self.service.unsubscribe_all(chat)
            text = tn(
                "Removed {n} subscription. Send /subscribe to add one again.",
                "Removed {n} subscriptions. Send /subscribe to add one again.",
                removed,
            )
            await interaction.response.edit_message(content=text, view=None)
            return
        elif custom_id.startswith(SUBSCRIBE) and interaction.guild_id is None:
            await self._subscribe_pressed(interaction, custom_id.removeprefix(SUBSCRIBE))
            return
        await reply(interaction, t("This button no longer works. Send /help to start again."), ephemeral=True)

    async def _subscribe_pressed(self, interaction: discord.Interaction, text: str) -> None:
        chat = ChatRef(DIRECT, str(interaction.user.id))
        result = self.service.subscribe(chat, text)
        self.service.reactivate(chat)
        shown = f"**{escape(result.query, 300)}**"
        if result.created:
            done = t(
                "Subscribed to **{query}**. Alerts will arrive in {where}.",
                query=escape(result.query, 300),
                where=self.where(chat),
            )
            preview = preview_text(result.preview)
            content = f"{done}\n{preview}" if preview else done
        else:
            content = t("You are already subscribed to {query}.", query=shown)
        await interaction.response.edit_message(content=content, view=None)

    # direct messages ----------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """Plain words in a direct message: a word or two that makes a query gets a "Subscribe
        to …" button; anything else (a sentence, a sticker, a typed "/command") the /help hint."""
        if message.guild is not None or message.author.bot:
            return
        chat = ChatRef(DIRECT, str(message.author.id))
        set_language(self.service.languages.of(chat))
        found = suggest(
            self.service, chat, message.content or "", lambda s: len(SUBSCRIBE + s) <= CUSTOM_ID_MAX
        )
        view = None
        if found.held is not None:
            text = t(
                "You already get alerts for {query}. Send /list to see them.",
                query=f"**{escape(found.held, 300)}**",
            )
        elif found.query is not None and not found.text.startswith("/"):
            label = t("Subscribe to {query}", query=found.query.display)
            view = buttons((label, SUBSCRIBE + found.text, discord.ButtonStyle.primary))
            text = t(
                "Do you want alerts for {query}? Tap the button, or send /help to see what I can do.",
                query=f"**{escape(found.text, 300)}**",
            )
        else:
            text = t("I did not understand that. Send /help to see what I can do.")
        try:
            if view is None:
                await message.channel.send(text, allowed_mentions=NONE)
            else:
                await message.channel.send(text, allowed_mentions=NONE, view=view)
        except discord.HTTPException as exc:  # e.g. DMs closed right after writing
            log.info("discord: could not answer a direct message: %s", exc)
