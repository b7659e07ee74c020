"""Booking reads the service, the consent texts and the municipality facts from the process's
cache (`booking.slots.cache`); an administrator's change is seen by the very next booking.

Two `Database` objects on the same database stand for two gunicorn workers: each has its own
engine, so its own cache, and only the `schedule_versions` counter tells one about the other's
changes. Each test books once first, so the cache is warm when the change is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from booking import bookings
from booking.bookings import BookingRequest
from booking.db import Database
from booking.errors import ConsentMissing, NotFound
from booking.models import ConsentRecord, OutboxMessage
from booking.privacy import ConsentGiven, publish_text
from booking.settings.municipality import update_municipality
from booking.settings.services import update_service
from booking.slots import COPENHAGEN
from tests.support.factories import make_caseworker, make_service, publish_demo_consent_texts

NOW = datetime(2030, 1, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Copenhagen
TUESDAY = datetime(2030, 1, 8, tzinfo=COPENHAGEN).date()
SETTINGS = bookings.BookingSettings.from_mapping(
    {
        "SECRET_KEY": "s" * 40,
        "PUBLIC_BASE_URL": "https://booking.test",
        "MUNICIPALITY_NAME": "Configured Kommune",
        "MUNICIPALITY_PHONE": "+45 70 00 00 00",
    }
)


@pytest.fixture
def workers(database_url: str) -> Iterator[tuple[Database, Database]]:
    """Two app processes' databases on one database with a service, two caseworkers and the
    consent texts (version 1)."""
    first, second = Database(database_url), Database(database_url)
    with first.transaction() as session:
        service = make_service(session)
        for i in range(2):
            make_caseworker(session, services=[service], name=f"Worker {i}")
        publish_demo_consent_texts(session)
    yield first, second
    first.dispose()
    second.dispose()


def at(hour: int) -> datetime:
    return datetime.combine(TUESDAY, time(hour), tzinfo=COPENHAGEN)


def book(database: Database, hour: int, *, version: int = 1) -> bookings.BookingCreated:
    return bookings.book(
        database,
        BookingRequest(
            service="jobcenter",
            start=at(hour),
            name="Anna Jensen",
            phone="20 30 40 50",
            consents=(ConsentGiven("booking", version), ConsentGiven("sms_reminders", version)),
        ),
        now=NOW,
        settings=SETTINGS,
        idempotency_scope="test",
    )


def confirmation_sms(database: Database, reference: str) -> str:
    with database.session() as session:
        body = session.scalar(
            select(OutboxMessage.body).where(
                OutboxMessage.payload["reference"].as_string() == reference,
                OutboxMessage.kind == "confirmation",
                OutboxMessage.channel == "sms",
            )
        )
    return body or ""


def test_a_new_consent_text_version_is_required_by_the_next_booking_in_another_process(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    book(first, 9)
    with second.transaction() as session:
        publish_text(session, purpose="booking", language="da", text="New privacy notice")

    with pytest.raises(ConsentMissing):
        book(first, 10, version=1)
    with pytest.raises(ConsentMissing):  # sms_reminders is still at version 1
        book(first, 10, version=2)
    created = bookings.book(
        first,
        BookingRequest(
            service="jobcenter",
            start=at(10),
            name="Anna Jensen",
            phone="20 30 40 50",
            consents=(ConsentGiven("booking", 2), ConsentGiven("sms_reminders", 1)),
        ),
        now=NOW,
        settings=SETTINGS,
        idempotency_scope="test",
    )
    assert created.view is not None
    with first.session() as session:
        versions = dict(
            session.execute(
                select(ConsentRecord.purpose, ConsentRecord.text_version).where(
                    ConsentRecord.booking_id == created.view.id
                )
            ).all()
        )
    assert versions == {"booking": 2, "sms_reminders": 1}


def test_changed_municipality_facts_are_in_the_next_confirmation_from_another_process(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    before = book(first, 9)
    assert "Configured Kommune" in confirmation_sms(first, before.reference)
    with second.transaction() as session:
        update_municipality(
            session,
            {"name": "Nyby Kommune"},
            {"name": "Configured Kommune", "phone": "+45 70 00 00 00"},
            user_id=None,
            now=NOW,
        )

    after = book(first, 10)
    sms = confirmation_sms(first, after.reference)
    assert "Nyby Kommune" in sms and "Configured Kommune" not in sms


def test_a_service_changed_in_another_process_is_seen_by_the_next_booking(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    book(first, 9)
    with second.transaction() as session:
        update_service(
            session,
            "jobcenter",
            {"name_da": "Samtale i jobcentret", "reminder_offsets_minutes": [120]},
            user_id=None,
            now=NOW,
        )

    created = book(first, 10)
    assert created.view is not None
    assert created.view.service_name["da"] == "Samtale i jobcentret"
    with first.session() as session:
        reminders = session.scalars(
            select(OutboxMessage.due_at).where(
                OutboxMessage.booking_id == created.view.id, OutboxMessage.kind == "reminder"
            )
        ).all()
    assert reminders == [at(10) - timedelta(minutes=120)]

    with second.transaction() as session:
        update_service(session, "jobcenter", {"active": False}, user_id=None, now=NOW)
    with pytest.raises(NotFound):
        book(first, 11)


def test_a_repeated_booking_reads_neither_the_service_nor_consent_texts_nor_facts(
    workers: tuple[Database, Database],
) -> None:
    first, _ = workers
    book(first, 9)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(first.engine, "before_cursor_execute", record)
    try:
        book(first, 10)
    finally:
        event.remove(first.engine, "before_cursor_execute", record)
    read = "\n".join(statements)
    assert "schedule_versions" in read and "INSERT INTO bookings" in read
    assert "FROM services" not in read and "FROM working_hours" not in read
    assert "FROM consent_texts" not in read and "FROM municipality_facts" not in read
    assert sum("INSERT INTO outbox_messages" in s for s in statements) == 1
