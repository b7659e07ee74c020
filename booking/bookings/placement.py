"""Placing a booking with a free caseworker, without ever booking one twice.

On SQLite the caller's immediate transaction serialises writers, so the re-check below is
enough. On PostgreSQL the free caseworkers are locked in id order (advisory locks, so no
deadlocks) and re-checked under the lock; a write that still collides is caught by the
exclusion constraint of migration 0002 and the next candidate is tried inside a savepoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.errors import InvalidStart, SlotUnavailable
from booking.i18n import N_
from booking.models import Booking, BookingStatus, Service
from booking.slots import (
    COPENHAGEN,
    Interval,
    ServiceRules,
    free_caseworkers,
    load_schedules,
    local_midnight,
)

CASEWORKER_LOCK_CLASS = 7302

TAKEN = N_("Sorry, that time was just booked. Please choose another.")
NOT_OFFERED = N_("That time cannot be booked: choose one of the free slots.")


def place(
    session: Session,
    service: Service,
    rules: ServiceRules,
    start: datetime,
    *,
    write: Callable[[int], Booking],
    now: datetime,
    exclude_booking_id: int | None = None,
    prefer: int | None = None,
    mode: str | None = None,
) -> Booking:
    """Write the booking at `start` for a free caseworker (`write(caseworker_id)`), or raise.

    InvalidStart when nobody works then at all (in `mode`, when given), SlotUnavailable when
    everyone is taken; `prefer` (rescheduling) keeps the booking's caseworker when they are free.
    """
    window = Interval(start, start + rules.duration)
    with session.no_autoflush:
        schedules = load_schedules(
            session, service, window, exclude_booking_id=exclude_booking_id, mode=mode
        )
        candidates = free_caseworkers(rules, schedules, start, now=now)
        if not candidates:
            unbooked = [replace(s, busy=()) for s in schedules]
            if not free_caseworkers(rules, unbooked, start, now=now):
                raise InvalidStart(NOT_OFFERED, field="start")
            raise SlotUnavailable(TAKEN, field="start")
        postgresql = session.get_bind().dialect.name == "postgresql"
        if postgresql:
            for caseworker_id in sorted(candidates):
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:cls, :id)"),
                    {"cls": CASEWORKER_LOCK_CLASS, "id": caseworker_id},
                )
            schedules = load_schedules(
                session, service, window, exclude_booking_id=exclude_booking_id, mode=mode
            )
            candidates = free_caseworkers(rules, schedules, start, now=now)
        ordered = _least_loaded_first(session, candidates, start, prefer=prefer)
    if not postgresql:  # the immediate transaction holds the write lock: nothing can collide
        booking = write(ordered[0])
        session.flush()
        return booking
    for caseworker_id in ordered:
        savepoint = session.begin_nested()
        try:
            booking = write(caseworker_id)
            session.flush()
        except IntegrityError as exc:
            savepoint.rollback()
            if not _is_exclusion_violation(exc):
                raise
            continue
        savepoint.commit()
        return booking
    raise SlotUnavailable(TAKEN, field="start")


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    try:
        from psycopg.errors import ExclusionViolation
    except ImportError:  # pragma: no cover - psycopg is a dependency, SQLite never raises this
        return False
    return isinstance(exc.orig, ExclusionViolation)


def _least_loaded_first(
    session: Session, candidates: Sequence[int], start: datetime, *, prefer: int | None
) -> list[int]:
    """Order candidates by confirmed bookings that local day, then that week, then id."""
    if not candidates:
        return []
    day = start.astimezone(COPENHAGEN).date()
    monday = day - timedelta(days=day.weekday())
    day_start, day_end = local_midnight(day), local_midnight(day + timedelta(1))
    on_day = and_(Booking.start_at >= day_start, Booking.start_at < day_end)
    # one query for both counts: the week's bookings, and those of them on the day
    rows = session.execute(
        select(
            Booking.caseworker_id,
            func.sum(case((on_day, 1), else_=0)),
            func.count(),
        )
        .where(
            Booking.caseworker_id.in_(candidates),
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.start_at >= local_midnight(monday),
            Booking.start_at < local_midnight(monday + timedelta(7)),
        )
        .group_by(Booking.caseworker_id)
    )
    load = {int(cw): (int(day_count), int(week_count)) for cw, day_count, week_count in rows}
    return sorted(candidates, key=lambda c: (c != prefer, *load.get(c, (0, 0)), c))
