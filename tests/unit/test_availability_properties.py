"""Property tests for the slot engine, with generated schedules around DST changes.

The engine's answer is compared with a slow, obviously-correct oracle that walks every grid
point and checks every booking and absence one by one, and each rule is also checked directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.slots import (
    COPENHAGEN,
    CaseworkerSchedule,
    Interval,
    ServiceRules,
    free_caseworkers,
    free_slots,
    local_midnight,
)

# Mondays: the weeks of the DST changes (Oct 2026, Mar 2027, Oct 2027) and two plain weeks.
WEEKS = [date(2026, 10, 19), date(2027, 3, 22), date(2027, 10, 25), date(2026, 11, 23)]
DAYS = 7
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def wall_clock(total_minutes: int) -> time:
    return time(total_minutes // 60, total_minutes % 60)


def to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=COPENHAGEN).astimezone(UTC)


@st.composite
def service_rules(draw: st.DrawFn) -> ServiceRules:
    return ServiceRules(
        duration=minutes(draw(st.sampled_from([15, 30, 45, 60]))),
        buffer=minutes(draw(st.sampled_from([0, 5, 10, 15]))),
        step=minutes(draw(st.sampled_from([5, 10, 15, 30, 60]))),
        min_notice=minutes(draw(st.sampled_from([0, 60, 120, 240, 1440]))),
        horizon_days=draw(st.integers(0, 9)),
    )


@st.composite
def weekly_hours(draw: st.DrawFn) -> tuple[tuple[int, time, time], ...]:
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 23 * 60 + 50).map(lambda m: m - m % 5))
        end = draw(st.integers(start + 5, 23 * 60 + 59))
        entries.append((draw(st.integers(0, 6)), wall_clock(start), wall_clock(end)))
    return tuple(entries)


def intervals(origin: datetime, longest: int, most: int) -> st.SearchStrategy[tuple[Interval, ...]]:
    one = st.tuples(
        st.integers(-1440, (DAYS + 1) * 1440).map(lambda m: m - m % 5),
        st.integers(5, longest),
    ).map(lambda p: Interval(origin + minutes(p[0]), origin + minutes(p[0] + p[1])))
    return st.lists(one, max_size=most).map(tuple)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[ServiceRules, list[CaseworkerSchedule], datetime, datetime, datetime]:
    monday = draw(st.sampled_from(WEEKS))
    window_start = local_midnight(monday)
    window_end = local_midnight(monday + timedelta(days=DAYS))
    now = window_start + minutes(draw(st.integers(-3 * 1440, 4 * 1440)))
    schedules = [
        CaseworkerSchedule(
            caseworker_id=i + 1,
            weekly_hours=draw(weekly_hours()),
            absences=draw(intervals(window_start, 3 * 1440, 3)),
            busy=draw(intervals(window_start, 120, 25)),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    return draw(service_rules()), schedules, window_start, window_end, now


def bookable(
    rules: ServiceRules, schedule: CaseworkerSchedule, start: datetime, now: datetime
) -> bool:
    end = start + rules.duration
    today = now.astimezone(COPENHAGEN).date()
    return (
        start >= now
        and start >= now + rules.min_notice
        and start.astimezone(COPENHAGEN).date() <= today + timedelta(days=rules.horizon_days)
        and not any(
            start < b.end + rules.buffer and b.start < end + rules.buffer for b in schedule.busy
        )
        and not any(start < a.end and a.start < end for a in schedule.absences)
    )


def oracle(
    rules: ServiceRules,
    schedule: CaseworkerSchedule,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> set[datetime]:
    """Every grid point of every working interval, checked against every rule one by one."""
    found = set()
    day = window_start.astimezone(COPENHAGEN).date() - timedelta(days=1)
    while day <= window_end.astimezone(COPENHAGEN).date():
        for weekday, start, end in schedule.weekly_hours:
            if weekday != day.weekday():
                continue
            shift_start, shift_end = to_utc(day, start), to_utc(day, end)
            t = shift_start
            while t + rules.duration <= shift_end:
                if window_start <= t < window_end and bookable(rules, schedule, t, now):
                    found.add(t)
                t += rules.step
        day += timedelta(days=1)
    return found


@SETTINGS
@given(scenarios())
def test_free_slots_are_exactly_the_times_some_caseworker_can_take(scenario) -> None:  # type: ignore[no-untyped-def]
    rules, schedules, window_start, window_end, now = scenario
    slots = free_slots(rules, schedules, window_start=window_start, window_end=window_end, now=now)
    expected = set().union(*(oracle(rules, s, window_start, window_end, now) for s in schedules))
    assert [s.start for s in slots] == sorted(expected)
    assert all(s.end - s.start == rules.duration for s in slots)


@SETTINGS
@given(scenarios())
def test_every_offered_slot_respects_hours_bookings_absences_notice_and_horizon(scenario) -> None:  # type: ignore[no-untyped-def]
    rules, schedules, window_start, window_end, now = scenario
    slots = free_slots(rules, schedules, window_start=window_start, window_end=window_end, now=now)
    by_id = {s.caseworker_id: s for s in schedules}
    today = now.astimezone(COPENHAGEN).date()
    for slot in slots:
        ids = free_caseworkers(rules, schedules, slot.start, now=now)
        assert ids, f"{slot} offered but nobody can take it"
        assert window_start <= slot.start < window_end
        assert slot.start >= now + rules.min_notice and slot.start >= now
        assert slot.start.astimezone(COPENHAGEN).date() <= today + timedelta(rules.horizon_days)
        for caseworker in (by_id[i] for i in ids):
            for booking in caseworker.busy:
                assert not (
                    slot.start < booking.end + rules.buffer
                    and booking.start < slot.end + rules.buffer
                ), f"{slot} collides with booking {booking}"
            for absence in caseworker.absences:
                assert not (slot.start < absence.end and absence.start < slot.end)
            assert _inside_working_hours(rules, caseworker, slot.start, slot.end)


def _inside_working_hours(
    rules: ServiceRules, caseworker: CaseworkerSchedule, start: datetime, end: datetime
) -> bool:
    day = start.astimezone(COPENHAGEN).date()
    for weekday, begin, finish in caseworker.weekly_hours:
        shift_start, shift_end = to_utc(day, begin), to_utc(day, finish)
        if (
            weekday == day.weekday()
            and shift_start <= start
            and end <= shift_end
            and (start - shift_start) % rules.step == timedelta(0)
        ):
            return True
    return False


@SETTINGS
@given(scenarios(), st.lists(st.integers(0, DAYS * 24 * 12), min_size=1, max_size=20))
def test_free_caseworkers_agrees_with_free_slots_at_any_time(scenario, probes) -> None:  # type: ignore[no-untyped-def]
    rules, schedules, window_start, window_end, now = scenario
    offered = {
        s.start
        for s in free_slots(
            rules, schedules, window_start=window_start, window_end=window_end, now=now
        )
    }
    # probes inside the window: the oracle knows only the window, and a week with the switch to
    # summer time is an hour shorter than DAYS * 24 hours (a probe at 7 days fell after its end)
    inside = [window_start + minutes(5 * p) for p in probes]
    inside = [probe for probe in inside if probe < window_end]
    for probe in inside + sorted(offered)[:10]:
        ids = free_caseworkers(rules, schedules, probe, now=now)
        expected = [
            s.caseworker_id
            for s in schedules
            if probe in oracle(rules, s, window_start, window_end, now)
        ]
        assert ids == expected
        assert bool(ids) == (probe in offered)


@SETTINGS
@given(scenarios())
def test_slots_are_sorted_and_offered_once(scenario) -> None:  # type: ignore[no-untyped-def]
    rules, schedules, window_start, window_end, now = scenario
    doubled = schedules + [
        CaseworkerSchedule(s.caseworker_id + 100, s.weekly_hours, s.absences, s.busy)
        for s in schedules
    ]
    once = free_slots(rules, schedules, window_start=window_start, window_end=window_end, now=now)
    twice = free_slots(rules, doubled, window_start=window_start, window_end=window_end, now=now)
    assert once == twice == sorted(set(once))
