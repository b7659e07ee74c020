"""Loading caseworkers' schedules from the database, and the slot search behind the API."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    DateTime,
    Select,
    String,
    Table,
    bindparam,
    literal_column,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.models import Absence, Booking, BookingStatus, Service, core_table
from booking.slots.cache import (
    ServiceSchedule,
    cache_for,
    schedule_of,
)
from booking.slots.engine import (
    CaseworkerSchedule,
    Interval,
    Slot,
    free_slots,
    local_midnight,
)
from booking.slots.modes import check_mode, holds_mode

MAX_SEARCH_DAYS = 62


def load_schedules(
    session: Session,
    service: Service,
    window: Interval,
    *,
    exclude_booking_id: int | None = None,
    mode: str | None = None,
) -> list[CaseworkerSchedule]:
    """The schedules of the active caseworkers who serve `service`, for slots in `window`.

    `busy` holds all their confirmed bookings, of any service, that can conflict with a slot
    starting in the window: the window is widened by the buffer before it and by the meeting
    plus the buffer after it, because a slot starting just before the end runs past it.
    `exclude_booking_id` leaves one booking out, so a reschedule does not collide with itself.
    With `mode`, only the working intervals that hold meetings of that mode count. Who serves
    the service and their weekly hours come from the process's cache (`cache`).
    """
    return schedules_in_window(
        session,
        service_schedule(session, service),
        window,
        exclude_booking_id=exclude_booking_id,
        mode=mode,
    )


def service_schedule(session: Session, service: Service) -> ServiceSchedule:
    """Who serves `service` and their weekly hours, from the process's cache (`cache`)."""
    schedule = cache_for(session).service(session, service.code)
    if schedule is None or schedule.id != service.id:  # inactive: read it as it is
        schedule = schedule_of(session, service)
    return schedule


def schedules_in_window(
    session: Session,
    schedule: ServiceSchedule,
    window: Interval,
    *,
    exclude_booking_id: int | None = None,
    mode: str | None = None,
) -> list[CaseworkerSchedule]:
    """As `load_schedules`, for a service already in memory: reads only the absences and
    confirmed bookings that overlap the window (widened by the buffer and the meeting)."""
    ids = schedule.caseworker_ids
    if not ids:
        return []
    rules = schedule.rules
    lo = window.start - rules.buffer
    hi = window.end + rules.duration + rules.buffer
    # One statement, built once: the absences and the bookings as plain columns (not ORM
    # objects), each part answered from its (caseworker_id, end_at, ...) index alone.
    params: dict[str, Any] = {"ids": ids, "lo": lo, "hi": hi}
    statement = _WINDOW
    if exclude_booking_id is not None:
        statement, params["exclude"] = _WINDOW_EXCEPT, exclude_booking_id
    absences: dict[int, list[Interval]] = defaultdict(list)
    busy: dict[int, list[Interval]] = defaultdict(list)
    for is_booking, cw_id, start, end in session.execute(statement, params):
        (busy if is_booking else absences)[cw_id].append(Interval(start, end))

    return [
        CaseworkerSchedule(
            caseworker_id=cw_id,
            weekly_hours=tuple(
                (weekday, opens, closes)
                for weekday, opens, closes, modes in schedule.weekly_hours[cw_id]
                if holds_mode(modes, mode)
            ),
            absences=tuple(sorted(absences[cw_id], key=_by_start)),
            busy=tuple(sorted(busy[cw_id], key=_by_start)),
        )
        for cw_id in ids
    ]


def search_slots(
    session: Session,
    service_code: str,
    date_from: date,
    date_to: date,
    *,
    now: datetime,
    mode: str | None = None,
) -> list[Slot]:
    """Free slots of a service on the Copenhagen dates date_from..date_to (inclusive).

    With `mode`, only times a caseworker holds meetings of that mode. Raises `NotFound` for an
    unknown or inactive service, `ValidationFailed` when the range is reversed or longer than
    `MAX_SEARCH_DAYS` days, or the service does not offer `mode`.
    """
    if date_to < date_from:
        raise ValidationFailed(
            N_("The end date is before the start date."),
            field="to",
        )
    if (date_to - date_from).days + 1 > MAX_SEARCH_DAYS:
        raise ValidationFailed(
            N_("At most %(days)s days can be searched at a time."),
            field="to",
            days=MAX_SEARCH_DAYS,
        )
    service = cache_for(session).service(session, service_code)
    if service is None:
        raise NotFound(N_("The service does not exist."), field="service")
    if mode is not None:
        check_mode(service, mode)
    window = Interval(local_midnight(date_from), local_midnight(date_to + timedelta(days=1)))
    schedules = schedules_in_window(session, service, window, mode=mode)
    return free_slots(
        service.rules,
        schedules,
        window_start=window.start,
        window_end=window.end,
        now=now,
    )


class _Moment(TypeDecorator[datetime]):
    """A UTC timestamp as slot search reads thousands of them: on SQLite the stored text is
    parsed once per distinct value (bookings sit on a grid, so most repeat); elsewhere as
    `UTCDateTime`. Read-only: only used on selected columns."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(String() if dialect.name == "sqlite" else self.impl)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return _parse_utc(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@lru_cache(maxsize=8192)
def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _moment(column: ColumnElement[datetime]) -> ColumnElement[datetime]:
    return type_coerce(column, _Moment())


def _by_start(interval: Interval) -> datetime:
    return interval.start


# Built once: a statement object keeps its cache key, so it is neither built nor keyed again
# on every search or booking. The ids are an expanding parameter: `IN (?, ?, …)` as before.
def _window(*, except_booking: bool) -> CompoundSelect:
    # the tables' columns, not the mapped attributes: plain Core statements, no ORM step
    absences = _overlapping(core_table(Absence), kind=0)
    booking_table = core_table(Booking)
    b = booking_table.c
    bookings = _overlapping(booking_table, kind=1).where(b.status == BookingStatus.CONFIRMED.value)
    if except_booking:
        bookings = bookings.where(b.id != bindparam("exclude"))
    return union_all(absences, bookings)


def _overlapping(table: Table, *, kind: int) -> Select[Any]:
    """The rows of `table` that overlap the window, tagged with `kind`."""
    columns = table.c
    return select(
        literal_column(str(kind)),
        columns.caseworker_id,
        _moment(columns.start_at),
        _moment(columns.end_at),
    ).where(
        columns.caseworker_id.in_(bindparam("ids", expanding=True)),
        columns.end_at > bindparam("lo"),
        columns.start_at < bindparam("hi"),
    )


_WINDOW = _window(except_booking=False)
_WINDOW_EXCEPT = _window(except_booking=True)
