"""The caseworker's meetings in a period, and FullCalendar's JSON event source.

The events are meetings, absences and working hours (as background), in Copenhagen wall-clock
time without offset, as FullCalendar reads them for a named time zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.meetings import display_phone, meeting_place, mode_name
from booking.models import Absence, Booking, BookingStatus, OutboxMessage, WorkingHours
from booking.slots import COPENHAGEN, local_date
from web.caseworker.access import me
from web.errors import ApiError
from web.i18n import current_language, localized

MAX_CALENDAR_DAYS = 62
FAILED_DELIVERY = ("failed", "undelivered")


def calendar_events(db: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """FullCalendar's events between `start` and `end` (exclusive); a range of 1 to
    MAX_CALENDAR_DAYS days, else 400."""
    if end <= start or end - start > timedelta(days=MAX_CALENDAR_DAYS):
        raise ApiError(
            400,
            "bad_range",
            gettext("The range must be 1 to %(days)s days.", days=MAX_CALENDAR_DAYS),
        )
    meetings = meetings_between(db, start, end)
    absences = db.scalars(
        select(Absence).where(
            Absence.caseworker_id == me().caseworker_id,
            Absence.start_at < end,
            Absence.end_at > start,
        )
    ).all()
    hours = db.scalars(
        select(WorkingHours).where(WorkingHours.caseworker_id == me().caseworker_id)
    ).all()
    feed = [_meeting_event(m) for m in meetings if m.status != BookingStatus.CANCELLED.value]
    feed += [_absence_event(a) for a in absences]
    last_day = local_date(end - timedelta(microseconds=1))  # end is exclusive
    feed += _working_hours_events(hours, local_date(start), last_day)
    return feed


def meetings_between(db: Session, start: datetime, end: datetime) -> list[Booking]:
    return list(
        db.scalars(
            select(Booking)
            .where(
                Booking.caseworker_id == me().caseworker_id,
                Booking.start_at < end,
                Booking.end_at > start,
            )
            .options(selectinload(Booking.service))
            .order_by(Booking.start_at)
        )
    )


def failed_notifications(db: Session, booking_ids: list[int]) -> set[int]:
    if not booking_ids:
        return set()
    rows = db.scalars(
        select(OutboxMessage.booking_id).where(
            OutboxMessage.booking_id.in_(booking_ids),
            (OutboxMessage.status == "failed") | OutboxMessage.delivery_status.in_(FAILED_DELIVERY),
        )
    )
    return {r for r in rows if r is not None}


def parse_moment(raw: str | None, name: str) -> datetime:
    """FullCalendar sends local wall-clock times without offset for a named time zone."""
    try:
        if not raw:
            raise ValueError(name)
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ApiError(
            400, "bad_request", gettext("'%(name)s' must be an ISO 8601 time.", name=name)
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=COPENHAGEN)
    return parsed


def _local_iso(moment: datetime) -> str:
    # Without offset: FullCalendar reads it as Europe/Copenhagen wall-clock time.
    return moment.astimezone(COPENHAGEN).replace(tzinfo=None).isoformat(timespec="minutes")


def _meeting_event(meeting: Booking) -> dict[str, Any]:
    name = localized(meeting.service, "name")
    title = {
        "completed": gettext("%(service)s (completed)", service=name),
        "no_show": gettext("%(service)s (no-show)", service=name),
    }.get(meeting.status, name)
    return {
        "id": meeting.reference,
        "title": _with_place(meeting, title),
        "start": _local_iso(meeting.start_at),
        "end": _local_iso(meeting.end_at),
        "url": f"{request.script_root}/caseworker/meetings/{meeting.reference}",
        "classNames": ["meeting", f"meeting--{meeting.status}", f"meeting--{meeting.mode}"],
        "extendedProps": {"mode": meeting.mode, "place": _place(meeting)},
    }


def _with_place(meeting: Booking, title: str) -> str:
    """'Telefonmøde: Samtale med Jobcenter · +45 20 30 40 50': the mode, and where or whom
    to call, readable in the calendar itself (staff only: the caseworker's own meetings)."""
    mode = mode_name(meeting.mode, current_language(), capital=True)
    place = _place(meeting)
    return f"{mode}: {title} · {place}" if place else f"{mode}: {title}"


def _place(meeting: Booking) -> str:
    """Where an in-person meeting is held; the number the caseworker calls for a phone one."""
    if meeting.mode == "phone":
        return display_phone(meeting.citizen_phone)
    place = meeting_place(meeting, current_language())
    return place.address if place else ""


def _absence_event(absence: Absence) -> dict[str, Any]:
    return {
        "id": f"absence-{absence.id}",
        "title": gettext("Absence") + (f": {absence.reason}" if absence.reason else ""),
        "start": _local_iso(absence.start_at),
        "end": _local_iso(absence.end_at),
        "classNames": ["absence"],
        "display": "block",
    }


def _working_hours_events(hours: Any, first: date, last: date) -> list[dict[str, Any]]:
    feed = []
    day = first
    while day <= last:
        for h in hours:
            if h.weekday == day.weekday():
                feed.append(
                    {
                        "start": datetime.combine(day, h.start_time).isoformat(timespec="minutes"),
                        "end": datetime.combine(day, h.end_time).isoformat(timespec="minutes"),
                        "display": "background",
                        "classNames": ["working-hours"],
                    }
                )
        day += timedelta(days=1)
    return feed
