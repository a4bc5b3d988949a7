"""Group permissions: the policy and the admin cache (TTL, bound, failures not cached)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.permissions import AdminCache, ChatKind, PermissionPolicy
from tests.support.clock import FakeClock


@pytest.mark.parametrize(
    "command", ["subscribe", "unsubscribe", "pause", "resume", "digest", "images", "import"]
)
def test_changes_in_groups_are_for_admins(command: str) -> None:
    assert PermissionPolicy().needs_admin(ChatKind.GROUP, command, "SOCAR daily 08:00")
    assert not PermissionPolicy(open_groups=True).needs_admin(ChatKind.GROUP, command)
    assert not PermissionPolicy().needs_admin(ChatKind.PRIVATE, command)
    assert not PermissionPolicy().needs_admin(ChatKind.CHANNEL, command)


@pytest.mark.parametrize("command", ["list", "latest", "help", "start", "sources", "LIST"])
def test_reading_is_for_everyone(command: str) -> None:
    assert not PermissionPolicy().needs_admin(ChatKind.GROUP, command)


@pytest.mark.parametrize("command", ["timezone", "digest", "quiet", "snooze"])
def test_a_setting_shown_alone_is_for_everyone_and_changing_it_for_admins(command: str) -> None:
    assert not PermissionPolicy().needs_admin(ChatKind.GROUP, command)
    assert not PermissionPolicy().needs_admin(ChatKind.GROUP, command, "  ")
    assert PermissionPolicy().needs_admin(ChatKind.GROUP, command, "Asia/Baku")


class Lookup:
    def __init__(self, admins: set[tuple[str, str]]) -> None:
        self.admins = admins
        self.calls: list[tuple[str, str]] = []
        self.fail = False

    async def __call__(self, chat: str, user: str) -> bool:
        self.calls.append((chat, user))
        if self.fail:
            raise ConnectionError("down")
        return (chat, user) in self.admins


async def test_answers_are_cached_for_the_ttl_then_asked_again() -> None:
    clock, lookup = FakeClock(), Lookup({("-100", "1")})
    cache = AdminCache(lookup, clock, ttl=timedelta(minutes=5))
    assert await cache.is_admin("-100", "1")
    assert not await cache.is_admin("-100", "2")
    clock.advance(299)
    assert await cache.is_admin("-100", "1") and not await cache.is_admin("-100", "2")
    assert len(lookup.calls) == 2
    lookup.admins.add(("-100", "2"))  # promoted meanwhile
    clock.advance(1)
    assert await cache.is_admin("-100", "2")
    assert len(lookup.calls) == 3


async def test_failed_lookups_raise_and_are_not_cached() -> None:
    lookup = Lookup({("-100", "1")})
    cache = AdminCache(lookup, FakeClock())
    lookup.fail = True
    with pytest.raises(ConnectionError):
        await cache.is_admin("-100", "1")
    lookup.fail = False
    assert await cache.is_admin("-100", "1")


async def test_size_is_bounded_and_a_chat_can_be_forgotten() -> None:
    lookup = Lookup(set())
    cache = AdminCache(lookup, FakeClock(), max_entries=3)
    for user in "abcd":
        await cache.is_admin("-1", user)
    assert len(cache) == 3 and cache.cached("-1", "a") is None
    cache.remember("-2", "x", True)
    cache.forget("-1")
    assert len(cache) == 1 and cache.cached("-2", "x") is True
