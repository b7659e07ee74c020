"""What the caseworker's forms send: weekly working hours, an absence, a new meeting time.

Plain readers over `request.form` (Flask-WTF only adds the CSRF check here): they keep what
was typed, so a refused form can be shown again as it was, and the domain's parsers raise
`ValidationFailed` naming the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import request

from booking import slots as avail
from booking.errors import BookingError, ValidationFailed
from web.i18n import error_text

ABSENCE_FIELDS = ("start_date", "start_time", "end_date", "end_time", "reason")


def hours_form() -> dict[str, str]:
    """The seven day fields as typed ("08:30-12:00, 13:00-16:00"; empty = a day off)."""
    return {f"day{d}": request.form.get(f"day{d}", "")[:200] for d in range(7)}


def parse_week(
    form: dict[str, str],
) -> tuple[dict[int, list[avail.HoursWithModes]], dict[str, str]]:
    """The week's hours by weekday, and an error message for each day that did not parse."""
    errors: dict[str, str] = {}
    week: dict[int, list[avail.HoursWithModes]] = {}
    for day in range(7):
        try:
            week[day] = avail.parse_day_hours_with_modes(form[f"day{day}"], day)
        except ValidationFailed as exc:
            errors[f"day{day}"] = error_text(exc)
    return week, errors


def absence_form() -> dict[str, str]:
    return {k: request.form.get(k, "")[:1000] for k in ABSENCE_FIELDS}


def absence_period(form: dict[str, str]) -> tuple[datetime, datetime]:
    """Start and end of the absence; a day without a time starts at 00:00 and ends at 24:00."""
    start = avail.local_moment(form["start_date"], form["start_time"] or "00:00", "start_date")
    end = avail.local_moment(form["end_date"], form["end_time"] or "00:00", "end_date")
    if not form["end_time"]:
        end += timedelta(days=1)  # a date without a time: to the end of that day
    return start, end


def absence_field(exc: BookingError) -> str:
    """The field of the absence form a refusal is shown beside."""
    return {"end": "end_date", None: "start_date"}.get(exc.field, exc.field or "start_date")


def move_start() -> datetime | None:
    """The new start a caseworker chose for a meeting (date and time in Copenhagen); None when
    both are left empty (only the mode changes)."""
    day, clock = request.form.get("date", ""), request.form.get("time", "")
    if not day and not clock:
        return None
    return avail.local_moment(day, clock, "date")


def move_mode() -> str | None:
    """The meeting mode chosen in the move form, if the form offered one."""
    return request.form.get("mode") or None


def move_field(exc: BookingError) -> str:
    """The field of the move form a refusal is shown beside."""
    return "move_date" if exc.field in ("date", "start", None) else f"move_{exc.field}"
