"""Hand-computed examples for the slot engine (booking/slots/engine.py).

Times in comments are Copenhagen wall-clock. November 2026 is winter time (UTC+1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.errors import InvalidStart
from booking.slots import (
    COPENHAGEN,
    CaseworkerSchedule,
    Interval,
    ServiceRules,
    Slot,
    check_start,
    free_caseworkers,
    free_slots,
    local_midnight,
)

MONDAY = date(2026, 11, 30)
LONG_BEFORE = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def rules(
    duration: int = 30,
    buffer: int = 0,
    step: int = 30,
    notice_minutes: int = 0,
    horizon_days: int = 60,
) -> ServiceRules:
    return ServiceRules(
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        step=timedelta(minutes=step),
        min_notice=timedelta(minutes=notice_minutes),
        horizon_days=horizon_days,
    )


def schedule(
    caseworker_id: int = 1,
    hours: tuple[tuple[int, time, time], ...] | None = None,
    absences: tuple[Interval, ...] = (),
    busy: tuple[Interval, ...] = (),
) -> CaseworkerSchedule:
    if hours is None:
        hours = tuple((d, time(8, 30), time(12, 0)) for d in range(5)) + tuple(
            (d, time(12, 30), time(15, 30)) for d in range(5)
        )
    return CaseworkerSchedule(caseworker_id, hours, absences, busy)


def local_starts(
    service: ServiceRules,
    schedules: list[CaseworkerSchedule],
    day: date,
    *,
    now: datetime = LONG_BEFORE,
    days: int = 1,
) -> list[str]:
    slots = free_slots(
        service,
        schedules,
        window_start=local_midnight(day),
        window_end=local_midnight(day + timedelta(days=days)),
        now=now,
    )
    return [s.start.astimezone(COPENHAGEN).strftime("%a %H:%M") for s in slots]


def test_a_day_is_cut_into_steps_and_the_lunch_break_is_left_out() -> None:
    starts = local_starts(rules(duration=45, step=30), [schedule()], MONDAY)
    # 11:30 would end 12:15 (into lunch), 15:00 would end 15:45 (after work).
    assert starts == [
        "Mon 08:30",
        "Mon 09:00",
        "Mon 09:30",
        "Mon 10:00",
        "Mon 10:30",
        "Mon 11:00",
        "Mon 12:30",
        "Mon 13:00",
        "Mon 13:30",
        "Mon 14:00",
        "Mon 14:30",
    ]


def test_slots_are_utc_and_as_long_as_the_meeting() -> None:
    slots = free_slots(
        rules(duration=45),
        [schedule(hours=((0, time(8, 30), time(9, 15)),))],
        window_start=local_midnight(MONDAY),
        window_end=local_midnight(MONDAY + timedelta(days=1)),
        now=LONG_BEFORE,
    )
    assert slots == [Slot(utc(2026, 11, 30, 7, 30), utc(2026, 11, 30, 8, 15))]
    assert slots[0].start.utcoffset() == timedelta(0)


def test_no_slots_on_days_without_working_hours() -> None:
    saturday = date(2026, 12, 5)
    assert local_starts(rules(), [schedule()], saturday, days=2) == []


def test_a_booking_blocks_its_own_time_and_the_buffer_on_both_sides() -> None:
    booked = Interval(local(MONDAY, 10, 0), local(MONDAY, 10, 30))
    hours = ((0, time(9, 0), time(12, 0)),)
    starts = local_starts(
        rules(duration=30, buffer=10, step=10), [schedule(hours=hours, busy=(booked,))], MONDAY
    )
    # 09:20-09:50 ends exactly one buffer before 10:00: allowed. 09:30-10:00 is too close.
    assert "Mon 09:20" in starts
    assert "Mon 09:30" not in starts
    # 10:40 starts exactly one buffer after 10:30: allowed. 10:30 is too close.
    assert "Mon 10:30" not in starts
    assert "Mon 10:40" in starts
    assert [s for s in starts if "09:30" <= s[4:] <= "10:30"] == []


def test_without_a_buffer_back_to_back_meetings_are_allowed() -> None:
    booked = Interval(local(MONDAY, 10, 0), local(MONDAY, 10, 30))
    starts = local_starts(rules(), [schedule(busy=(booked,))], MONDAY)
    assert "Mon 09:30" in starts
    assert "Mon 10:00" not in starts
    assert "Mon 10:30" in starts


def test_an_absence_blocks_every_slot_it_touches_and_nothing_else() -> None:
    absence = Interval(local(MONDAY, 13, 0), local(MONDAY, 14, 15))
    starts = local_starts(rules(), [schedule(absences=(absence,))], MONDAY)
    afternoon = [s for s in starts if s[4:] >= "12:30"]
    # 12:30-13:00 ends as the absence begins; 14:00-14:30 overlaps its last quarter.
    assert afternoon == ["Mon 12:30", "Mon 14:30", "Mon 15:00"]


def test_an_absence_over_several_days_blocks_them_all() -> None:
    holiday = Interval(local(MONDAY, 0, 0), local(MONDAY + timedelta(days=3), 0, 0))
    starts = local_starts(rules(), [schedule(absences=(holiday,))], MONDAY, days=4)
    assert {s[:3] for s in starts} == {"Thu"}


def test_slots_inside_the_minimum_notice_are_not_offered() -> None:
    now = local(MONDAY, 8, 0).astimezone(UTC)
    starts = local_starts(rules(notice_minutes=240), [schedule()], MONDAY, now=now)
    # 08:00 + 4 h = 12:00, which is lunch: the first slot is 12:30.
    assert starts[0] == "Mon 12:30"


def test_a_slot_exactly_at_the_notice_limit_is_offered_and_one_minute_less_is_not() -> None:
    service = rules(notice_minutes=120)
    exactly = local(MONDAY, 8, 30).astimezone(UTC)
    assert local_starts(service, [schedule()], MONDAY, now=exactly - timedelta(hours=2))[0] == (
        "Mon 08:30"
    )
    later = exactly - timedelta(hours=2) + timedelta(minutes=1)
    assert local_starts(service, [schedule()], MONDAY, now=later)[0] == "Mon 09:00"


def test_the_notice_keeps_the_grid_of_the_working_interval() -> None:
    now = local(MONDAY, 8, 47).astimezone(UTC)
    starts = local_starts(rules(duration=15, step=15), [schedule()], MONDAY, now=now)
    assert starts[:2] == ["Mon 09:00", "Mon 09:15"]


def test_past_slots_are_never_offered() -> None:
    now = local(MONDAY, 14, 10).astimezone(UTC)
    assert local_starts(rules(), [schedule()], MONDAY, now=now) == ["Mon 14:30", "Mon 15:00"]


def test_the_horizon_counts_local_calendar_days_from_today() -> None:
    # Sunday 23:30 UTC is already Monday 00:30 in Copenhagen: "today" is Monday.
    now = utc(2026, 11, 29, 23, 30)
    starts = local_starts(rules(horizon_days=2), [schedule()], MONDAY, now=now, days=5)
    assert {s[:3] for s in starts} == {"Mon", "Tue", "Wed"}


def test_a_time_free_with_several_caseworkers_is_offered_once() -> None:
    service = rules()
    both = [schedule(1), schedule(2)]
    starts = local_starts(service, both, MONDAY)
    assert len(starts) == len(set(starts)) == 13
    assert free_caseworkers(service, both, local(MONDAY, 9, 0), now=LONG_BEFORE) == [1, 2]


def test_a_time_one_caseworker_is_busy_at_is_still_offered_with_the_other() -> None:
    service = rules()
    booked = Interval(local(MONDAY, 9, 0), local(MONDAY, 9, 30))
    workers = [schedule(1, busy=(booked,)), schedule(2)]
    assert "Mon 09:00" in local_starts(service, workers, MONDAY)
    assert free_caseworkers(service, workers, local(MONDAY, 9, 0), now=LONG_BEFORE) == [2]
    everyone_busy = [schedule(1, busy=(booked,)), schedule(2, busy=(booked,))]
    assert "Mon 09:00" not in local_starts(service, everyone_busy, MONDAY)


def test_caseworkers_with_different_hours_add_up() -> None:
    early = schedule(1, hours=((0, time(8, 0), time(9, 0)),))
    late = schedule(2, hours=((0, time(8, 30), time(9, 30)),))
    assert local_starts(rules(), [early, late], MONDAY) == ["Mon 08:00", "Mon 08:30", "Mon 09:00"]


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (local(MONDAY, 9, 10), "off the grid"),
        (local(MONDAY, 7, 30), "before working hours"),
        (local(MONDAY, 11, 45), "runs into lunch"),
        (local(MONDAY, 15, 30), "after working hours"),
        (local(MONDAY, 10, 0), "booked"),
        (local(MONDAY, 10, 30), "inside the buffer after a booking"),
        (local(MONDAY, 13, 0), "absent"),
        (local(date(2026, 12, 5), 9, 0), "a Saturday"),
        (local(date(2027, 2, 1), 9, 0), "beyond the horizon"),
        (local(date(2026, 11, 23), 15, 0), "in the past"),
    ],
)
def test_free_caseworkers_is_empty_when_the_start_cannot_be_booked(
    start: datetime, reason: str
) -> None:
    worker = schedule(
        busy=(Interval(local(MONDAY, 10, 0), local(MONDAY, 10, 30)),),
        absences=(Interval(local(MONDAY, 13, 0), local(MONDAY, 13, 30)),),
    )
    now = utc(2026, 11, 23, 15, 0)
    assert free_caseworkers(rules(buffer=10, horizon_days=30), [worker], start, now=now) == []


def test_free_caseworkers_accepts_any_offset_for_the_same_instant() -> None:
    start = local(MONDAY, 9, 0)
    ids = free_caseworkers(rules(), [schedule(7)], start.astimezone(UTC), now=LONG_BEFORE)
    assert ids == free_caseworkers(rules(), [schedule(7)], start, now=LONG_BEFORE) == [7]


def test_check_start_names_the_reason_in_danish_and_english() -> None:
    service = rules(notice_minutes=240, horizon_days=42)
    now = utc(2026, 11, 23, 10, 0)
    cases = [
        (now - timedelta(minutes=1), "passeret", "in the past"),
        (now + timedelta(hours=3, minutes=59), "mindst 4 timer før", "at least 4 hours ahead"),
        (local(date(2027, 1, 5), 9, 0), "42 dage", "42 days"),
    ]
    for start, danish, english in cases:
        with pytest.raises(InvalidStart) as raised:
            check_start(service, start, now=now)
        assert danish in raised.value.in_language("da")
        assert english in raised.value.in_language("en") and english in raised.value.message
    check_start(service, now + timedelta(hours=4), now=now)
    check_start(service, local(date(2027, 1, 4), 15, 0), now=now)


def test_a_time_without_offset_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidStart, match="UTC offset"):
        check_start(rules(), datetime(2026, 11, 30, 9, 0), now=LONG_BEFORE)
    with pytest.raises(InvalidStart):
        free_caseworkers(rules(), [schedule()], datetime(2026, 11, 30, 9, 0), now=LONG_BEFORE)


# Daylight saving: 8:30 local stays 8:30 local. Summer time ends on the last Sunday of October
# (2026-10-25, 2027-10-31) and starts on the last Sunday of March (2027-03-28).


def _first_slot_per_day(first_day: date, days: int) -> list[datetime]:
    weekdays_and_sunday = tuple((d, time(8, 30), time(9, 30)) for d in range(7))
    slots = free_slots(
        rules(duration=60, step=60),
        [schedule(hours=weekdays_and_sunday)],
        window_start=local_midnight(first_day),
        window_end=local_midnight(first_day + timedelta(days=days)),
        now=local_midnight(first_day) - timedelta(days=7),
    )
    return [s.start for s in slots]


def test_summer_time_starting_in_march_2027_moves_the_utc_start_one_hour_earlier() -> None:
    assert _first_slot_per_day(date(2027, 3, 26), 4) == [
        utc(2027, 3, 26, 7, 30),  # Friday, UTC+1
        utc(2027, 3, 27, 7, 30),  # Saturday, UTC+1
        utc(2027, 3, 28, 6, 30),  # Sunday: clocks went forward at 02:00, UTC+2
        utc(2027, 3, 29, 6, 30),  # Monday, UTC+2
    ]


def test_summer_time_ending_in_october_2026_moves_the_utc_start_one_hour_later() -> None:
    assert _first_slot_per_day(date(2026, 10, 23), 4) == [
        utc(2026, 10, 23, 6, 30),
        utc(2026, 10, 24, 6, 30),
        utc(2026, 10, 25, 7, 30),
        utc(2026, 10, 26, 7, 30),
    ]


def test_summer_time_ending_in_october_2027_moves_the_utc_start_one_hour_later() -> None:
    assert _first_slot_per_day(date(2027, 10, 29), 4) == [
        utc(2027, 10, 29, 6, 30),
        utc(2027, 10, 30, 6, 30),
        utc(2027, 10, 31, 7, 30),
        utc(2027, 11, 1, 7, 30),
    ]


def test_a_window_of_local_dates_across_the_change_has_exact_day_boundaries() -> None:
    # Sunday 2026-10-25 lasts 25 hours: from 22:00 UTC on Saturday to 23:00 UTC on Sunday.
    assert local_midnight(date(2026, 10, 25)) == utc(2026, 10, 24, 22, 0)
    assert local_midnight(date(2026, 10, 26)) == utc(2026, 10, 25, 23, 0)
    midnight_and_late_evening = schedule(
        hours=((6, time(0, 0), time(0, 30)), (6, time(23, 0), time(23, 59)))
    )
    slots = free_slots(
        rules(duration=30, step=30),
        [midnight_and_late_evening],
        window_start=local_midnight(date(2026, 10, 25)),
        window_end=local_midnight(date(2026, 10, 26)),
        now=utc(2026, 10, 18, 12, 0),
    )
    # Midnight is still summer time (22:00 UTC); 23:00 is winter time (22:00 UTC a day later).
    assert [s.start for s in slots] == [utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 22, 0)]


def test_a_night_shift_over_the_autumn_change_is_stepped_in_real_time() -> None:
    # 01:00-04:00 local on 2026-10-25 is four real hours (02:00-03:00 happens twice).
    night = schedule(hours=((6, time(1, 0), time(4, 0)),))
    slots = free_slots(
        rules(duration=60, step=60),
        [night],
        window_start=local_midnight(date(2026, 10, 25)),
        window_end=local_midnight(date(2026, 10, 26)),
        now=utc(2026, 10, 18, 12, 0),
    )
    assert [s.start for s in slots] == [
        utc(2026, 10, 24, 23, 0),
        utc(2026, 10, 25, 0, 0),
        utc(2026, 10, 25, 1, 0),
        utc(2026, 10, 25, 2, 0),
    ]


def test_a_booking_in_summer_time_blocks_the_right_winter_wall_clock_hour() -> None:
    # A booking made for Monday 2026-10-26 09:00 local is stored as 08:00 UTC (winter time).
    monday = date(2026, 10, 26)
    booked = Interval(utc(2026, 10, 26, 8, 0), utc(2026, 10, 26, 8, 30))
    starts = local_starts(rules(), [schedule(busy=(booked,))], monday, now=utc(2026, 10, 20, 9, 0))
    assert "Mon 09:00" not in starts
    assert "Mon 08:30" in starts and "Mon 09:30" in starts
