"""Small factories for test data, with keyword defaults. They write models directly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from booking.models import (
    Booking,
    Caseworker,
    ConsentRecord,
    OutboxMessage,
    Service,
    WorkingHours,
)
from booking.privacy import publish_text


def make_service(session: Session, *, code: str = "jobcenter", **overrides: object) -> Service:
    fields: dict[str, object] = {
        "code": code,
        "name_da": f"Møde ({code})",
        "name_en": f"Meeting ({code})",
        "duration_minutes": 30,
        "buffer_minutes": 0,
        "slot_step_minutes": 30,
        "min_notice_minutes": 60,
        "horizon_days": 60,
        "retention_days": 90,
    }
    fields.update(overrides)
    service = Service(**fields)
    session.add(service)
    session.flush()
    return service


def make_caseworker(
    session: Session,
    *,
    services: list[Service],
    name: str = "Mette Jensen",
    email: str | None = None,
    weekdays: range = range(5),
    hours: tuple[time, time] = (time(8, 0), time(16, 0)),
) -> Caseworker:
    caseworker = Caseworker(name=name, email=email or f"{secrets.token_hex(4)}@example.dk")
    caseworker.services = list(services)
    caseworker.working_hours = [
        WorkingHours(weekday=d, start_time=hours[0], end_time=hours[1]) for d in weekdays
    ]
    session.add(caseworker)
    session.flush()
    return caseworker


def make_booking(
    session: Session,
    *,
    service: Service,
    caseworker: Caseworker,
    start: datetime | None = None,
    status: str = "confirmed",
    name: str = "Anna Jensen",
    phone: str = "+4512345678",
    email: str | None = "anna@example.dk",
    language: str = "da",
    consents: tuple[str, ...] = ("booking",),
) -> Booking:
    start = start or datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    booking = Booking(
        reference=secrets.token_hex(4).upper(),
        service=service,
        caseworker=caseworker,
        start_at=start,
        end_at=start + timedelta(minutes=service.duration_minutes),
        status=status,
        citizen_name=name,
        citizen_phone=phone,
        citizen_email=email,
        language=language,
        channel="chat",
        room_name=secrets.token_hex(16),
        manage_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
    )
    session.add(booking)
    for purpose in consents:
        session.add(
            ConsentRecord(
                booking=booking,
                purpose=purpose,
                language=language,
                text_version=1,
                text_hash="0" * 64,
                channel="chat",
                given_at=start - timedelta(days=3),
            )
        )
    session.flush()
    return booking


def make_outbox_message(
    session: Session, *, booking: Booking, **overrides: object
) -> OutboxMessage:
    fields: dict[str, object] = {
        "booking_id": booking.id,
        "kind": "reminder",
        "channel": "sms",
        "recipient": booking.citizen_phone,
        "body": "Påmindelse / Reminder",
        "due_at": booking.start_at - timedelta(hours=1),
    }
    fields.update(overrides)
    message = OutboxMessage(**fields)
    session.add(message)
    session.flush()
    return message


def publish_demo_consent_texts(session: Session) -> None:
    for purpose in ("booking", "sms_reminders", "chat_transcript"):
        for language in ("da", "en"):
            publish_text(session, purpose=purpose, language=language, text=f"{purpose} {language}")
