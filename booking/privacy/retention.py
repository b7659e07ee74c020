"""Retention and the citizen's data rights: automatic anonymisation, export and erasure.

A booking's personal data (name, phone, e-mail, the caseworker's note, message recipients and
bodies) is kept for the service's retention period after the meeting, then anonymised. The row
itself stays, without personal data, so statistics and the audit trail keep their meaning.
Consent records stay too: they hold no personal data of their own and prove what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from booking.models import (
    Booking,
    IdempotencyRecord,
    OneTimeCode,
    OutboxMessage,
    Service,
)
from booking.privacy.audit import record_event

# Used one-time codes and expired codes are useless after a day; keep them no longer.
ONE_TIME_CODE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class RetentionReport:
    bookings_anonymised: int
    one_time_codes_deleted: int
    idempotency_records_deleted: int


def anonymise_booking(session: Session, booking: Booking, *, now: datetime, reason: str) -> None:
    """Remove every piece of personal data held about the citizen of `booking`."""
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


def apply_retention(session: Session, *, now: datetime, batch: int = 500) -> RetentionReport:
    """Anonymise bookings whose retention period has run out; drop expired codes and replays.

    Runs in the caller's transaction; safe to run again and from several workers (each
    booking is only anonymised once, and a second pass finds nothing left to do).
    """
    anonymised = 0
    for service in session.scalars(select(Service)):
        cutoff = now - timedelta(days=service.retention_days)
        expired = session.scalars(
            select(Booking)
            .where(
                Booking.service_id == service.id,
                Booking.end_at < cutoff,
                Booking.anonymised_at.is_(None),
            )
            .order_by(Booking.id)
            .limit(batch)
        ).all()
        for booking in expired:
            anonymise_booking(session, booking, now=now, reason="retention_period_expired")
            anonymised += 1
    codes = session.execute(
        delete(OneTimeCode).where(OneTimeCode.expires_at < now - ONE_TIME_CODE_GRACE)
    )
    replays = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < now))
    return RetentionReport(
        bookings_anonymised=anonymised,
        one_time_codes_deleted=int(getattr(codes, "rowcount", 0) or 0),
        idempotency_records_deleted=int(getattr(replays, "rowcount", 0) or 0),
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
