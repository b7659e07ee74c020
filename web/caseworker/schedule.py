"""The day and the calendar: today's meetings, the FullCalendar page and its JSON feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, jsonify, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.models import Absence, Booking, BookingStatus, OutboxMessage, WorkingHours
from booking.slots import COPENHAGEN, local_date, local_midnight
from web.caseworker.common import audit, blueprint, caseworker_required, me
from web.caseworker.meetings import STATUSES
from web.errors import ApiError
from web.extensions import get_db, now

MAX_CALENDAR_DAYS = 62
FAILED_DELIVERY = ("failed", "undelivered")


@blueprint.get("/")
@caseworker_required
def today() -> str:
    moment = now()
    day = local_date(moment)
    with get_db().transaction() as db:
        meetings = _meetings_between(db, local_midnight(day), local_midnight(day + timedelta(1)))
        failed = _failed_notifications(db, [m.id for m in meetings])
        for meeting in meetings:
            audit(db, meeting, "booking.list")
    upcoming = [
        m for m in meetings if m.status == BookingStatus.CONFIRMED.value and m.end_at > moment
    ]
    return render_template(
        "caseworker/today.html",
        day=day,
        meetings=meetings,
        next_meeting=upcoming[0] if upcoming else None,
        failed=failed,
        now=moment,
        statuses=STATUSES,
        actions=current_app.view_functions,
    )


@blueprint.get("/calendar")
@caseworker_required
def calendar() -> str:
    return render_template("caseworker/calendar.html")


@blueprint.get("/events.json")
@caseworker_required
def events() -> Any:
    """FullCalendar's event source: meetings, working hours (background) and absences."""
    start = _parse_moment(request.args.get("start"), "start")
    end = _parse_moment(request.args.get("end"), "end")
    if end <= start or end - start > timedelta(days=MAX_CALENDAR_DAYS):
        raise ApiError(
            400,
            "bad_range",
            f"Perioden skal være 1 til {MAX_CALENDAR_DAYS} dage. / "
            f"The range must be 1 to {MAX_CALENDAR_DAYS} days.",
        )
    with get_db().transaction() as db:
        meetings = _meetings_between(db, start, end)
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
    return jsonify(feed)


def _meetings_between(db: Session, start: datetime, end: datetime) -> list[Booking]:
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


def _failed_notifications(db: Session, booking_ids: list[int]) -> set[int]:
    if not booking_ids:
        return set()
    rows = db.scalars(
        select(OutboxMessage.booking_id).where(
            OutboxMessage.booking_id.in_(booking_ids),
            (OutboxMessage.status == "failed") | OutboxMessage.delivery_status.in_(FAILED_DELIVERY),
        )
    )
    return {r for r in rows if r is not None}


def _parse_moment(raw: str | None, name: str) -> datetime:
    """FullCalendar sends local wall-clock times without offset for a named time zone."""
    try:
        if not raw:
            raise ValueError(name)
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ApiError(
            400, "bad_request", f"'{name}' skal være en ISO 8601-tid. / must be an ISO 8601 time."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=COPENHAGEN)
    return parsed


def _local_iso(moment: datetime) -> str:
    # Without offset: FullCalendar reads it as Europe/Copenhagen wall-clock time.
    return moment.astimezone(COPENHAGEN).replace(tzinfo=None).isoformat(timespec="minutes")


def _meeting_event(meeting: Booking) -> dict[str, Any]:
    status = {
        "confirmed": "",
        "completed": " (afholdt / completed)",
        "no_show": " (udeblev / no-show)",
    }.get(meeting.status, "")
    return {
        "id": meeting.reference,
        "title": f"{meeting.service.name_da}{status}",
        "start": _local_iso(meeting.start_at),
        "end": _local_iso(meeting.end_at),
        "url": f"{request.script_root}/caseworker/meetings/{meeting.reference}",
        "classNames": ["meeting", f"meeting--{meeting.status}"],
    }


def _absence_event(absence: Absence) -> dict[str, Any]:
    return {
        "id": f"absence-{absence.id}",
        "title": "Fravær / Absence" + (f": {absence.reason}" if absence.reason else ""),
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
