"""A caseworker's absences: entered in Copenhagen time, stored in UTC, and the meetings they hit.

An absence blocks slots at once; meetings already booked inside it stay booked and are listed
so the caseworker can move them. Nothing here reads the clock: `now` is passed in.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.models import Absence, Booking, BookingStatus, Caseworker
from booking.slots.engine import COPENHAGEN

MAX_REASON_LENGTH = 200


def local_moment(day: str, clock: str, field: str) -> datetime:
    """A Copenhagen date ("2026-03-05") and time ("09:30") as an aware UTC-comparable datetime."""
    try:
        parsed = datetime.combine(
            date.fromisoformat(day.strip()), time.fromisoformat(clock.strip())
        )
    except ValueError:
        raise ValidationFailed(
            N_("Enter a date and a time, e.g. 2026-03-05 and 09:30."),
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
            N_("The absence must end after it starts."),
            field="end",
        )
    if end <= now:
        raise ValidationFailed(N_("The absence is in the past."), field="end")
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            N_("The reason can be at most %(limit)s characters."),
            field="reason",
            limit=MAX_REASON_LENGTH,
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
        raise NotFound(N_("The absence does not exist."))
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
