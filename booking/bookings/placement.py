"""Placing a booking with a free caseworker, without ever booking one twice.

On SQLite the caller's immediate transaction serialises writers, so the check is enough. On
PostgreSQL one caseworker at a time is locked (an advisory lock), least loaded first, and
re-checked under the lock (`_locked_free_caseworkers`); a write that still collides is caught
by the exclusion constraint of migration 0002 and the next candidate is tried inside a
savepoint.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, case, func, select, text
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
    local_midnight,
    schedules_in_window,
    service_schedule,
)
from booking.slots.cache import ServiceSchedule

CASEWORKER_LOCK_CLASS = 7302
# how long a booking on PostgreSQL waits while every free caseworker is being booked by others
LOCK_PATIENCE_SECONDS = 10.0

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
        for caseworker_id in _locked_free_caseworkers(session, ordered, free, ordered_free):
            written = _write_guarded(session, write, caseworker_id)
            if written is not None:
                return written
    raise SlotUnavailable(TAKEN, field="start")


def _locked_free_caseworkers(
    session: Session,
    ordered: list[int],
    free: Callable[[int], list[int]],
    ordered_free: Callable[[], list[int]],
) -> Iterator[int]:
    """PostgreSQL: the caseworkers to book, least loaded first, each one locked and found still
    free under the lock; each is offered once.

    A caseworker whose lock another booking holds is skipped (`pg_try_advisory_xact_lock`), so
    concurrent bookings of one service spread over its caseworkers instead of queueing behind
    each other. Only when every free caseworker is locked does a booking wait, for the least
    loaded one, and only while it holds no caseworker lock itself, so no two bookings can wait
    for each other (later rounds try again after a few milliseconds). Transaction-level locks
    last until commit: a caseworker found taken under their lock stays locked, harmlessly.
    """
    offered: set[int] = set()
    holding = False
    deadline = time.monotonic() + LOCK_PATIENCE_SECONDS
    while ordered:
        for caseworker_id in ordered:
            if not _try_lock(session, caseworker_id):
                continue
            holding = True
            if free(caseworker_id):  # re-read under the lock: only their meetings and absences
                offered.add(caseworker_id)
                yield caseworker_id
        if time.monotonic() > deadline:
            return
        # who is left, now that every free caseworker was being booked or has been tried?
        ordered = [c for c in ordered_free() if c not in offered]
        if not ordered:
            return
        if holding:
            time.sleep(random.uniform(0.001, 0.005))
        else:
            _lock(session, ordered[0])  # wait for that booking to end; retried next round
            holding = True


def _write_guarded(
    session: Session, write: Callable[[int], Booking], caseworker_id: int
) -> Booking | None:
    """The exclusion constraint of migration 0002 is the last guard: a collision it catches
    (which the locks should make impossible) undoes only this attempt."""
    savepoint = session.begin_nested()
    try:
        booking = write(caseworker_id)
        session.flush()
    except IntegrityError as exc:
        savepoint.rollback()
        if not _is_exclusion_violation(exc):
            raise
        return None
    savepoint.commit()
    return booking


_LOCK = text("SELECT pg_advisory_xact_lock(:cls, :id)")
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:cls, :id)")


def _lock(session: Session, caseworker_id: int) -> None:
    session.execute(_LOCK, {"cls": CASEWORKER_LOCK_CLASS, "id": caseworker_id})


def _try_lock(session: Session, caseworker_id: int) -> bool:
    return bool(session.scalar(_TRY_LOCK, {"cls": CASEWORKER_LOCK_CLASS, "id": caseworker_id}))


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
_BOOKINGS = cast(Table, Booking.__table__).c  # Core columns: no ORM step
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
