"""Meeting modes in the use cases: what a service offers, availability per mode, booking,
changing the mode as a move, no Jitsi room for phone and in-person meetings, the messages."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from booking import bookings
from booking.bookings import ManageToken
from booking.db import Database
from booking.errors import InvalidStart, SlotUnavailable, ValidationFailed
from booking.models import AuditEvent, Booking, OutboxMessage, WorkingHours
from booking.privacy import apply_retention
from booking.slots import search_slots
from tests.integration.test_booking_services import NOW, SETTINGS, TUESDAY_9, book
from tests.support.factories import make_caseworker, make_service, publish_demo_consent_texts

TUESDAY = date(2030, 1, 8)
WEDNESDAY = date(2030, 1, 9)


def setup_modes(db: Database, *, in_person_days: tuple[int, ...] = (1,)) -> int:
    """jobcenter offers all three modes; one caseworker, in person only on `in_person_days`."""
    with db.transaction() as session:
        service = make_service(
            session,
            modes=["video", "phone", "in_person"],
            address_da="Jobcentret, Torvet 1",
            address_en="The jobcentre, Torvet 1",
            directions_da="Meld dig i receptionen.",
            directions_en="Check in at the reception.",
        )
        caseworker = make_caseworker(session, services=[service])
        caseworker.working_hours = [
            WorkingHours(
                weekday=d,
                start_time=time(8, 0),
                end_time=time(16, 0),
                modes=None if d in in_person_days else ["video", "phone"],
            )
            for d in range(5)
        ]
        publish_demo_consent_texts(session)
        return caseworker.id


def slots(db: Database, day: date, mode: str | None) -> list[str]:
    with db.transaction() as session:
        found = search_slots(session, "jobcenter", day, day, now=NOW, mode=mode)
    return [s.start.isoformat() for s in found]


def test_availability_follows_the_mode(db: Database) -> None:
    setup_modes(db)

    assert slots(db, TUESDAY, "in_person")  # the office day
    assert slots(db, WEDNESDAY, "in_person") == []
    assert slots(db, WEDNESDAY, "video") == slots(db, WEDNESDAY, None) != []


def test_a_mode_the_service_does_not_offer_is_refused_with_the_field(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session)  # video only, as every service before modes
        make_caseworker(session, services=[service])
        publish_demo_consent_texts(session)

    with pytest.raises(ValidationFailed) as refused:
        slots(db, TUESDAY, "phone")
    assert refused.value.field == "mode"
    with pytest.raises(ValidationFailed) as unknown:
        slots(db, TUESDAY, "carrier-pigeon")
    assert unknown.value.field == "mode"
    with pytest.raises(ValidationFailed):
        book(db, mode="phone")
    with db.transaction() as session:
        assert session.scalar(select(Booking.id)) is None


def test_a_booking_is_video_by_default_with_a_room(db: Database) -> None:
    setup_modes(db)

    created = book(db)

    assert created.mode == "video"
    with db.transaction() as session:
        booking = session.scalar(select(Booking))
        assert booking is not None and booking.mode == "video" and booking.room_name


@pytest.mark.parametrize("mode", ["phone", "in_person"])
def test_phone_and_in_person_bookings_get_no_jitsi_room(db: Database, mode: str) -> None:
    setup_modes(db)

    created = book(db, mode=mode)

    assert created.mode == mode
    with db.transaction() as session:
        booking = session.scalar(select(Booking))
        assert booking is not None and booking.mode == mode and booking.room_name is None


def test_in_person_outside_the_office_days_is_not_bookable(db: Database) -> None:
    setup_modes(db, in_person_days=(0,))  # Mondays only; TUESDAY_9 is a Tuesday

    with pytest.raises(InvalidStart):
        book(db, mode="in_person")
    assert book(db, mode="phone").mode == "phone"


def test_the_confirmation_says_who_calls_and_where(db: Database) -> None:
    setup_modes(db)
    book(db, mode="phone")
    book(db, mode="in_person", start=TUESDAY_9.replace(hour=11), phone="20304051")

    with db.transaction() as session:
        bodies = [
            m.body
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "confirmation")
            )
        ]
    sms = [b for b in bodies if b and b.startswith("X:")]
    assert any("Vi ringer til +45 20 30 40 50" in b for b in sms)
    assert any("Jobcentret, Torvet 1" in b for b in sms)
    emails = [b for b in bodies if b and "Denne e-mail" in b]
    assert any("Meld dig i receptionen." in b for b in emails)
    assert not any("Deltag i mødet her" in b for b in emails)


def test_changing_the_mode_is_a_move_that_is_audited_and_announced(db: Database) -> None:
    setup_modes(db)
    created = book(db)
    auth = ManageToken(created.manage_token)

    view = bookings.reschedule(
        db, created.reference, None, auth=auth, now=NOW, settings=SETTINGS, mode="in_person"
    )

    assert view.mode == "in_person" and view.start == created.start
    assert view.room_name is None
    assert view.place is not None and view.place["en"].address == "The jobcentre, Torvet 1"
    with db.transaction() as session:
        booking = session.scalar(select(Booking))
        assert booking is not None and booking.sequence == 1
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.reschedule"))
        assert event is not None
        assert event.detail == {"mode": "in_person", "previous_mode": "video"}
        change = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "change", OutboxMessage.channel == "sms"
            )
        )
        assert change is not None and "er nu et fysisk møde" in (change.body or "")
        email = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "change", OutboxMessage.channel == "email"
            )
        )
        assert email is not None and "LOCATION:Jobcentret\\, Torvet 1" in email.payload["ics"]

    # and back to video: a fresh room
    back = bookings.reschedule(
        db, created.reference, None, auth=auth, now=NOW, settings=SETTINGS, mode="video"
    )
    assert back.mode == "video" and back.room_name


def test_changing_the_mode_follows_the_same_rules_as_a_move(db: Database) -> None:
    setup_modes(db, in_person_days=(0,))
    created = book(db)
    auth = ManageToken(created.manage_token)

    # nobody holds in-person meetings on Tuesdays
    with pytest.raises(InvalidStart):
        bookings.reschedule(
            db, created.reference, None, auth=auth, now=NOW, settings=SETTINGS, mode="in_person"
        )
    # the same mode and time is no change
    with pytest.raises(ValidationFailed):
        bookings.reschedule(
            db, created.reference, None, auth=auth, now=NOW, settings=SETTINGS, mode="video"
        )
    # neither a time nor a mode
    with pytest.raises(ValidationFailed):
        bookings.reschedule(db, created.reference, None, auth=auth, now=NOW, settings=SETTINGS)
    with db.transaction() as session:
        booking = session.scalar(select(Booking))
        assert booking is not None and booking.mode == "video" and booking.sequence == 0


def test_a_taken_time_in_the_new_mode_is_a_conflict(db: Database) -> None:
    setup_modes(db)
    first = book(db)
    book(db, start=TUESDAY_9.replace(hour=10), phone="20304051")

    with pytest.raises(SlotUnavailable):
        bookings.reschedule(
            db,
            first.reference,
            TUESDAY_9.replace(hour=10),
            auth=ManageToken(first.manage_token),
            now=NOW,
            settings=SETTINGS,
            mode="phone",
        )


def test_retention_anonymises_a_phone_booking_like_any_other(db: Database) -> None:
    setup_modes(db)
    book(db, mode="phone")

    with db.transaction() as session:
        apply_retention(session, now=TUESDAY_9.replace(year=2031))
    with db.transaction() as session:
        booking = session.scalar(select(Booking))
        assert booking is not None and booking.mode == "phone"
        assert booking.citizen_phone is None and booking.anonymised_at is not None
