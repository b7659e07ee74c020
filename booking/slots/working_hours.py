"""A caseworker's weekly working hours, as they enter them and as slot search reads them.

Working hours are Europe/Copenhagen wall-clock intervals per weekday ("08:30-12:00, 12:30-15:30").
Slot search reads the same rows, so a change here shows in the slots the API offers at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from booking.errors import ValidationFailed
from booking.i18n import N_
from booking.models import Caseworker, WorkingHours

WEEKDAYS = [
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
    N_("Friday"), N_("Saturday"), N_("Sunday"),
]  # fmt: skip

_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")

Hours = tuple[time, time]


def parse_day_hours(text: str, weekday: int) -> list[Hours]:
    """Parse "08:30-12:00, 12:30-15:30" (empty = not working) into sorted intervals.

    Raises `ValidationFailed` (field `day<weekday>`) for a malformed or impossible time, an
    interval that ends before it starts, or intervals that overlap.
    """
    field = f"day{weekday}"
    day = WEEKDAYS[weekday]
    intervals: list[Hours] = []
    for part in (p for p in re.split(r"[,;\n]", text) if p.strip()):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValidationFailed(
                N_("%(day)s: write times as 08:30-12:00, separated by commas."),
                field=field,
                day=day,
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationFailed(
                N_("%(day)s: %(time)s is not a valid time."),
                field=field,
                day=day,
                time=part.strip(),
            )
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValidationFailed(
                N_("%(day)s: the end must be after the start."),
                field=field,
                day=day,
            )
        intervals.append((start, end))
    intervals.sort()
    for (_, end), (next_start, _) in zip(intervals, intervals[1:], strict=False):
        if next_start < end:
            raise ValidationFailed(N_("%(day)s: the intervals overlap."), field=field, day=day)
    return intervals


def format_day_hours(hours: Iterable[WorkingHours], weekday: int) -> str:
    """The inverse of `parse_day_hours` for one weekday, e.g. "08:30-12:00, 12:30-15:30"."""
    return ", ".join(
        f"{h.start_time:%H:%M}-{h.end_time:%H:%M}"
        for h in sorted(hours, key=lambda h: h.start_time)
        if h.weekday == weekday
    )


def set_weekly_hours(caseworker: Caseworker, week: dict[int, list[Hours]]) -> None:
    """Replace the caseworker's whole weekly pattern (weekdays missing from `week` are off)."""
    if any(day not in range(7) for day in week):
        raise ValidationFailed(N_("Invalid weekday."), field="weekday")
    caseworker.working_hours = [
        WorkingHours(weekday=day, start_time=start, end_time=end)
        for day in sorted(week)
        for start, end in week[day]
    ]
