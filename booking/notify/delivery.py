"""What Twilio tells us after sending: delivery statuses and citizens' STOP replies."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.models import Booking, OutboxMessage
from booking.notify.outbox import stop_booking_sms_reminders

# Twilio's message statuses in the order they can happen; a status never moves backwards
# (callbacks can arrive out of order: 'sent' after 'delivered' must not undo 'delivered').
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}
OUTBOX_REF = re.compile(r"^outbox-(\d{1,18})$")
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPP"})


def record_delivery_status(
    session: Session,
    *,
    provider_message_id: str,
    status: str,
    now: datetime,
    error_code: str | None = None,
    reference: str | None = None,
) -> bool:
    """Move the outbox row's delivery status forward; returns False when nothing changed.

    `reference` is the `ref` the sender put in the callback URL ("outbox-<id>"). It settles
    a row whose worker died before recording Twilio's id: the callback proves it was sent.
    """
    status = status.strip().lower()
    if status not in STATUS_RANK:
        return False
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_message_id)
    )
    if message is None:
        message = _unrecorded(session, reference)
        if message is None:
            return False
        message.status = "sent"
        message.provider_message_id = provider_message_id
        message.sent_at = now
        message.lease_until = None
        message.body = None
        message.payload = {"reference": (message.payload or {}).get("reference")}
    current = STATUS_RANK.get(message.delivery_status or "", -1)
    if STATUS_RANK[status] <= current:
        return False
    message.delivery_status = status
    if status in ("undelivered", "failed"):
        message.last_error = f"Twilio: {status}" + (f" (error {error_code})" if error_code else "")
    return True


def _unrecorded(session: Session, reference: str | None) -> OutboxMessage | None:
    match = OUTBOX_REF.match(reference or "")
    if not match:
        return None
    message = session.get(OutboxMessage, int(match.group(1)))
    if message is None or message.provider_message_id or message.status != "sending":
        return None
    return message


def is_stop(body: str, opt_out_type: str | None) -> bool:
    """Twilio's Advanced Opt-Out sets OptOutType; without it, look at the first word."""
    if opt_out_type:
        return opt_out_type.strip().upper() == "STOP"
    words = body.strip().upper().split()
    return bool(words) and words[0] in STOP_WORDS


def stop_sms_reminders(session: Session, phone: str, *, now: datetime, via: str) -> int:
    """Withdraw `sms_reminders` consent on every booking with this phone; void their reminders.

    Returns how many bookings had a consent withdrawn. START re-allows nothing: reminders
    come back only with a new consent given through the booking flow.
    """
    bookings = session.scalars(
        select(Booking)
        .where(Booking.citizen_phone == phone)
        .options(selectinload(Booking.consents))
    ).all()
    withdrawn = 0
    for booking in bookings:
        if stop_booking_sms_reminders(session, booking, now=now, via=via):
            withdrawn += 1
    return withdrawn
