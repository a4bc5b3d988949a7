"""The per-story decision: snoozed -> dropped, instant -> now (or held by quiet hours or a burst),
digest -> the soonest due digest of its subscriptions, never both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.alerts.burst import BURST_WINDOW
from bot.alerts.digest import BURST, QUIET
from bot.alerts.plan import BurstRule, Route, decide, pruned, snoozed
from bot.models import ChatRef, ChatRhythm, DigestSchedule

CHAT = ChatRef("telegram", "7")
NOW = datetime(2026, 1, 10, 14, 2, tzinfo=UTC)  # 18:02 in Baku


def prefs(**kw) -> ChatRhythm:
    return ChatRhythm(CHAT, **kw)


def test_instant_by_default() -> None:
    decision = decide(prefs(), ["socar"], NOW)
    assert decision.route is Route.INSTANT and decision.matched == ("socar",)


def test_a_digest_subscription_holds_until_its_next_due_time_in_the_chat_zone() -> None:
    decision = decide(prefs(zone="Asia/Baku", rhythms={"socar": "daily 08:00"}), ["socar"], NOW)
    assert decision.route is Route.HOLD and decision.bucket == "daily 08:00"
    assert decision.due == datetime(2026, 1, 11, 4, tzinfo=UTC) and decision.since == NOW


def test_the_chat_default_applies_to_subscriptions_without_a_rhythm() -> None:
    chat = prefs(default="hourly", rhythms={"gazprom": "instant"})
    assert decide(chat, ["socar"], NOW).bucket == "hourly"
    assert decide(chat, ["gazprom"], NOW).route is Route.INSTANT


def test_one_instant_subscription_makes_the_story_instant_never_also_a_digest() -> None:
    chat = prefs(rhythms={"socar": "daily 08:00", "gazprom": "instant"})
    decision = decide(chat, ["socar", "gazprom"], NOW)
    assert decision.route is Route.INSTANT and decision.matched == ("socar", "gazprom")


def test_several_digest_rhythms_take_the_soonest_stored_schedule() -> None:
    chat = prefs(rhythms={"socar": "daily 08:00", "gazprom": "weekly mon 09:00"})
    soon = NOW + timedelta(hours=3)
    stored = {"weekly mon 09:00": DigestSchedule(CHAT, "weekly mon 09:00", soon, NOW - timedelta(days=6))}
    decision = decide(chat, ["socar", "gazprom"], NOW, schedules=stored)
    assert (decision.bucket, decision.due, decision.since) == (
        "weekly mon 09:00",
        soon,
        NOW - timedelta(days=6),
    )


def test_snoozed_subscriptions_are_dropped_and_left_out_of_matched() -> None:
    later = NOW + timedelta(hours=2)
    chat = prefs(snoozes={"socar": later})
    assert decide(chat, ["socar"], NOW).route is Route.DROP
    assert decide(chat, ["socar", "gazprom"], NOW).matched == ("gazprom",)
    assert decide(chat, ["socar"], later).route is Route.INSTANT  # the snooze ended by itself
    assert decide(prefs(snoozed_until=later), ["gazprom"], NOW).route is Route.DROP
    assert snoozed(chat, "socar", NOW) == later and snoozed(chat, "gazprom", NOW) is None


def test_quiet_hours_hold_instant_alerts_until_the_window_ends() -> None:
    chat = prefs(zone="Asia/Baku", quiet="18:00-07:00")
    decision = decide(chat, ["socar"], NOW)
    assert (decision.route, decision.bucket) == (Route.HOLD, QUIET)
    assert decision.due == datetime(2026, 1, 11, 3, tzinfo=UTC)  # 07:00 in Baku
    assert decide(prefs(zone="Asia/Baku", quiet="19:00-07:00"), ["socar"], NOW).route is Route.INSTANT
    # digest subscriptions keep their own rhythm through quiet hours
    assert decide(prefs(quiet="00:00-23:59", rhythms={"socar": "hourly"}), ["socar"], NOW).bucket == "hourly"


def test_a_stored_quiet_schedule_is_reused_inside_its_window() -> None:
    since = NOW - timedelta(hours=1)
    stored = {QUIET: DigestSchedule(CHAT, QUIET, NOW + timedelta(hours=5), since)}
    decision = decide(prefs(quiet="13:00-19:00"), ["socar"], NOW, schedules=stored)
    assert decision.since == since and decision.due == NOW + timedelta(hours=5)


def test_a_full_burst_window_folds_until_it_ends() -> None:
    sends = [NOW - timedelta(minutes=2) + timedelta(seconds=10 * n) for n in range(5)]
    decision = decide(prefs(), ["socar"], NOW, sends=sends)
    assert (decision.route, decision.bucket) == (Route.HOLD, BURST)
    assert decision.due == sends[0] + BURST_WINDOW and decision.since == sends[0]
    assert decide(prefs(), ["socar"], NOW, sends=sends, burst=BurstRule(limit=6)).route is Route.INSTANT


def test_pruned_forgets_ended_snoozes_and_removed_subscriptions() -> None:
    chat = prefs(
        rhythms={"socar": "hourly", "gone": "hourly"},
        snoozes={"socar": NOW - timedelta(minutes=1)},
        snoozed_until=NOW - timedelta(seconds=1),
    )
    kept = pruned(chat, NOW, ["socar"])
    assert kept.rhythms == {"socar": "hourly"} and kept.snoozes == {} and kept.snoozed_until is None
