from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.delivery.dispatcher import DeliverySettings, Dispatcher
from bot.models import Alert, ChatRef
from bot.ports import DeliveryResult, DeliveryStatus, Repos
from bot.service import NewsService
from tests.core.conftest import RecordingNotifier
from tests.support.clock import FakeClock


def _alert(chat: str, n: int, clock: FakeClock) -> Alert:
    return Alert(
        chat=ChatRef("telegram", chat),
        article_key=f"https://example.org/{n}",
        title=f"Story {n}",
        url=f"https://example.org/{n}",
        source="Wire",
        published=clock.now(),
        matched=("socar",),
        bullets=("One.",),
        created=clock.now(),
    )


def _dispatcher(repos: Repos, notifier: RecordingNotifier, clock: FakeClock, **kw: object) -> Dispatcher:
    return Dispatcher(repos.outbox, repos.chats, [notifier], clock, DeliverySettings(**kw))  # type: ignore[arg-type]


async def test_sends_everything_in_per_chat_order_and_empties_outbox(repos, notifier, clock) -> None:
    repos.outbox.enqueue([_alert(c, n, clock) for n in range(3) for c in ("1", "2")])
    report = await _dispatcher(repos, notifier, clock).drain()
    assert report.sent == 6
    assert [a.title for a in notifier.sent if a.chat.id == "1"] == ["Story 0", "Story 1", "Story 2"]
    assert repos.outbox.pending() == []


async def test_retry_after_is_honoured_and_blocks_only_that_chat(repos, notifier, clock) -> None:
    repos.outbox.enqueue([_alert("1", 0, clock), _alert("1", 1, clock), _alert("2", 0, clock)])
    notifier.fail("1", DeliveryResult(DeliveryStatus.RETRY, retry_after=30))
    dispatcher = _dispatcher(repos, notifier, clock)
    await dispatcher.drain()
    assert [a.chat.id for a in notifier.sent] == ["2"]  # chat 1 waits, chat 2 is not held up
    clock.advance(29)
    await dispatcher.drain()
    assert len(notifier.sent) == 1  # never sooner than retry_after
    assert 0 < dispatcher.next_due_in() <= 1.2
    clock.advance(2)
    await dispatcher.drain()
    assert [a.title for a in notifier.sent if a.chat.id == "1"] == ["Story 0", "Story 1"]


async def test_transient_failures_back_off_and_the_alert_is_not_lost(repos, notifier, clock) -> None:
    repos.outbox.enqueue([_alert("1", 0, clock)])
    notifier.fail("1", *[DeliveryResult(DeliveryStatus.RETRY, detail="502")] * 3)
    dispatcher = _dispatcher(repos, notifier, clock)
    waits = []
    for _ in range(4):
        await dispatcher.drain()
        due = dispatcher.next_due_in()
        if due is None:
            break
        waits.append(due)
        clock.advance(due + 0.01)
    assert len(notifier.sent) == 1 and repos.outbox.pending() == []
    assert waits[0] <= 2.0 and max(waits) <= 8.0  # exponential with jitter, capped by attempts here


async def test_blocked_chat_goes_inactive_and_start_reactivates(
    repos, notifier, clock, service: NewsService
) -> None:
    repos.outbox.enqueue([_alert("7", 0, clock), _alert("7", 1, clock)])
    notifier.fail(
        "7", DeliveryResult(DeliveryStatus.BLOCKED, detail="Forbidden: bot was blocked by the user")
    )
    dispatcher = _dispatcher(repos, notifier, clock)
    report = await dispatcher.drain()
    assert report.blocked_chats == 1 and notifier.sent == [] and repos.outbox.pending() == []
    assert repos.chats.get(ChatRef("telegram", "7")).active is False
    assert service.reactivate(ChatRef("telegram", "7")) is True
    assert repos.chats.get(ChatRef("telegram", "7")).active is True


async def test_markup_rejection_falls_back_to_plain_text_once(repos, notifier, clock) -> None:
    repos.outbox.enqueue([_alert("1", 0, clock)])
    notifier.fail("1", DeliveryResult(DeliveryStatus.MARKUP_REJECTED, detail="can't parse entities"))
    await _dispatcher(repos, notifier, clock).drain()
    assert [a.plain for a in notifier.sent] == [True]


async def test_old_alerts_are_dropped_not_sent_late(repos, notifier, clock) -> None:
    repos.outbox.enqueue([_alert("1", 0, clock)])
    clock.advance(3 * 3600)
    report = await _dispatcher(repos, notifier, clock, max_age=timedelta(hours=2)).drain()
    assert report.dropped == 1 and notifier.sent == [] and repos.outbox.pending() == []


async def test_migrated_group_takes_its_alerts_and_subscriptions(repos, notifier, clock, service) -> None:
    old, new = ChatRef("telegram", "-100"), ChatRef("telegram", "-100200")
    service.subscribe(old, "SOCAR")
    repos.outbox.enqueue([replace(_alert("-100", 0, clock))])
    notifier.fail("-100", DeliveryResult(DeliveryStatus.MIGRATED, new_chat=new))
    dispatcher = Dispatcher(repos.outbox, repos.chats, [notifier], clock, on_migrate=service.migrate_chat)
    await dispatcher.drain()
    await dispatcher.drain()
    assert [a.chat for a in notifier.sent] == [new]
    assert service.subscriptions(new) == ["SOCAR"] and service.subscriptions(old) == []


async def test_pausing_drops_alerts_already_queued(repos, notifier, clock, service) -> None:
    repos.outbox.enqueue([_alert("1", 0, clock), _alert("1", 1, clock)])
    notifier.fail("1", DeliveryResult(DeliveryStatus.RETRY, retry_after=5))
    dispatcher = _dispatcher(repos, notifier, clock)
    await dispatcher.drain()
    service.pause(ChatRef("telegram", "1"))
    clock.advance(10)
    await dispatcher.drain()
    assert notifier.sent == [] and repos.outbox.pending() == []


async def test_alerts_for_a_platform_not_running_expire_too(repos, notifier, clock) -> None:
    stray = replace(_alert("1", 0, clock), chat=ChatRef("discord", "9"))
    repos.outbox.enqueue([stray])
    dispatcher = _dispatcher(repos, notifier, clock, max_age=timedelta(hours=1))
    await dispatcher.drain()
    assert len(repos.outbox.pending()) == 1  # waits: Discord may come back within the hour
    clock.advance(2 * 3600)
    await dispatcher.drain()
    assert repos.outbox.pending() == []
