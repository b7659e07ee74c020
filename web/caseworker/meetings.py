"""One meeting: the citizen's details, consents, notifications, and starting the meeting."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from booking.models import OutboxMessage
from web.caseworker.common import audit, blueprint, caseworker_required, own_booking
from web.extensions import get_db

PURPOSES = {
    "booking": "Behandling af booking / Processing of the booking",
    "sms_reminders": "SMS-påmindelser / SMS reminders",
    "chat_transcript": "Gem chatsamtale / Keep chat transcript",
}
STATUSES = {
    "confirmed": "Bekræftet / Confirmed",
    "cancelled": "Aflyst / Cancelled",
    "completed": "Afholdt / Completed",
    "no_show": "Udeblevet / No-show",
}
OUTBOX_STATUSES = {
    "pending": "Venter / Pending",
    "sending": "Sendes / Sending",
    "sent": "Sendt / Sent",
    "failed": "Fejlet / Failed",
    "voided": "Annulleret / Voided",
}


def meeting_page(reference: str, *, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    """Render the details page (also after a failed form, with its errors)."""
    with get_db().transaction() as db:
        booking = own_booking(db, reference)
        notifications = db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.booking_id == booking.id)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
        ).all()
        audit(db, booking, "booking.view")
    page = render_template(
        "caseworker/meeting.html",
        booking=booking,
        notifications=notifications,
        purposes=PURPOSES,
        statuses=STATUSES,
        outbox_statuses=OUTBOX_STATUSES,
        errors=errors or {},
        actions=current_app.view_functions,
    )
    return page, status


@blueprint.get("/meetings/<reference>")
@caseworker_required
def meeting(reference: str) -> Any:
    return meeting_page(reference)
