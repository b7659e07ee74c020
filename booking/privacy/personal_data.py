"""What is held about a citizen, for their rights: all of it as JSON, or all of it removed.

The export answers the rights of access and portability (GDPR art. 15 and 20); anonymisation
is erasure (art. 17) and also what retention does when a booking's time is up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from booking.models import Booking, IdempotencyRecord, OneTimeCode, OutboxMessage
from booking.privacy.audit import record_event
from booking.privacy.conversations import ConversationStore


def anonymise_booking(
    session: Session,
    booking: Booking,
    *,
    now: datetime,
    reason: str,
    conversations: ConversationStore | None = None,
) -> None:
    """Remove every piece of personal data held about the citizen of `booking`.

    With a `conversations` store, the assistant conversation the booking was made in is deleted
    too (before this transaction commits: if that fails, nothing is anonymised and it can be
    tried again).
    """
    if conversations is not None and booking.conversation_id:
        conversations.delete([booking.conversation_id])
        booking.conversation_id = None
    booking.citizen_name = None
    booking.citizen_phone = None
    booking.citizen_email = None
    booking.caseworker_note = None
    booking.cancel_reason = None
    booking.anonymised_at = now
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.booking_id == booking.id)
        .values(recipient=None, body=None, subject=None, payload={})
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.booking_id == booking.id, OutboxMessage.status == "pending")
        .values(status="voided", last_error="anonymised")
    )
    session.execute(delete(OneTimeCode).where(OneTimeCode.booking_id == booking.id))
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.booking_id == booking.id))
    record_event(
        session,
        actor_type="system",
        actor_id=None,
        action="booking.anonymised",
        booking_id=booking.id,
        detail={"reason": reason},
        now=now,
    )


def export_booking(session: Session, booking_id: int) -> dict[str, Any]:
    """Everything held about the citizen of one booking (GDPR art. 15 and 20), as plain JSON."""
    booking = session.scalars(
        select(Booking)
        .where(Booking.id == booking_id)
        .options(selectinload(Booking.consents), selectinload(Booking.service))
    ).one()
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.booking_id == booking.id)
        .order_by(OutboxMessage.id)
    )
    return {
        "reference": booking.reference,
        "service": booking.service.code,
        "start": booking.start_at.isoformat(),
        "end": booking.end_at.isoformat(),
        "status": booking.status,
        "citizen": {
            "name": booking.citizen_name,
            "phone": booking.citizen_phone,
            "email": booking.citizen_email,
        },
        "language": booking.language,
        "channel": booking.channel,
        "caseworker_note": booking.caseworker_note,
        "created_at": booking.created_at.isoformat(),
        "cancelled_at": _iso(booking.cancelled_at),
        "retention_days": booking.service.retention_days,
        "consents": [
            {
                "purpose": c.purpose,
                "language": c.language,
                "text_version": c.text_version,
                "text_sha256": c.text_hash,
                "channel": c.channel,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in booking.consents
        ],
        "notifications": [
            {
                "kind": m.kind,
                "channel": m.channel,
                "status": m.status,
                "due_at": m.due_at.isoformat(),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
