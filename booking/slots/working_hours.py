"""A caseworker's own availability: weekly working hours and absences.

Working hours are Europe/Copenhagen wall-clock intervals per weekday; absences are stored in
UTC but entered in local time. Slot search reads the same rows, so a change here shows in the
slots the API offers at once. Nothing here reads the clock: `now` is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import NotFound, ValidationFailed
from booking.models import Absence, Booking, BookingStatus, Caseworker, WorkingHours

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WEEKDAYS_DA = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_REASON_LENGTH = 200

_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")

Hours = tuple[time, time]


def parse_day_hours(text: str, weekday: int) -> list[Hours]:
    """Parse "08:30-12:00, 12:30-15:30" (empty = not working) into sorted intervals.

    Raises `ValidationFailed` (field `day<weekday>`) for a malformed or impossible time, an
    interval that ends before it starts, or intervals that overlap.
    """
    field = f"day{weekday}"
    day = f"{WEEKDAYS_DA[weekday]} / {WEEKDAYS_EN[weekday]}"
    intervals: list[Hours] = []
    for part in (p for p in re.split(r"[,;\n]", text) if p.strip()):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValidationFailed(
                f"{day}: skriv tider som 08:30-12:00, adskilt af komma. / "
                "write times as 08:30-12:00, separated by commas.",
                field=field,
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationFailed(
                f"{day}: {part.strip()} er ikke et gyldigt tidspunkt. / is not a valid time.",
                field=field,
            )
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValidationFailed(
                f"{day}: sluttid skal være efter starttid. / the end must be after the start.",
                field=field,
            )
        intervals.append((start, end))
    intervals.sort()
    for (_, end), (next_start, _) in zip(intervals, intervals[1:], strict=False):
        if next_start < end:
            raise ValidationFailed(
                f"{day}: tidsrummene overlapper. / the intervals overlap.", field=field
            )
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
        raise ValidationFailed("Ugyldig ugedag. / Invalid weekday.", field="weekday")
    caseworker.working_hours = [
        WorkingHours(weekday=day, start_time=start, end_time=end)
        for day in sorted(week)
        for start, end in week[day]
    ]


def local_moment(day: str, clock: str, field: str) -> datetime:
    """A Copenhagen date ("2026-03-05") and time ("09:30") as an aware UTC-comparable datetime."""
    try:
        parsed = datetime.combine(
            date.fromisoformat(day.strip()), time.fromisoformat(clock.strip())
        )
    except ValueError:
        raise ValidationFailed(
            "Skriv dato og klokkeslæt, fx 2026-03-05 og 09:30. / "
            "Enter a date and a time, e.g. 2026-03-05 and 09:30.",
            field=field,
        ) from None
    return parsed.replace(tzinfo=COPENHAGEN)


def add_absence(
    session: Session,
    caseworker: Caseworker,
    *,
    start: datetime,
    end: datetime,
    reason: str,
    now: datetime,
) -> Absence:
    """Record an absence. It must end after it starts and not lie wholly in the past."""
    if end <= start:
        raise ValidationFailed(
            "Fraværet skal slutte efter det starter. / The absence must end after it starts.",
            field="end",
        )
    if end <= now:
        raise ValidationFailed(
            "Fraværet ligger i fortiden. / The absence is in the past.", field="end"
        )
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"Årsagen må højst være {MAX_REASON_LENGTH} tegn. / "
            f"The reason can be at most {MAX_REASON_LENGTH} characters.",
            field="reason",
        )
    absence = Absence(
        caseworker_id=caseworker.id, start_at=start, end_at=end, reason=reason, created_at=now
    )
    session.add(absence)
    session.flush()
    return absence


def remove_absence(session: Session, caseworker: Caseworker, absence_id: int) -> None:
    """Delete one of the caseworker's own absences; another's is reported as not found."""
    absence = session.get(Absence, absence_id)
    if absence is None or absence.caseworker_id != caseworker.id:
        raise NotFound("Fraværet findes ikke. / The absence does not exist.")
    session.delete(absence)
    session.flush()


def upcoming_absences(session: Session, caseworker: Caseworker, *, now: datetime) -> list[Absence]:
    return list(
        session.scalars(
            select(Absence)
            .where(Absence.caseworker_id == caseworker.id, Absence.end_at > now)
            .order_by(Absence.start_at)
        )
    )


def meetings_hit_by(
    session: Session, caseworker_id: int, start: datetime, end: datetime
) -> list[Booking]:
    """The caseworker's confirmed meetings that overlap [start, end), in time order."""
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.caseworker_id == caseworker_id,
                Booking.status == BookingStatus.CONFIRMED.value,
                Booking.start_at < end,
                Booking.end_at > start,
            )
            .order_by(Booking.start_at)
        )
    )


def meetings_hit_by_absences(
    session: Session, caseworker: Caseworker, *, now: datetime
) -> list[tuple[Absence, list[Booking]]]:
    """Each upcoming absence with the confirmed meetings it overlaps (to be moved)."""
    return [
        (absence, meetings_hit_by(session, caseworker.id, absence.start_at, absence.end_at))
        for absence in upcoming_absences(session, caseworker, now=now)
    ]
