"""The discord.py client as newsbot uses it."""

from __future__ import annotations

import discord

# Over this, discord.py raises RateLimited instead of sleeping inside one send: the outbox
# reschedules the alert and other chats go on being served.
MAX_RATELIMIT_WAIT = 30.0


def make_client() -> discord.Client:
    # No privileged intent: "guilds" keeps discord.py's channel cache sane; slash commands need none.
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = (
        True  # plain words in a DM get a "Subscribe to …" button (DM text needs no privilege)
    )
    return discord.Client(
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
    )
