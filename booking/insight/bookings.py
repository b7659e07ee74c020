"""Bookings per service per week (Copenhagen weeks, Monday first), with the share cancelled and
the share of the meetings that were not cancelled where the citizen did not come (no-show)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Service

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class WeekFigures:
    """One service's bookings in one week (by the meeting's start)."""

    service_code: str
    week_start: date
    total: int
    cancelled: int
    no_show: int

    @property
    def cancellation_rate(self) -> float:
        """Cancelled bookings out of all bookings of the week (0 when there are none)."""
        return self.cancelled / self.total if self.total else 0.0

    @property
    def no_show_rate(self) -> float:
        """No-shows out of the bookings that were not cancelled (0 when there are none)."""
        held = self.total - self.cancelled
        return self.no_show / held if held else 0.0


def week_start(moment: datetime) -> date:
    """The Monday of the Copenhagen week `moment` falls in."""
    day = moment.astimezone(COPENHAGEN).date()
    return day - timedelta(days=day.weekday())


def weekly_figures(db: Session, *, now: datetime, weeks: int = 8) -> list[WeekFigures]:
    """Every service's figures for the `weeks` weeks up to and including the current one,
    weeks without bookings included (as zeros), ordered by service code and week."""
    first = week_start(now) - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, time(0), COPENHAGEN).astimezone(UTC)
    end = datetime.combine(week_start(now) + timedelta(weeks=1), time(0), COPENHAGEN)
    rows = db.execute(
        select(Service.code, Booking.start_at, Booking.status)
        .join(Booking.service)
        .where(Booking.start_at >= start, Booking.start_at < end.astimezone(UTC))
    ).all()
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for code, start_at, status in rows:
        figures = counts[(code, week_start(start_at))]
        figures[0] += 1
        figures[1] += status == BookingStatus.CANCELLED.value
        figures[2] += status == BookingStatus.NO_SHOW.value
    codes = sorted(db.scalars(select(Service.code)))
    result = []
    for code in codes:
        for offset in range(weeks):
            monday = first + timedelta(weeks=offset)
            total, cancelled, no_show = counts.get((code, monday), [0, 0, 0])
            result.append(WeekFigures(code, monday, total, cancelled, no_show))
    return result


def totals_by_service(figures: list[WeekFigures]) -> list[WeekFigures]:
    """Each service's weeks added up (dated by its first week), in the order of `figures`."""
    totals: dict[str, WeekFigures] = {}
    for week in figures:
        seen = totals.get(week.service_code)
        if seen is None:
            totals[week.service_code] = week
            continue
        totals[week.service_code] = WeekFigures(
            week.service_code,
            seen.week_start,
            seen.total + week.total,
            seen.cancelled + week.cancelled,
            seen.no_show + week.no_show,
        )
    return list(totals.values())
