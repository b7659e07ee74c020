"""The caseworker pages that forms come back to: one meeting, and working hours and absences.

A failed form post renders its page again with the errors (and what was typed), so each page
is a function the views share.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from booking import slots as avail
from booking.i18n import N_
from booking.meetings import display_phone, meeting_place, mode_name
from booking.models import OutboxMessage
from web.caseworker.access import my_caseworker, own_booking
from web.extensions import get_db, now
from web.i18n import current_language
from web.staff import audit

# Message ids (English); the templates translate them with _().
PURPOSES = {
    "booking": N_("Processing of the booking"),
    "sms_reminders": N_("SMS reminders"),
    "chat_transcript": N_("Keep chat transcript"),
}
STATUSES = {
    "confirmed": N_("Confirmed"),
    "cancelled": N_("Cancelled"),
    "completed": N_("Completed"),
    "no_show": N_("No-show"),
}
OUTBOX_STATUSES = {
    "pending": N_("Pending"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "voided": N_("Voided"),
}


def mode_label(mode: str) -> str:
    """'Telefonmøde' / 'Phone meeting', in the page's language."""
    return mode_name(mode, current_language(), capital=True)


def meeting_page(reference: str, *, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    """Render the details page (also after a failed form, with its errors)."""
    with get_db().transaction() as db:
        booking = own_booking(db, reference)
        notifications = db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.booking_id == booking.id)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
        ).all()
        audit(db, "booking.view", booking=booking)
        place = meeting_place(booking, current_language())
        offered = avail.service_modes(booking.service)
    page = render_template(
        "caseworker/meeting.html",
        booking=booking,
        mode_label=mode_label(booking.mode),
        place=place,
        call_number=display_phone(booking.citizen_phone) if booking.mode == "phone" else "",
        modes=[(m, mode_label(m)) for m in offered],
        notifications=notifications,
        purposes=PURPOSES,
        statuses=STATUSES,
        outbox_statuses=OUTBOX_STATUSES,
        errors=errors or {},
        actions=current_app.view_functions,
    )
    return page, status


def availability_page(
    *, errors: dict[str, str] | None = None, form: dict[str, str] | None = None, status: int = 200
) -> Any:
    """The weekly hours and the absences (with the meetings they hit); after a failed form,
    with its errors and what was typed."""
    with get_db().transaction() as db:
        caseworker = my_caseworker(db)
        week = {day: avail.format_day_hours(caseworker.working_hours, day) for day in range(7)}
        absences = avail.meetings_hit_by_absences(db, caseworker, now=now())
        for _absence, meetings in absences:
            for meeting in meetings:
                meeting.service  # noqa: B018 - load before the session closes
    if form:
        week.update({int(k[3:]): v for k, v in form.items() if k.startswith("day")})
    page = render_template(
        "caseworker/availability.html",
        week=week,
        weekdays=avail.WEEKDAYS,
        absences=absences,
        errors=errors or {},
        form=form or {},
    )
    return page, status
