"""Retention: a booking's personal data is kept for its service's retention period, then removed.

A booking's personal data (name, phone, e-mail, the caseworker's note, message recipients and
bodies) is kept for the service's retention period after the meeting, then anonymised. The row
itself stays, without personal data, so statistics and the audit trail keep their meaning.
Consent records stay too: they hold no personal data of their own and prove what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from booking.models import Booking, IdempotencyRecord, OneTimeCode, Service
from booking.privacy.conversations import ConversationStore
from booking.privacy.personal_data import anonymise_booking

# Used one-time codes and expired codes are useless after a day; keep them no longer.
ONE_TIME_CODE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class RetentionReport:
    bookings_anonymised: int
    one_time_codes_deleted: int
    idempotency_records_deleted: int
    conversations_deleted: int = 0


@dataclass(frozen=True)
class DueBooking:
    reference: str
    service: str
    ended_at: datetime
    conversation_id: str | None


def due_for_retention(session: Session, *, now: datetime) -> list[DueBooking]:
    """The bookings `apply_retention` would anonymise now (for the dry run); changes nothing."""
    due: list[DueBooking] = []
    for service in session.scalars(select(Service).order_by(Service.code)):
        cutoff = now - timedelta(days=service.retention_days)
        for booking in session.scalars(
            select(Booking)
            .where(
                Booking.service_id == service.id,
                Booking.end_at < cutoff,
                Booking.anonymised_at.is_(None),
            )
            .order_by(Booking.end_at)
        ):
            due.append(
                DueBooking(booking.reference, service.code, booking.end_at, booking.conversation_id)
            )
    return due


def apply_retention(
    session: Session,
    *,
    now: datetime,
    batch: int = 500,
    conversations: ConversationStore | None = None,
) -> RetentionReport:
    """Anonymise bookings whose retention period has run out; drop expired codes and replays.

    With a `conversations` store: the conversations those bookings were made in are deleted,
    and so is every conversation older than the conversation retention period.

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
            anonymise_booking(
                session,
                booking,
                now=now,
                reason="retention_period_expired",
                conversations=conversations,
            )
            anonymised += 1
    codes = session.execute(
        delete(OneTimeCode).where(OneTimeCode.expires_at < now - ONE_TIME_CODE_GRACE)
    )
    replays = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < now))
    return RetentionReport(
        bookings_anonymised=anonymised,
        one_time_codes_deleted=int(getattr(codes, "rowcount", 0) or 0),
        idempotency_records_deleted=int(getattr(replays, "rowcount", 0) or 0),
        conversations_deleted=conversations.purge(now=now) if conversations else 0,
    )
