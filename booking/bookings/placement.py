"""Placing a booking with a free caseworker, without ever booking one twice.

On SQLite the caller's immediate transaction serialises writers, so the check is enough. On
PostgreSQL one caseworker at a time is locked (an advisory lock), least loaded first, and
re-checked under the lock, each attempt in a savepoint that lets the lock go again when the
caseworker turns out taken (`_place_locked`); a write that still collides is caught by the
exclusion constraint of migration 0002 and the next candidate is tried.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.db import advisory_xact_lock, try_advisory_xact_lock
from booking.errors import InvalidStart, SlotUnavailable
from booking.i18n import N_
from booking.models import Booking, BookingStatus, Service, core_table
from booking.slots import (
    COPENHAGEN,
    Interval,
    ServiceRules,
    free_caseworkers,
    local_midnight,
    schedules_in_window,
    service_schedule,
)
from booking.slots.cache import ServiceSchedule

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
    schedule: ServiceSchedule | None = None,
) -> Booking:
    """Write the booking at `start` for a free caseworker (`write(caseworker_id)`), or raise.

    InvalidStart when nobody works then at all (in `mode`, when given), SlotUnavailable when
    everyone is taken; `prefer` (rescheduling) keeps the booking's caseworker when they are free.
    `schedule` is the service's cached schedule when the caller has just read it.
    """
    window = Interval(start, start + rules.duration)
    if schedule is None or schedule.id != service.id:
        schedule = service_schedule(session, service)

    def free(only: int | None = None) -> list[int]:
        """The caseworkers (or just `only`) free at `start` now; raises when there is none."""
        scope = schedule if only is None else replace(schedule, caseworker_ids=(only,))
        schedules = schedules_in_window(
            session, scope, window, exclude_booking_id=exclude_booking_id, mode=mode
        )
        candidates = free_caseworkers(rules, schedules, start, now=now)
        if not candidates and only is None:
            unbooked = [replace(s, busy=()) for s in schedules]
            if not free_caseworkers(rules, unbooked, start, now=now):
                raise InvalidStart(NOT_OFFERED, field="start")
            raise SlotUnavailable(TAKEN, field="start")
        return candidates

    def ordered_free() -> list[int]:
        return _least_loaded_first(session, free(), start, prefer=prefer)

    with session.no_autoflush:
        ordered = ordered_free()
        if session.get_bind().dialect.name != "postgresql":
            # The immediate transaction holds SQLite's write lock: nothing can collide.
            booking = write(ordered[0])
            session.flush()
            return booking
        return _place_locked(session, ordered, free, ordered_free, write)


class _Outcome(enum.Enum):
    BUSY = "another booking holds the caseworker's lock"
    TAKEN = "the caseworker was found taken under the lock"


def _place_locked(
    session: Session,
    ordered: list[int],
    free: Callable[[int], list[int]],
    ordered_free: Callable[[], list[int]],
    write: Callable[[int], Booking],
) -> Booking:
    """PostgreSQL: book the first of the free caseworkers (least loaded first) whose lock can be
    had and who is still free under it.

    A caseworker whose lock another booking holds is skipped (`pg_try_advisory_xact_lock`), so
    concurrent bookings of one service spread over its caseworkers instead of queueing behind
    each other. Only when every free caseworker is locked does a booking wait, for the least
    loaded one. Each attempt is a savepoint, and a caseworker found taken under the lock is let
    go at once by rolling it back: a booking never holds a caseworker lock while it tries or
    waits for another, so two bookings can neither deadlock nor keep skipping each other. Each
    round books or finds one more caseworker taken, so the loop ends.
    """
    taken: set[int] = set()
    while ordered:
        for caseworker_id in ordered:
            outcome = _attempt(session, caseworker_id, free, write, wait=False)
            if isinstance(outcome, Booking):
                return outcome
            if outcome is _Outcome.TAKEN:
                taken.add(caseworker_id)
        # who is left, now that every free caseworker was being booked or has been tried?
        ordered = [c for c in ordered_free() if c not in taken]
        if not ordered:
            break
        outcome = _attempt(session, ordered[0], free, write, wait=True)
        if isinstance(outcome, Booking):
            return outcome
        taken.add(ordered[0])
        ordered = ordered[1:]
    raise SlotUnavailable(TAKEN, field="start")


def _attempt(
    session: Session,
    caseworker_id: int,
    free: Callable[[int], list[int]],
    write: Callable[[int], Booking],
    *,
    wait: bool,
) -> Booking | _Outcome:
    """Lock the caseworker (waiting for the lock when `wait`), re-check them under the lock and
    write the booking, all inside a savepoint; anything but a booking rolls the savepoint back,
    which also releases the lock taken in it.

    The exclusion constraint of migration 0002 is the last guard: a collision it catches
    (which the locks should make impossible) counts as taken.
    """
    savepoint = session.begin_nested()
    if wait:
        advisory_xact_lock(session, CASEWORKER_LOCK_CLASS, caseworker_id)
    elif not try_advisory_xact_lock(session, CASEWORKER_LOCK_CLASS, caseworker_id):
        savepoint.rollback()
        return _Outcome.BUSY
    if not free(caseworker_id):  # re-read under the lock: only their meetings and absences
        savepoint.rollback()
        return _Outcome.TAKEN
    try:
        booking = write(caseworker_id)
        session.flush()
    except IntegrityError as exc:
        savepoint.rollback()
        if not _is_exclusion_violation(exc):
            raise
        return _Outcome.TAKEN
    savepoint.commit()
    return booking


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
    rows = session.execute(
        _LOAD,
        {
            "ids": list(candidates),
            "day_start": local_midnight(day),
            "day_end": local_midnight(day + timedelta(1)),
            "week_start": local_midnight(monday),
            "week_end": local_midnight(monday + timedelta(7)),
        },
    )
    load = {int(cw): (int(day_count), int(week_count)) for cw, day_count, week_count in rows}
    return sorted(candidates, key=lambda c: (c != prefer, *load.get(c, (0, 0)), c))


# One query for both counts: the week's bookings, and those of them on the day. Built once, so
# it is neither built nor keyed again for every booking.
_BOOKINGS = core_table(Booking).c  # Core columns: no ORM step
_LOAD = (
    select(
        _BOOKINGS.caseworker_id,
        func.sum(
            case(
                (
                    and_(
                        _BOOKINGS.start_at >= bindparam("day_start"),
                        _BOOKINGS.start_at < bindparam("day_end"),
                    ),
                    1,
                ),
                else_=0,
            )
        ),
        func.count(),
    )
    .where(
        _BOOKINGS.caseworker_id.in_(bindparam("ids", expanding=True)),
        _BOOKINGS.status == BookingStatus.CONFIRMED.value,
        _BOOKINGS.start_at >= bindparam("week_start"),
        _BOOKINGS.start_at < bindparam("week_end"),
    )
    .group_by(_BOOKINGS.caseworker_id)
)
