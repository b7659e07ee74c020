"""A caseworker's weekly working hours, as they enter them and as slot search reads them.

Working hours are Europe/Copenhagen wall-clock intervals per weekday ("08:30-12:00, 12:30-15:30").
An interval may be limited to some meeting modes: "08:30-12:00 (video/phone)" (in person only on
the other days). Slot search reads the same rows, so a change here shows in the slots the API
offers at once.
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

_INTERVAL = re.compile(
    r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*(?:\(([^()]*)\))?\s*$"
)
# The words a caseworker may write for a mode, in Danish and English.
_MODE_WORDS = {
    "video": "video",
    "phone": "phone",
    "telefon": "phone",
    "in_person": "in_person",
    "in person": "in_person",
    "fremmøde": "in_person",
    "fysisk": "in_person",
}

Hours = tuple[time, time]
# An interval and the meeting modes held in it (None: every mode the service offers).
HoursWithModes = tuple[time, time, list[str] | None]


def parse_day_hours(text: str, weekday: int) -> list[Hours]:
    """Parse "08:30-12:00, 12:30-15:30" (empty = not working) into sorted intervals.

    Raises `ValidationFailed` (field `day<weekday>`) for a malformed or impossible time, an
    interval that ends before it starts, or intervals that overlap.
    """
    return [(start, end) for start, end, _ in parse_day_hours_with_modes(text, weekday)]


def parse_day_hours_with_modes(text: str, weekday: int) -> list[HoursWithModes]:
    """As `parse_day_hours`, keeping each interval's modes ("08:30-12:00 (video/telefon)")."""
    field = f"day{weekday}"
    day = WEEKDAYS[weekday]
    intervals: list[HoursWithModes] = []
    for part in (p for p in re.split(r"[,;\n]", text) if p.strip()):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValidationFailed(
                N_("%(day)s: write times as 08:30-12:00, separated by commas."),
                field=field,
                day=day,
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups()[:4])
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
        intervals.append((start, end, _modes(match.group(5), field=field, day=day)))
    intervals.sort(key=lambda interval: interval[:2])
    for (_, end, _), (next_start, _, _) in zip(intervals, intervals[1:], strict=False):
        if next_start < end:
            raise ValidationFailed(N_("%(day)s: the intervals overlap."), field=field, day=day)
    return intervals


def _modes(text: str | None, *, field: str, day: str) -> list[str] | None:
    if text is None or not text.strip():
        return None
    modes = []
    for word in (w.strip().lower() for w in re.split(r"[/+]", text)):
        if word not in _MODE_WORDS:
            raise ValidationFailed(
                N_("%(day)s: write meeting modes as (video/phone/in_person)."),
                field=field,
                day=day,
            )
        modes.append(_MODE_WORDS[word])
    return list(dict.fromkeys(modes))


def format_day_hours(hours: Iterable[WorkingHours], weekday: int) -> str:
    """The inverse of `parse_day_hours_with_modes` for one weekday, e.g.
    "08:30-12:00 (video/phone), 12:30-15:30"."""
    return ", ".join(
        f"{h.start_time:%H:%M}-{h.end_time:%H:%M}" + (f" ({'/'.join(h.modes)})" if h.modes else "")
        for h in sorted(hours, key=lambda h: h.start_time)
        if h.weekday == weekday
    )


def set_weekly_hours(
    caseworker: Caseworker, week: dict[int, list[Hours]] | dict[int, list[HoursWithModes]]
) -> None:
    """Replace the caseworker's whole weekly pattern (weekdays missing from `week` are off);
    an interval with modes holds only meetings of those modes."""
    if any(day not in range(7) for day in week):
        raise ValidationFailed(N_("Invalid weekday."), field="weekday")
    caseworker.working_hours = [
        WorkingHours(
            weekday=day,
            start_time=interval[0],
            end_time=interval[1],
            modes=interval[2] if len(interval) > 2 else None,
        )
        for day in sorted(week)
        for interval in week[day]
    ]
