"""Who may change what in a shared chat: the policy, and a short-lived cache of admin answers.

In a group, changing the group's alerts (subscribe, unsubscribe, pause, rhythms, images,
imports, bindings) is for the group's administrators; reading (/list, /latest, /help, /sources,
/export, and /timezone, /digest, /quiet, /snooze sent alone, which show the current setting) is for
everyone. `NEWSBOT_OPEN_GROUPS=1` keeps every member allowed. In a private chat
the user decides alone; in a channel only its administrators can post at all.

Asking the platform costs a request (Telegram's getChatMember), so answers are cached for a
few minutes; a failed lookup is never cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.ports import Clock
from bot.texts import N_

# Commands any member of a group may use; everything else changes the group's alerts.
READ_COMMANDS = frozenset({"start", "help", "list", "latest", "sources", "export"})
# Commands that, sent alone, only show the chat's current setting (`/timezone`); with an argument
# they change it. Their buttons change it too, and are gated as taps.
SHOW_ALONE = frozenset({"timezone", "digest", "quiet", "snooze"})
ADMIN_TTL = timedelta(minutes=5)
MAX_CACHED = 20_000
REFUSAL = N_("Only this group's admins can change its alerts. Anyone here can use /list and /latest.")


class ChatKind(Enum):
    PRIVATE = "private"
    GROUP = "group"  # groups and supergroups (and Discord server channels)
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class PermissionPolicy:
    open_groups: bool = False  # NEWSBOT_OPEN_GROUPS=1: any member may change a group's alerts

    def needs_admin(self, kind: ChatKind, command: str, argument: str = "") -> bool:
        """True when `command` (with `argument`, as typed) in a chat of `kind` is for the chat's
        administrators only."""
        if kind is not ChatKind.GROUP or self.open_groups:
            return False
        name = command.lower()
        if name in SHOW_ALONE and not argument.strip():
            return False
        return name not in READ_COMMANDS


Lookup = Callable[[str, str], Awaitable[bool]]


class AdminCache:
    """`is_admin(chat, user)` asks `lookup` at most once per ADMIN_TTL per pair; bounded in size."""

    def __init__(
        self, lookup: Lookup, clock: Clock, ttl: timedelta = ADMIN_TTL, max_entries: int = MAX_CACHED
    ) -> None:
        self._lookup = lookup
        self._clock = clock
        self._ttl = ttl
        self._max = max_entries
        self._answers: OrderedDict[tuple[str, str], tuple[datetime, bool]] = OrderedDict()

    def cached(self, chat_id: str, user_id: str) -> bool | None:
        """The cached answer while it is fresh, else None."""
        key = (chat_id, user_id)
        entry = self._answers.get(key)
        if entry is None:
            return None
        if self._clock.now() - entry[0] >= self._ttl:
            del self._answers[key]
            return None
        return entry[1]

    def remember(self, chat_id: str, user_id: str, is_admin: bool) -> None:
        key = (chat_id, user_id)
        self._answers.pop(key, None)
        self._answers[key] = (self._clock.now(), is_admin)
        while len(self._answers) > self._max:
            self._answers.popitem(last=False)  # the oldest answer goes first

    def forget(self, chat_id: str) -> None:
        """Drop a chat's answers (its admins changed, or we left it)."""
        for key in [k for k in self._answers if k[0] == chat_id]:
            del self._answers[key]

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Raises whatever `lookup` raises (the caller refuses with a clear message); not cached then."""
        known = self.cached(chat_id, user_id)
        if known is not None:
            return known
        answer = bool(await self._lookup(chat_id, user_id))
        self.remember(chat_id, user_id, answer)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
