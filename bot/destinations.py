"""Where a chat's commands and alerts go: bindings, joining and leaving chats, images on or off.

- A private chat bound to a channel (`/bind @channel`) manages that channel's alerts until
  `/unbind`: `target()` answers the channel for it.
- When the bot is removed from a chat, the chat stops receiving; 30 days later its
  subscriptions (those of its forum topics too) are forgotten, with a log line.
- `/images off` keeps a chat's alerts to text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.matching.audience import SubscriptionBook
from bot.models import ChatRef, ChatState
from bot.ports import Clock, Repos

log = logging.getLogger(__name__)

FORGET_AFTER = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Forgotten:
    chat: ChatRef
    subscriptions: int


class Destinations:
    def __init__(self, repos: Repos, book: SubscriptionBook, clock: Clock) -> None:
        self.repos = repos
        self.book = book
        self.clock = clock

    # bindings ------------------------------------------------------------------------------

    def target(self, chat: ChatRef) -> ChatRef:
        """The chat whose alerts `chat`'s commands manage: the bound channel, else itself."""
        bound = self.repos.chats.get(chat).bound
        return ChatRef.from_key(bound) if bound else chat

    def bound_to(self, chat: ChatRef) -> ChatRef | None:
        bound = self.repos.chats.get(chat).bound
        return ChatRef.from_key(bound) if bound else None

    def bind(self, chat: ChatRef, channel: ChatRef) -> None:
        """The caller checked that the user administers `channel` and that we may post there."""
        state = self.repos.chats.get(chat)
        self.repos.chats.save(replace(state, bound=channel.key))
        channel_state = self.repos.chats.get(channel)
        if not channel_state.active or channel_state.removed_at is not None:
            self.repos.chats.save(replace(channel_state, active=True, removed_at=None))

    def unbind(self, chat: ChatRef) -> ChatRef | None:
        """The channel the chat was bound to, None when it was not bound."""
        state = self.repos.chats.get(chat)
        if not state.bound:
            return None
        self.repos.chats.save(replace(state, bound=None))
        return ChatRef.from_key(state.bound)

    # images --------------------------------------------------------------------------------

    def set_images(self, chat: ChatRef, on: bool) -> bool:
        """True when the setting changed."""
        state = self.repos.chats.get(chat)
        if state.images == on:
            return False
        self.repos.chats.save(replace(state, images=on))
        return True

    def set_threads(self, chat: ChatRef, on: bool) -> bool:
        """/threads: later reports of an alerted event edit its alert (on) or alert anew (off).
        True when the setting changed."""
        state = self.repos.chats.get(chat)
        if state.threads == on:
            return False
        self.repos.chats.save(replace(state, threads=on))
        return True

    # membership ----------------------------------------------------------------------------

    def joined(self, chat: ChatRef) -> bool:
        """We were added to `chat` (or unblocked): True when it had removed us before."""
        state = self.repos.chats.get(chat)
        was_removed = state.removed_at is not None or not state.active
        if was_removed:
            self.repos.chats.save(replace(state, active=True, removed_at=None))
        return was_removed

    def left(self, chat: ChatRef) -> None:
        """We were removed from `chat` (or blocked): stop sending; forget it in FORGET_AFTER."""
        state = self.repos.chats.get(chat)
        if state.removed_at is None or state.active:
            self.repos.chats.save(replace(state, active=False, removed_at=self.clock.now()))
        self.repos.outbox.discard_chat(chat)

    def forget_departed(self, now: datetime | None = None) -> list[Forgotten]:
        """Forget the subscriptions of every chat that removed us FORGET_AFTER ago or longer."""
        now = now or self.clock.now()
        due = [
            s
            for s in self.repos.chats.all()
            if s.removed_at is not None and now - s.removed_at >= FORGET_AFTER
        ]
        if not due:
            return []
        gone = {(s.chat.platform, s.chat.id) for s in due}
        by_chat: dict[ChatRef, list[str]] = {}
        for sub in self.repos.subscriptions.all():
            if (sub.chat.platform, sub.chat.id) in gone:  # the chat itself and its forum topics
                by_chat.setdefault(sub.chat, []).append(sub.query)
        forgotten: list[Forgotten] = []
        for state in due:
            count = 0
            for chat, queries in by_chat.items():
                if (chat.platform, chat.id) != (state.chat.platform, state.chat.id):
                    continue
                for query in queries:
                    if self.repos.subscriptions.remove(chat, query):
                        self.book.remove(chat, query)
                        count += 1
                self.repos.outbox.discard_chat(chat)
            self.repos.chats.save(_forgotten(state))
            log.info(
                "forgot chat %s: %d subscriptions (the bot was removed from it on %s)",
                state.chat.key,
                count,
                state.removed_at.date().isoformat() if state.removed_at else "?",
            )
            forgotten.append(Forgotten(state.chat, count))
        return forgotten


def _forgotten(state: ChatState) -> ChatState:
    return replace(state, removed_at=None, active=False, bound=None)
