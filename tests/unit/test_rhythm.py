"""The rhythm rules with explicit datetimes: across midnight, across DST changes in Berlin and New
York (and Baku, which has none), parsing with clear errors, quiet windows, snoozes, bursts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.alerts.burst import burst_window, fold_until, recent_sends
from bot.alerts.quiet import QuietHours, parse_quiet
from bot.alerts.rhythm import INSTANT, Cadence, Rhythm, parse_digest, parse_rhythm, resolve_local
from bot.alerts.snooze import parse_duration, parse_snooze
from bot.alerts.zones import parse_zone, zone_of
from bot.errors import RhythmError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
BAKU = ZoneInfo("Asia/Baku")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(hhmm: str) -> Rhythm:
    return parse_rhythm(f"daily {hhmm}")


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query", "key"),
    [
        ("SOCAR daily 08:00", "SOCAR", "daily 08:00"),
        ("SOCAR daily 8:05", "SOCAR", "daily 08:05"),
        ('"Caspian Sea" weekly Mon 07:30', '"Caspian Sea"', "weekly mon 07:30"),
        ("Gazprom OR Rosneft hourly", "Gazprom OR Rosneft", "hourly"),
        ("socar INSTANT", "socar", "instant"),
        ("daily 08:00", None, "daily 08:00"),
        ("weekly friday 18:00", None, "weekly fri 18:00"),
        ("Daily Mail daily 06:00", "Daily Mail", "daily 06:00"),
        ("hourly", None, "hourly"),
    ],
)
def test_digest_forms(text: str, query: str | None, key: str) -> None:
    request = parse_digest(text)
    assert (request.query, request.rhythm.key) == (query, key)
    assert parse_rhythm(request.rhythm.key) == request.rhythm  # the stored form reads back


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("SOCAR", "Say how often"),
        ("SOCAR daily", "daily needs one time"),
        ("SOCAR daily 8am", "'8am' is not a time of day"),
        ("SOCAR daily 24:00", "HH:MM"),
        ("SOCAR weekly 08:00", "weekly needs a day and a time"),
        ("SOCAR weekly someday 08:00", "not a day"),
        ("SOCAR instant 08:00", "instant takes no time"),
        ("", "Say how often"),
    ],
)
def test_digest_errors_say_what_to_type_with_an_example(text: str, says: str) -> None:
    with pytest.raises(RhythmError) as caught:
        parse_digest(text)
    message = str(caught.value)
    assert says in message
    assert "/digest SOCAR daily 08:00" in message or "e.g." in message


def test_rhythm_descriptions() -> None:
    assert parse_rhythm("weekly sun 09:15").describe() == "weekly on Sunday at 09:15"
    assert daily("08:00").describe() == "daily at 08:00"
    assert INSTANT.instant and INSTANT.key == "instant"
    with pytest.raises(ValueError):
        INSTANT.next_due(utc(2026, 1, 1), BERLIN)


# -- daily, across midnight ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "after", "due"),
    [
        (BERLIN, utc(2026, 1, 10, 6, 59), utc(2026, 1, 10, 7, 0)),  # 07:59 local: today 08:00
        (BERLIN, utc(2026, 1, 10, 7, 0), utc(2026, 1, 11, 7, 0)),  # exactly due: the next one
        (BERLIN, utc(2026, 1, 10, 23, 30), utc(2026, 1, 11, 7, 0)),  # 00:30 local, already next day
        (NEW_YORK, utc(2026, 1, 11, 3, 0), utc(2026, 1, 11, 13, 0)),  # 22:00 on the 10th locally
        (BAKU, utc(2026, 1, 10, 19, 30), utc(2026, 1, 11, 4, 0)),  # 23:30 in Baku
        (BAKU, utc(2026, 1, 10, 20, 30), utc(2026, 1, 11, 4, 0)),  # 00:30 in Baku, UTC still the 10th
    ],
)
def test_daily_due_across_midnight(zone: ZoneInfo, after: datetime, due: datetime) -> None:
    assert daily("08:00").next_due(after, zone) == due


def test_late_evening_digest_across_midnight_in_utc_terms() -> None:
    # 23:30 in New York is 04:30 UTC the next day (winter)
    assert daily("23:30").next_due(utc(2026, 1, 10, 12), NEW_YORK) == utc(2026, 1, 11, 4, 30)


# -- DST ---------------------------------------------------------------------------------------


def _dues(rhythm: Rhythm, zone: ZoneInfo, start: datetime, count: int) -> list[datetime]:
    out, moment = [], start
    for _ in range(count):
        moment = rhythm.next_due(moment, zone)
        out.append(moment)
    return out


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (BERLIN, utc(2026, 3, 28, 7), utc(2026, 3, 29, 6)),  # spring forward 29 Mar: CET -> CEST
        (BERLIN, utc(2026, 10, 24, 6), utc(2026, 10, 25, 7)),  # fall back 25 Oct: CEST -> CET
        (NEW_YORK, utc(2026, 3, 7, 13), utc(2026, 3, 8, 12)),  # spring forward 8 Mar: EST -> EDT
        (NEW_YORK, utc(2026, 10, 31, 12), utc(2026, 11, 1, 13)),  # fall back 1 Nov: EDT -> EST
    ],
)
def test_daily_0800_stays_at_0800_local_on_both_sides_of_a_change(
    zone: ZoneInfo, before: datetime, after: datetime
) -> None:
    dues = _dues(daily("08:00"), zone, before - timedelta(hours=1), 2)
    assert dues == [before, after]
    assert all(d.astimezone(zone).time() == time(8, 0) for d in dues)


def test_baku_has_no_dst_and_stays_four_hours_ahead() -> None:
    dues = _dues(daily("08:00"), BAKU, utc(2026, 3, 27), 5)
    assert [d.hour for d in dues] == [4] * 5
    assert [d.day for d in dues] == [27, 28, 29, 30, 31]


@pytest.mark.parametrize(
    ("zone", "day", "due"),
    [
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),  # 02:30 does not exist: 03:00 CEST
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 7, 0)),  # 02:30 does not exist: 03:00 EDT
    ],
)
def test_a_time_that_does_not_exist_is_due_at_the_first_valid_minute_after_it(
    zone: ZoneInfo, day: date, due: datetime
) -> None:
    assert resolve_local(day, time(2, 30), zone) == due
    assert due.astimezone(zone).time() == time(3, 0)
    dues = _dues(daily("02:30"), zone, due - timedelta(days=1, hours=1), 3)
    assert dues[1] == due
    assert [d.astimezone(zone).time() for d in dues] == [time(2, 30), time(3, 0), time(2, 30)]


@pytest.mark.parametrize(
    ("zone", "hhmm", "first"),
    [
        (BERLIN, "02:30", utc(2026, 10, 25, 0, 30)),  # 02:30 CEST, then again at 02:30 CET
        (NEW_YORK, "01:30", utc(2026, 11, 1, 5, 30)),  # 01:30 EDT, then again at 01:30 EST
    ],
)
def test_a_time_that_happens_twice_is_due_once(zone: ZoneInfo, hhmm: str, first: datetime) -> None:
    dues = _dues(daily(hhmm), zone, first - timedelta(days=2), 4)
    local_days = [d.astimezone(zone).date() for d in dues]
    assert len(set(local_days)) == 4  # one due per local day, the changeover day included
    assert first in dues
    assert first + timedelta(hours=1) not in dues  # the repeat is skipped


def test_hourly_follows_the_local_clock_including_half_hour_zones() -> None:
    assert Rhythm(Cadence.HOURLY).next_due(utc(2026, 1, 10, 10, 17), BERLIN) == utc(2026, 1, 10, 11)
    kolkata = ZoneInfo("Asia/Kolkata")  # +05:30: the full local hour is half past in UTC
    assert Rhythm(Cadence.HOURLY).next_due(utc(2026, 1, 10, 10, 17), kolkata) == utc(2026, 1, 10, 10, 30)
    assert Rhythm(Cadence.HOURLY).next_due(utc(2026, 1, 10, 11), BERLIN) == utc(2026, 1, 10, 12)


def test_hourly_across_fall_back_keeps_one_digest_per_real_hour() -> None:
    dues = _dues(Rhythm(Cadence.HOURLY), NEW_YORK, utc(2026, 11, 1, 4, 10), 4)
    assert dues == [utc(2026, 11, 1, 5), utc(2026, 11, 1, 6), utc(2026, 11, 1, 7), utc(2026, 11, 1, 8)]
    assert [d.astimezone(NEW_YORK).strftime("%H:%M %Z") for d in dues] == [
        "01:00 EDT",
        "01:00 EST",
        "02:00 EST",
        "03:00 EST",
    ]


def test_weekly_on_its_day_across_a_dst_change() -> None:
    monday = parse_rhythm("weekly mon 08:00")
    dues = _dues(monday, BERLIN, utc(2026, 3, 21), 3)  # a Saturday before the change
    assert dues == [utc(2026, 3, 23, 7), utc(2026, 3, 30, 6), utc(2026, 4, 6, 6)]
    assert all(d.astimezone(BERLIN).weekday() == 0 for d in dues)
    # a Monday evening in New York is Tuesday in UTC: the next Monday is six days on
    assert monday.next_due(utc(2026, 1, 13, 1), NEW_YORK) == utc(2026, 1, 19, 13)


def test_a_skipped_calendar_day_still_gives_a_due_time() -> None:
    apia = ZoneInfo("Pacific/Apia")  # Samoa skipped 30 Dec 2011 entirely
    due = daily("08:00").next_due(datetime(2011, 12, 29, 9, tzinfo=apia), apia)
    assert due.astimezone(apia).date() == date(2011, 12, 31)


# -- quiet hours -------------------------------------------------------------------------------


def test_quiet_window_crossing_midnight() -> None:
    quiet = parse_quiet("23:00-07:00")
    assert quiet == QuietHours(time(23), time(7)) and quiet.key == "23:00-07:00"
    inside = [utc(2026, 1, 10, 22, 0), utc(2026, 1, 10, 23, 59), utc(2026, 1, 11, 2), utc(2026, 1, 11, 5, 59)]
    outside = [utc(2026, 1, 10, 21, 59), utc(2026, 1, 11, 6, 0), utc(2026, 1, 11, 12)]
    assert all(quiet.contains(m, BERLIN) for m in inside)  # Berlin is UTC+1 in January
    assert not any(quiet.contains(m, BERLIN) for m in outside)
    assert quiet.ends_after(utc(2026, 1, 10, 22, 30), BERLIN) == utc(2026, 1, 11, 6)  # before midnight
    assert quiet.ends_after(utc(2026, 1, 11, 2), BERLIN) == utc(2026, 1, 11, 6)  # after midnight


def test_quiet_window_within_a_day_and_in_baku() -> None:
    quiet = parse_quiet("12:00 – 14:00")
    assert quiet is not None
    assert quiet.contains(utc(2026, 5, 1, 8), BAKU) and not quiet.contains(utc(2026, 5, 1, 10), BAKU)
    assert quiet.ends_after(utc(2026, 5, 1, 8, 30), BAKU) == utc(2026, 5, 1, 10)


def test_quiet_window_ending_in_a_dst_gap_ends_at_the_first_valid_minute() -> None:
    quiet = parse_quiet("01:00-02:30")
    assert quiet is not None
    assert quiet.ends_after(utc(2026, 3, 29, 0, 30), BERLIN) == utc(2026, 3, 29, 1)  # 03:00 CEST


@pytest.mark.parametrize(("text", "says"), [("23:00", "start-end"), ("7-8", "HH:MM"), ("08:00-08:00", "end")])
def test_quiet_errors(text: str, says: str) -> None:
    with pytest.raises(RhythmError, match=says):
        parse_quiet(text)
    assert parse_quiet(" OFF ") is None


# -- snooze ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("1h30m", timedelta(minutes=90)),
        ("90d", timedelta(days=90)),
        ("45min", timedelta(minutes=45)),
    ],
)
def test_durations(text: str, span: timedelta) -> None:
    assert parse_duration(text) == span


@pytest.mark.parametrize(
    ("text", "says"),
    [("91d", "at most 90 days"), ("0m", "at least"), ("soon", "not a duration"), ("", "not a duration")],
)
def test_duration_errors(text: str, says: str) -> None:
    with pytest.raises(RhythmError, match=says):
        parse_duration(text)


def test_snooze_forms() -> None:
    assert parse_snooze("SOCAR 2h") == parse_snooze("SOCAR  2h ")
    assert parse_snooze("SOCAR 2h").query == "SOCAR"
    assert parse_snooze('"Caspian Sea" 7d').query == '"Caspian Sea"'
    assert parse_snooze("all 30m").query is None and parse_snooze("ALL off").duration is None
    assert parse_snooze("SOCAR off").duration is None
    with pytest.raises(RhythmError, match="how long"):
        parse_snooze("SOCAR")


# -- zones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Asia/Baku", "Asia/Baku"),
        ("asia/baku", "Asia/Baku"),
        ("Baku", "Asia/Baku"),
        ("new york", "America/New_York"),
        ("utc", "UTC"),
        ("Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_zone_names(text: str, name: str) -> None:
    assert parse_zone(text) == name
    assert zone_of(name).key == name


@pytest.mark.parametrize("text", ["Mars/Olympus", "../../etc/passwd", "", "Europe/Berlinn x"])
def test_unknown_zones_are_refused_clearly(text: str) -> None:
    with pytest.raises(RhythmError, match="not a time zone I know"):
        parse_zone(text)


def test_a_near_miss_gets_a_suggestion_and_stored_garbage_reads_as_utc() -> None:
    with pytest.raises(RhythmError, match="Europe/Berlin"):
        parse_zone("Europe/Berln")
    assert zone_of("no/such").key == "UTC" and zone_of(None).key == "UTC"


# -- bursts ------------------------------------------------------------------------------------


def test_burst_folds_after_the_limit_until_the_window_ends() -> None:
    opened = utc(2026, 1, 10, 14, 2)
    sends = [opened + timedelta(seconds=20 * n) for n in range(5)]
    now = opened + timedelta(minutes=3)
    assert burst_window(sends, now) == (opened, 5)
    assert fold_until(sends, now, limit=5) == opened + timedelta(minutes=10)
    assert fold_until(sends[:4], now, limit=5) is None  # room for one more
    assert fold_until(sends, opened + timedelta(minutes=10), limit=5) is None  # the window is over
    assert fold_until([], now, limit=5) is None


def test_windows_follow_each_other_and_only_the_open_one_is_kept() -> None:
    start = utc(2026, 1, 10, 14)
    sends = [start, start + timedelta(minutes=9), start + timedelta(minutes=12)]
    # the third send opened a new window at 14:12 (the first lasted 14:00-14:10)
    assert burst_window(sends, start + timedelta(minutes=13)) == (start + timedelta(minutes=12), 1)
    assert recent_sends(sends, start + timedelta(minutes=13)) == [start + timedelta(minutes=12)]
    assert recent_sends(sends, start + timedelta(minutes=30)) == []
    kept = recent_sends(sends, start + timedelta(minutes=13))
    later = start + timedelta(minutes=15)
    assert burst_window(kept, later) == burst_window(sends, later)  # pruning changes no answer


def test_burst_window_length_is_a_parameter() -> None:
    start = utc(2026, 1, 10, 14)
    sends = [start + timedelta(seconds=n) for n in range(3)]
    assert fold_until(sends, start + timedelta(seconds=5), 3, timedelta(seconds=20)) == start + timedelta(
        seconds=20
    )


# -- any moment, any zone ----------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Baku", "Australia/Lord_Howe", "Asia/Kathmandu"]


@settings(max_examples=300, deadline=None)
@given(
    minute=st.integers(0, 366 * 24 * 60),
    zone_name=st.sampled_from(ZONES),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_daily_due_is_the_next_occurrence_of_the_local_time(minute: int, zone_name: str, at: time) -> None:
    zone = ZoneInfo(zone_name)
    after = utc(2026, 1, 1) + timedelta(minutes=minute)
    due = daily(f"{at:%H:%M}").next_due(after, zone)
    assert after < due <= after + timedelta(days=1, hours=1)
    shown = due.astimezone(zone).time()
    if shown != at:  # only in a DST gap, and then at the minute the clock jumped to
        assert resolve_local(due.astimezone(zone).date(), at, zone) == due
        assert (due - timedelta(minutes=1)).astimezone(zone).time() < at


@settings(max_examples=300, deadline=None)
@given(minute=st.integers(0, 366 * 24 * 60), zone_name=st.sampled_from(ZONES))
def test_hourly_due_is_within_the_hour_on_a_full_local_hour(minute: int, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    after = utc(2026, 1, 1) + timedelta(minutes=minute, seconds=7)
    due = Rhythm(Cadence.HOURLY).next_due(after, zone)
    assert after < due <= after + timedelta(hours=1)
    assert due.astimezone(zone).minute == 0 and due.second == 0
