"""Personal data disappears when the retention period ends; export shows everything held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from booking.db import Database
from booking.models import AuditEvent, Booking, IdempotencyRecord, OneTimeCode, OutboxMessage
from booking.privacy import apply_retention, export_booking
from tests.support.factories import (
    make_booking,
    make_caseworker,
    make_outbox_message,
    make_service,
)

MEETING = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _setup(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        service = make_service(session, retention_days=90)
        caseworker = make_caseworker(session, services=[service])
        old = make_booking(session, service=service, caseworker=caseworker, start=MEETING)
        recent = make_booking(
            session, service=service, caseworker=caseworker, start=MEETING + timedelta(days=60)
        )
        make_outbox_message(session, booking=old, status="sent")
        make_outbox_message(session, booking=old, status="pending")
        session.add(
            OneTimeCode(
                booking_id=old.id, code_hash="x" * 64, expires_at=MEETING - timedelta(days=2)
            )
        )
        session.add(
            IdempotencyRecord(
                scope="s",
                key="k",
                request_hash="h",
                booking_id=old.id,
                response_encrypted=b"secret",
                expires_at=MEETING + timedelta(days=1),
            )
        )
        return old.id, recent.id


def test_expired_bookings_lose_all_personal_data_and_recent_ones_keep_it(
    database_url: str,
) -> None:
    database = Database(database_url)
    old_id, recent_id = _setup(database)
    now = MEETING + timedelta(days=91)

    with database.transaction() as session:
        report = apply_retention(session, now=now)
    assert report.bookings_anonymised == 1

    with database.transaction() as session:
        old = session.get(Booking, old_id)
        recent = session.get(Booking, recent_id)
        assert old is not None and recent is not None
        assert (old.citizen_name, old.citizen_phone, old.citizen_email) == (None, None, None)
        assert old.anonymised_at == now
        assert old.reference  # the row stays for statistics
        assert recent.citizen_name == "Anna Jensen"
        messages = session.scalars(
            select(OutboxMessage).where(OutboxMessage.booking_id == old_id)
        ).all()
        assert all(m.recipient is None and m.body is None for m in messages)
        assert {m.status for m in messages} == {"sent", "voided"}
        assert session.scalar(select(func.count(OneTimeCode.id))) == 0
        assert session.scalar(select(func.count(IdempotencyRecord.id))) == 0
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions == ["booking.anonymised"]

    # A second pass finds nothing left to do.
    with database.transaction() as session:
        assert apply_retention(session, now=now).bookings_anonymised == 0
    database.dispose()


def test_nothing_is_anonymised_before_the_retention_period_ends(database_url: str) -> None:
    database = Database(database_url)
    _setup(database)
    with database.transaction() as session:
        report = apply_retention(session, now=MEETING + timedelta(days=89))
    assert report.bookings_anonymised == 0
    database.dispose()


def test_export_lists_the_citizens_data_consents_and_notifications(database_url: str) -> None:
    database = Database(database_url)
    old_id, _ = _setup(database)
    with database.transaction() as session:
        exported = export_booking(session, old_id)
    assert exported["citizen"] == {
        "name": "Anna Jensen",
        "phone": "+4512345678",
        "email": "anna@example.dk",
    }
    assert exported["consents"][0]["purpose"] == "booking"
    assert exported["consents"][0]["text_version"] == 1
    assert [n["status"] for n in exported["notifications"]] == ["sent", "pending"]
    assert exported["retention_days"] == 90
    database.dispose()
