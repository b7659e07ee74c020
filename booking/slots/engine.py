"""Free slots: pure computation over working hours, absences and existing bookings.

Every datetime in and out is timezone-aware; results are in UTC. Working hours are Europe/
Copenhagen wall-clock times, turned into UTC per calendar day with `zoneinfo`, so an 8:30 start
is 8:30 local on both sides of a daylight-saving change. Nothing here reads the clock or the
database: `now` and the schedules are passed in.

Rules (the contract the API and the tests rely on):
- slots start at a working interval's start + k * step, and the whole meeting fits inside it;
- a slot conflicts with a booking b when slot.start < b.end + buffer and b.start < slot.end +
  buffer; any overlap with an absence blocks it;
- start >= now + minimum notice, and the slot's local date <= today (local) + horizon days.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from booking.errors import InvalidStart
from booking.i18n import N_

if TYPE_CHECKING:
    from booking.models import Service

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class Interval:
    """A half-open span of time [start, end)."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class ServiceRules:
    """The parts of a service that decide which times can be booked."""

    duration: timedelta
    buffer: timedelta
    step: timedelta
    min_notice: timedelta
    horizon_days: int

    @classmethod
    def from_service(cls, service: Service) -> ServiceRules:
        return cls(
            duration=timedelta(minutes=service.duration_minutes),
            buffer=timedelta(minutes=service.buffer_minutes),
            step=timedelta(minutes=service.slot_step_minutes),
            min_notice=timedelta(minutes=service.min_notice_minutes),
            horizon_days=service.horizon_days,
        )


@dataclass(frozen=True)
class CaseworkerSchedule:
    """One caseworker's weekly pattern (local wall-clock), absences and confirmed bookings."""

    caseworker_id: int
    weekly_hours: tuple[tuple[int, time, time], ...]
    absences: tuple[Interval, ...]
    busy: tuple[Interval, ...]


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable meeting time, offered once however many caseworkers are free."""

    start: datetime
    end: datetime


def local_date(moment: datetime) -> date:
    """The Copenhagen calendar date of an aware datetime."""
    return moment.astimezone(COPENHAGEN).date()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which a Copenhagen calendar day begins."""
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN).astimezone(UTC)


def last_bookable_date(rules: ServiceRules, now: datetime) -> date:
    return local_date(now) + timedelta(days=rules.horizon_days)


def check_start(rules: ServiceRules, start: datetime, *, now: datetime) -> None:
    """Raise `InvalidStart` if `start` is in the past, too soon, or beyond the horizon.

    This checks only the service's time rules, not the grid or anyone's calendar.
    """
    _require_aware(start, now)
    if start < now:
        raise InvalidStart(N_("The time is in the past."), field="start")
    if start < now + rules.min_notice:
        raise InvalidStart(
            N_("The meeting must be booked at least %(notice)s ahead."),
            field="start",
            notice=rules.min_notice,
        )
    if local_date(start) > last_bookable_date(rules, now):
        raise InvalidStart(
            N_("Meetings can be booked at most %(days)s days ahead."),
            field="start",
            days=rules.horizon_days,
        )


def free_slots(
    rules: ServiceRules,
    schedules: Iterable[CaseworkerSchedule],
    *,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> list[Slot]:
    """Every bookable slot starting in [window_start, window_end), sorted, each time once."""
    _require_aware(window_start, window_end, now)
    starts: set[datetime] = set()
    for schedule in schedules:
        starts.update(_free_starts(rules, schedule, window_start, window_end, now))
    return [Slot(s, s + rules.duration) for s in sorted(starts)]


def free_caseworkers(
    rules: ServiceRules,
    schedules: Iterable[CaseworkerSchedule],
    start: datetime,
    *,
    now: datetime,
) -> list[int]:
    """Ids of the caseworkers who can take a meeting starting exactly at `start`.

    Empty when the start is off the grid, in the past, inside the minimum notice, beyond the
    horizon, outside working hours, on an absence or in conflict with a booking (+ buffer).
    """
    _require_aware(start, now)
    start = start.astimezone(UTC)
    just_after = start + timedelta(microseconds=1)
    return [
        schedule.caseworker_id
        for schedule in schedules
        if start in _free_starts(rules, schedule, start, just_after, now)
    ]


def _free_starts(
    rules: ServiceRules,
    schedule: CaseworkerSchedule,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> Iterator[datetime]:
    earliest = max(window_start, now + rules.min_notice, now).astimezone(UTC)
    last_day = min(
        local_date(window_end - timedelta(microseconds=1)), last_bookable_date(rules, now)
    )
    blocked = _Blocked(schedule, rules.buffer)
    for shift in _working_intervals(schedule.weekly_hours, local_date(earliest), last_day):
        first = shift.start
        if first < earliest:
            # Jump to the first grid point at or after `earliest`, keeping the grid of this shift.
            first += -((shift.start - earliest) // rules.step) * rules.step
        slot_start = first
        while slot_start + rules.duration <= shift.end and slot_start < window_end:
            if not blocked.hits(slot_start, slot_start + rules.duration):
                yield slot_start
            slot_start += rules.step


def _working_intervals(
    weekly_hours: Sequence[tuple[int, time, time]], first_day: date, last_day: date
) -> Iterator[Interval]:
    """The working intervals of each local day from first_day to last_day, in UTC."""
    by_weekday: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in weekly_hours:
        by_weekday.setdefault(weekday, []).append((start, end))
    day = first_day
    while day <= last_day:
        for start, end in sorted(by_weekday.get(day.weekday(), ())):
            yield Interval(_utc(day, start), _utc(day, end))
        day += timedelta(days=1)


def _utc(day: date, wall_clock: time) -> datetime:
    return datetime.combine(day, wall_clock, tzinfo=COPENHAGEN).astimezone(UTC)


class _Blocked:
    """A caseworker's blocked time as merged, sorted intervals, queried by bisection.

    A booking blocks [start - buffer, end + buffer): that is exactly the conflict rule
    slot.start < b.end + buffer and b.start < slot.end + buffer. An absence blocks itself.
    """

    def __init__(self, schedule: CaseworkerSchedule, buffer: timedelta) -> None:
        spans = [(b.start - buffer, b.end + buffer) for b in schedule.busy]
        spans += [(a.start, a.end) for a in schedule.absences]
        spans.sort()
        merged: list[list[datetime]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def hits(self, start: datetime, end: datetime) -> bool:
        # Merged spans are disjoint, so their ends are sorted too: the first span ending after
        # `start` is the only one that can overlap [start, end).
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end


def _require_aware(*moments: datetime) -> None:
    if any(m.tzinfo is None or m.utcoffset() is None for m in moments):
        raise InvalidStart(
            N_("The time must include a UTC offset."),
            field="start",
        )
