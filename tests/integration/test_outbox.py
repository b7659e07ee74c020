"""Writing notifications into the outbox inside the booking's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.db import Database
from booking.models import OutboxMessage
from booking.notify import NotifySettings, outbox
from tests.support.factories import make_booking, make_caseworker, make_service

NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
SETTINGS = NotifySettings(
    public_base_url="https://booking.eksempel.dk",
    secret_key="s" * 40,
    municipality_name="Eksempel Kommune",
    municipality_phone="+45 70 12 34 56",
)


@pytest.fixture
def db(any_app: Flask) -> Database:
    """This module runs on SQLite and on PostgreSQL."""
    database: Database = any_app.extensions["database"]
    return database


def new_booking(session: Session, **kwargs: object):  # type: ignore[no-untyped-def]
    service = make_service(session, reminder_offsets_minutes=[1440, 60])
    caseworker = make_caseworker(session, services=[service])
    return make_booking(session, service=service, caseworker=caseworker, **kwargs)  # type: ignore[arg-type]


def rows(session: Session, booking_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.booking_id == booking_id)
            .order_by(OutboxMessage.due_at, OutboxMessage.channel)
        )
    )


def test_a_booking_with_reminder_consent_queues_confirmation_email_and_two_reminders(
    db: Database,
) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START, consents=("booking", "sms_reminders"))
        outbox.on_booking_created(session, booking, now=NOW, settings=SETTINGS)
        booking_id = booking.id
    with db.transaction() as session:
        found = [(m.kind, m.channel, m.due_at, m.status) for m in rows(session, booking_id)]
    assert found == [
        ("confirmation", "email", NOW, "pending"),
        ("confirmation", "sms", NOW, "pending"),
        ("reminder", "sms", START - timedelta(hours=24), "pending"),
        ("reminder", "sms", START - timedelta(hours=1), "pending"),
    ]


def test_without_reminder_consent_only_the_confirmation_is_queued(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START, email=None)
        outbox.on_booking_created(session, booking, now=NOW, settings=SETTINGS)
        kinds = [(m.kind, m.channel) for m in rows(session, booking.id)]
    assert kinds == [("confirmation", "sms")]


def test_reminders_whose_time_has_passed_are_not_queued(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START, consents=("booking", "sms_reminders"))
        outbox.on_booking_created(
            session, booking, now=START - timedelta(hours=3), settings=SETTINGS
        )
        reminders = [m.due_at for m in rows(session, booking.id) if m.kind == "reminder"]
    assert reminders == [START - timedelta(hours=1)]


def test_the_confirmation_carries_the_manage_link_and_the_meeting_link(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START)
        outbox.on_booking_created(
            session, booking, now=NOW, settings=SETTINGS, manage_token="tok-123"
        )
        sms = next(m for m in rows(session, booking.id) if m.channel == "sms")
        reference = booking.reference
    assert f"https://booking.eksempel.dk/booking/{reference}?token=tok-123" in (sms.body or "")
    assert f"https://booking.eksempel.dk/m/{reference}/" in (sms.body or "")
    assert sms.recipient == "+4512345678"


def test_rescheduling_voids_old_reminders_and_queues_a_change_and_new_ones(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START, consents=("booking", "sms_reminders"))
        outbox.on_booking_created(session, booking, now=NOW, settings=SETTINGS)
        booking_id = booking.id
    new_start = START + timedelta(days=2)
    with db.transaction() as session:
        booking = session.get(type(booking), booking_id)
        assert booking is not None
        booking.start_at, booking.end_at = new_start, new_start + timedelta(minutes=30)
        booking.sequence += 1
        outbox.on_booking_rescheduled(
            session, booking, previous_start=START, now=NOW, settings=SETTINGS
        )
    with db.transaction() as session:
        all_rows = rows(session, booking_id)
    voided = [m.due_at for m in all_rows if m.status == "voided"]
    live_reminders = [m.due_at for m in all_rows if m.kind == "reminder" and m.status == "pending"]
    assert voided == [START - timedelta(hours=24), START - timedelta(hours=1)]
    assert live_reminders == [new_start - timedelta(hours=24), new_start - timedelta(hours=1)]
    change = [m for m in all_rows if m.kind == "change"]
    assert {m.channel for m in change} == {"sms", "email"}
    assert all(m.payload["sequence"] == 1 for m in change if m.channel == "email")


def test_cancelling_voids_reminders_and_queues_the_cancellation(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START, consents=("booking", "sms_reminders"))
        outbox.on_booking_created(session, booking, now=NOW, settings=SETTINGS)
        booking.status = "cancelled"
        outbox.on_booking_cancelled(session, booking, now=NOW, settings=SETTINGS)
        booking_id = booking.id
    with db.transaction() as session:
        all_rows = rows(session, booking_id)
    assert [m.status for m in all_rows if m.kind == "reminder"] == ["voided", "voided"]
    cancellation = {m.channel: m for m in all_rows if m.kind == "cancellation"}
    assert set(cancellation) == {"sms", "email"}
    assert cancellation["email"].payload["ics_method"] == "CANCEL"
    invite = Calendar.from_ical(cancellation["email"].payload["ics"])
    assert invite["METHOD"] == "CANCEL"


def test_the_confirmation_email_carries_the_invite_for_this_booking(db: Database) -> None:
    with db.transaction() as session:
        booking = new_booking(session, start=START)
        outbox.on_booking_created(session, booking, now=NOW, settings=SETTINGS)
        email = next(m for m in rows(session, booking.id) if m.channel == "email")
        reference = booking.reference
    invite = Calendar.from_ical(email.payload["ics"])
    assert invite["METHOD"] == "REQUEST"
    event = next(iter(invite.walk("VEVENT")))
    assert event.decoded("dtstart").astimezone(UTC) == START
    assert str(event["uid"]).startswith(reference)
    assert email.subject == "Eksempel Kommune: Bekræftelse: videomøde mandag 7. jan. kl. 10.00"


def test_settings_come_from_the_app_config() -> None:
    settings = NotifySettings.from_mapping(
        {
            "PUBLIC_BASE_URL": "https://b.example.dk/",
            "SECRET_KEY": "k" * 40,
            "MUNICIPALITY_NAME": "Aarhus Kommune",
            "MUNICIPALITY_PHONE": "+45 89 40 20 00",
        }
    )
    assert settings.public_base_url == "https://b.example.dk"
    assert settings.municipality_name == "Aarhus Kommune"
