"""The booking use cases against a real database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from booking import bookings
from booking.bookings import BookingRequest, ManageToken, StaffPrincipal, placement
from booking.db import Database, try_advisory_xact_lock
from booking.errors import (
    CodeRejected,
    ConsentMissing,
    IdempotencyConflict,
    InvalidStart,
    InvalidState,
    NotAllowed,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking.models import (
    AuditEvent,
    Booking,
    Caseworker,
    ConsentRecord,
    IdempotencyRecord,
    OneTimeCode,
    OutboxMessage,
    Service,
)
from booking.notify import MemorySmsSender
from booking.privacy import ConsentGiven
from booking.slots import COPENHAGEN
from tests.support.factories import (
    make_booking,
    make_caseworker,
    make_service,
    publish_demo_consent_texts,
)

NOW = datetime(2030, 1, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Copenhagen
TUESDAY_9 = datetime(2030, 1, 8, 9, 0, tzinfo=COPENHAGEN)
SETTINGS = bookings.BookingSettings.from_mapping(
    {"SECRET_KEY": "s" * 40, "PUBLIC_BASE_URL": "https://booking.test", "MUNICIPALITY_NAME": "X"}
)


def setup_service(db: Database, *, caseworkers: int = 1, code: str = "jobcenter") -> list[int]:
    with db.transaction() as session:
        service = make_service(session, code=code)
        ids = [
            make_caseworker(session, services=[service], name=f"Worker {i}").id
            for i in range(caseworkers)
        ]
        publish_demo_consent_texts(session)
    return ids


def request(**overrides: object) -> BookingRequest:
    fields: dict[str, object] = {
        "service": "jobcenter",
        "start": TUESDAY_9,
        "name": "  Anna   Jensen ",
        "phone": "20 30 40 50",
        "email": "Anna@Example.dk",
        "language": "da",
        "channel": "chat",
        "consents": (ConsentGiven("booking", 1), ConsentGiven("sms_reminders", 1)),
    }
    fields.update(overrides)
    return BookingRequest(**fields)  # type: ignore[arg-type]


def book(db: Database, key: str | None = None, **overrides: object) -> bookings.BookingCreated:
    return bookings.book(
        db,
        request(**overrides),
        now=NOW,
        settings=SETTINGS,
        idempotency_scope="test",
        idempotency_key=key,
    )


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def booking_row(db: Database, reference: str) -> Booking:
    with db.transaction() as session:
        return session.scalars(select(Booking).where(Booking.reference == reference)).one()


def test_a_booking_is_stored_normalised_with_consents_and_notifications(db: Database) -> None:
    setup_service(db)
    created = book(db)
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", created.reference)
    assert created.start == TUESDAY_9 and created.end == TUESDAY_9 + timedelta(minutes=30)
    row = booking_row(db, created.reference)
    assert row.citizen_name == "Anna Jensen"
    assert row.citizen_phone == "+4520304050"
    assert row.citizen_email == "anna@example.dk"
    assert re.fullmatch(r"[0-9a-f]{32,64}", row.room_name)  # at least 128 random bits
    assert created.manage_token not in row.manage_token_hash
    assert count(db, ConsentRecord) == 2
    assert count(db, OutboxMessage) >= 2  # confirmation SMS + e-mail, reminders


def test_the_least_loaded_free_caseworker_gets_the_booking(db: Database) -> None:
    first, second = setup_service(db, caseworkers=2)
    a = book(db)
    b = book(db, start=TUESDAY_9 + timedelta(hours=1))
    c = book(db, start=TUESDAY_9)
    workers = [booking_row(db, x.reference).caseworker_id for x in (a, b, c)]
    assert workers == [first, second, second]


def test_a_taken_slot_is_refused_and_nothing_is_written(db: Database) -> None:
    setup_service(db)
    book(db)
    with pytest.raises(SlotUnavailable):
        book(db, name="Bo Hansen")
    assert count(db, Booking) == 1
    assert count(db, ConsentRecord) == 2


@pytest.mark.parametrize(
    "start",
    [
        NOW - timedelta(hours=1),  # past
        NOW + timedelta(minutes=30),  # inside the 60 minutes notice
        TUESDAY_9 + timedelta(minutes=10),  # off the grid
        datetime(2030, 1, 12, 10, 0, tzinfo=COPENHAGEN),  # a Saturday
        datetime(2030, 5, 7, 9, 0, tzinfo=COPENHAGEN),  # beyond the horizon
    ],
)
def test_a_start_that_is_not_a_slot_is_invalid(db: Database, start: datetime) -> None:
    setup_service(db)
    with pytest.raises(InvalidStart):
        book(db, start=start)
    assert count(db, Booking) == 0


def test_a_start_without_offset_is_invalid(db: Database) -> None:
    setup_service(db)
    with pytest.raises(InvalidStart):
        book(db, start=datetime(2030, 1, 8, 9, 0))


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"phone": "123"}, ValidationFailed, "citizen.phone"),
        ({"name": "   "}, ValidationFailed, "citizen.name"),
        ({"name": "x" * 201}, ValidationFailed, "citizen.name"),
        ({"name": "Anna\x00"}, ValidationFailed, "citizen.name"),
        ({"email": "not-an-email"}, ValidationFailed, "citizen.email"),
        ({"language": "de"}, ValidationFailed, "language"),
        ({"channel": "fax"}, ValidationFailed, "channel"),
        ({"consents": (ConsentGiven("sms_reminders", 1),)}, ConsentMissing, "consents"),
        ({"consents": (ConsentGiven("booking", 7),)}, ConsentMissing, "consents"),
        ({"service": "tandlaege"}, NotFound, "service"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    db: Database, overrides: dict[str, object], error: type[Exception], field: str
) -> None:
    setup_service(db)
    with pytest.raises(error) as raised:
        book(db, **overrides)
    assert raised.value.field == field  # type: ignore[attr-defined]
    assert count(db, Booking) == 0
    assert count(db, ConsentRecord) == 0
    assert count(db, OutboxMessage) == 0


def test_a_retry_with_the_same_key_returns_the_first_booking(db: Database) -> None:
    setup_service(db, caseworkers=2)
    first = book(db, key="k-1")
    again = book(db, key="k-1")
    assert again == first and again.replayed and not first.replayed
    assert count(db, Booking) == 1
    with db.transaction() as session:
        stored = session.scalars(select(IdempotencyRecord)).one()
        assert first.manage_token.encode() not in stored.response_encrypted


def test_the_same_key_with_another_request_is_a_conflict(db: Database) -> None:
    setup_service(db, caseworkers=2)
    book(db, key="k-1")
    with pytest.raises(IdempotencyConflict):
        book(db, key="k-1", name="Bo Hansen")
    assert count(db, Booking) == 1


def test_a_key_is_forgotten_after_a_day_and_then_books_anew(db: Database) -> None:
    setup_service(db, caseworkers=2)
    first = book(db, key="k-1")
    later = bookings.book(
        db,
        request(start=TUESDAY_9 + timedelta(hours=1)),
        now=NOW + timedelta(hours=25),
        settings=SETTINGS,
        idempotency_scope="test",
        idempotency_key="k-1",
    )
    assert not later.replayed and later.reference != first.reference
    assert count(db, Booking) == 2
    assert count(db, IdempotencyRecord) == 1  # the expired record made way for the new one


def test_a_stored_answer_the_rotated_secret_cannot_read_is_forgotten(db: Database) -> None:
    setup_service(db, caseworkers=2)
    first = book(db, key="k-1")
    rotated = replace(SETTINGS, secret_key="r" * 40)
    again = bookings.book(
        db, request(), now=NOW, settings=rotated, idempotency_scope="test", idempotency_key="k-1"
    )
    assert not again.replayed and again.reference != first.reference
    assert count(db, IdempotencyRecord) == 1


def test_the_citizen_cancels_with_the_token_and_only_once(db: Database) -> None:
    setup_service(db)
    created = book(db)
    with pytest.raises(NotAllowed):
        bookings.cancel(
            db,
            created.reference,
            auth=ManageToken("wrong"),
            reason=None,
            now=NOW,
            settings=SETTINGS,
        )
    assert booking_row(db, created.reference).status == "confirmed"
    view = bookings.cancel(
        db,
        created.reference.lower().replace("-", ""),
        auth=ManageToken(created.manage_token),
        reason="Syg",
        now=NOW,
        settings=SETTINGS,
    )
    assert view.status == "cancelled"
    row = booking_row(db, created.reference)
    assert (row.cancel_reason, row.cancelled_by, row.sequence) == ("Syg", "citizen", 1)
    with pytest.raises(InvalidState):
        bookings.cancel(
            db,
            created.reference,
            auth=ManageToken(created.manage_token),
            reason=None,
            now=NOW,
            settings=SETTINGS,
        )
    # The freed slot can be booked again.
    book(db, name="Bo Hansen")


def test_a_meeting_that_has_begun_cannot_be_cancelled(db: Database) -> None:
    setup_service(db)
    created = book(db)
    with pytest.raises(InvalidState):
        bookings.cancel(
            db,
            created.reference,
            auth=ManageToken(created.manage_token),
            reason=None,
            now=TUESDAY_9 + timedelta(minutes=1),
            settings=SETTINGS,
        )


def test_rescheduling_moves_the_booking_and_frees_the_old_time(db: Database) -> None:
    setup_service(db)
    created = book(db)
    auth = ManageToken(created.manage_token)
    later = TUESDAY_9 + timedelta(hours=2)
    view = bookings.reschedule(db, created.reference, later, auth=auth, now=NOW, settings=SETTINGS)
    assert view.start == later and view.sequence == 1
    other = book(db, name="Bo Hansen")  # the old time is free again
    with pytest.raises(SlotUnavailable):
        bookings.reschedule(
            db,
            other.reference,
            later,
            auth=ManageToken(other.manage_token),
            now=NOW,
            settings=SETTINGS,
        )
    with pytest.raises(InvalidStart):
        bookings.reschedule(
            db,
            created.reference,
            later + timedelta(minutes=5),
            auth=auth,
            now=NOW,
            settings=SETTINGS,
        )
    assert booking_row(db, other.reference).start_at == TUESDAY_9


def test_a_booking_may_move_onto_an_overlapping_time_of_its_own(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, duration_minutes=60, slot_step_minutes=30)
        make_caseworker(session, services=[service], hours=(time(8), time(16)))
        publish_demo_consent_texts(session)
    created = book(db)
    moved = bookings.reschedule(
        db,
        created.reference,
        TUESDAY_9 + timedelta(minutes=30),
        auth=ManageToken(created.manage_token),
        now=NOW,
        settings=SETTINGS,
    )
    assert moved.end == TUESDAY_9 + timedelta(minutes=90)


def test_caseworkers_act_only_on_their_own_bookings_and_every_read_is_audited(
    db: Database,
) -> None:
    first, second = setup_service(db, caseworkers=2)
    created = book(db)
    owner = StaffPrincipal(user_id=10, caseworker_id=first, role="caseworker")
    stranger = StaffPrincipal(user_id=11, caseworker_id=second, role="caseworker")
    admin = StaffPrincipal(user_id=12, caseworker_id=None, role="admin")
    with pytest.raises(NotAllowed):
        bookings.get(db, created.reference, auth=stranger, now=NOW)
    assert bookings.get(db, created.reference, auth=owner, now=NOW).citizen_name == "Anna Jensen"
    bookings.set_note(db, created.reference, "Husk CV", auth=admin, now=NOW)
    assert bookings.get(db, created.reference, auth=owner, now=NOW).caseworker_note == "Husk CV"
    assert (
        bookings.get(
            db, created.reference, auth=ManageToken(created.manage_token), now=NOW
        ).caseworker_note
        is None
    )
    with db.transaction() as session:
        events = [(e.actor_id, e.action) for e in session.scalars(select(AuditEvent))]
        details = [e.detail for e in session.scalars(select(AuditEvent))]
    assert ("10", "booking.view") in events and ("12", "booking.note") in events
    assert "Husk" not in repr(details) and "Anna" not in repr(details)
    with pytest.raises(NotFound):
        bookings.get(db, "ZZZZ-ZZZZ", auth=admin, now=NOW)


def test_a_meeting_is_marked_held_or_missed_only_after_it_began(db: Database) -> None:
    (worker,) = setup_service(db)
    created = book(db)
    owner = StaffPrincipal(user_id=1, caseworker_id=worker, role="caseworker")
    with pytest.raises(InvalidState):
        bookings.mark_completed(db, created.reference, auth=owner, now=NOW)
    after = TUESDAY_9 + timedelta(minutes=40)
    assert bookings.mark_no_show(db, created.reference, auth=owner, now=after).status == "no_show"
    with pytest.raises(InvalidState):
        bookings.mark_completed(db, created.reference, auth=owner, now=after)
    with pytest.raises(NotAllowed):
        bookings.mark_completed(
            db,
            created.reference,
            auth=ManageToken(created.manage_token),
            now=after,  # type: ignore[arg-type]
        )


def start_lookup(
    db: Database,
    sms: MemorySmsSender,
    reference: str,
    phone: str = "+4520304050",
    now: datetime = NOW,
) -> str | None:
    before = len(sms.sent)
    bookings.start_lookup(db, reference, phone, now=now, sms_sender=sms)
    if len(sms.sent) == before:
        return None
    match = re.search(r"\b(\d{6})\b", sms.sent[-1]["body"])
    assert match
    return match.group(1)


def test_lookup_sends_a_code_only_when_reference_and_phone_match(db: Database) -> None:
    setup_service(db)
    created = book(db)
    sms = MemorySmsSender()
    assert start_lookup(db, sms, created.reference, phone="+4520304051") is None
    assert start_lookup(db, sms, "ZZZZ-ZZZZ") is None
    code = start_lookup(db, sms, created.reference, phone="20304050")
    assert code is not None and sms.sent[-1]["to"] == "+4520304050"
    assert "kode" in sms.sent[-1]["body"]
    token = bookings.confirm_lookup(db, created.reference, code, now=NOW + timedelta(minutes=9))
    assert bookings.get(db, created.reference, auth=ManageToken(token), now=NOW).status
    # The confirmation's link keeps working beside the token the lookup handed out.
    assert bookings.get(db, created.reference, auth=ManageToken(created.manage_token), now=NOW)
    with pytest.raises(CodeRejected):  # a code works once
        bookings.confirm_lookup(db, created.reference, code, now=NOW)


def test_a_new_lookup_replaces_the_previous_lookup_token_only(db: Database) -> None:
    setup_service(db)
    created = book(db)
    sms = MemorySmsSender()
    first_code = start_lookup(db, sms, created.reference)
    assert first_code is not None
    first = bookings.confirm_lookup(db, created.reference, first_code, now=NOW)
    second_code = start_lookup(db, sms, created.reference)
    assert second_code is not None
    second = bookings.confirm_lookup(db, created.reference, second_code, now=NOW)
    with pytest.raises(NotAllowed):
        bookings.get(db, created.reference, auth=ManageToken(first), now=NOW)
    assert bookings.get(db, created.reference, auth=ManageToken(second), now=NOW)
    assert bookings.get(db, created.reference, auth=ManageToken(created.manage_token), now=NOW)


def test_wrong_codes_are_counted_and_the_fifth_ends_the_code(db: Database) -> None:
    setup_service(db)
    created = book(db)
    sms = MemorySmsSender()
    code = start_lookup(db, sms, created.reference)
    assert code is not None
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in range(1, 6):
        with pytest.raises(CodeRejected):
            bookings.confirm_lookup(db, created.reference, wrong, now=NOW)
        with db.transaction() as session:
            assert session.scalars(select(OneTimeCode)).one().failed_attempts == attempt
    with pytest.raises(CodeRejected):
        bookings.confirm_lookup(db, created.reference, code, now=NOW)
    assert booking_row(db, created.reference).manage_token_hash  # unchanged, still usable
    bookings.get(db, created.reference, auth=ManageToken(created.manage_token), now=NOW)


def test_an_expired_code_is_rejected(db: Database) -> None:
    setup_service(db)
    created = book(db)
    sms = MemorySmsSender()
    code = start_lookup(db, sms, created.reference)
    assert code is not None
    with pytest.raises(CodeRejected):
        bookings.confirm_lookup(db, created.reference, code, now=NOW + timedelta(minutes=10))


def test_at_most_three_codes_an_hour_go_to_one_booking(db: Database) -> None:
    setup_service(db)
    created = book(db)
    sms = MemorySmsSender()
    codes = [
        start_lookup(db, sms, created.reference, now=NOW + timedelta(minutes=i)) for i in range(4)
    ]
    assert [c is not None for c in codes] == [True, True, True, False]
    assert codes[2] is not None
    with pytest.raises(CodeRejected):  # a newer code replaces the older one
        bookings.confirm_lookup(
            db, created.reference, codes[0] or "", now=NOW + timedelta(minutes=5)
        )
    bookings.confirm_lookup(db, created.reference, codes[2], now=NOW + timedelta(minutes=5))


@pytest.mark.postgres
def test_on_postgresql_the_exclusion_constraint_catches_a_stale_read(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the re-check ever misses a booking, the database refuses the overlap and the next
    free caseworker is tried inside a savepoint; with none left the answer is 409."""
    db = Database(postgres_url)
    try:
        first, second = setup_service(db, caseworkers=2)
        book(db)  # goes to `first`
        real = placement.schedules_in_window

        def stale(*args: object, **kwargs: object) -> list[object]:
            return [replace(s, busy=()) for s in real(*args, **kwargs)]  # type: ignore[arg-type]

        monkeypatch.setattr(placement, "schedules_in_window", stale)
        monkeypatch.setattr(placement, "_least_loaded_first", lambda s, c, st, prefer: sorted(c))
        moved = book(db, name="Bo Hansen")
        assert booking_row(db, moved.reference).caseworker_id == second
        with pytest.raises(SlotUnavailable):
            book(db, name="Carl Madsen")
        assert count(db, Booking) == 2
    finally:
        db.dispose()


def _hold_caseworker_lock(db: Database, caseworker_id: int) -> tuple[Any, Any]:
    """Another booking in progress on PostgreSQL: a transaction holding the caseworker's lock."""
    connection = db.engine.connect()
    transaction = connection.begin()
    connection.execute(
        text("SELECT pg_advisory_xact_lock(:cls, :id)"),
        {"cls": placement.CASEWORKER_LOCK_CLASS, "id": caseworker_id},
    )
    return connection, transaction


def test_on_postgresql_a_booking_waits_for_a_caseworker_being_booked_and_then_takes_them(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    try:
        (only,) = setup_service(db, caseworkers=1)
        connection, transaction = _hold_caseworker_lock(db, only)
        threading.Timer(0.5, transaction.rollback).start()  # that booking gives up
        created = book(db)
        connection.close()
        assert booking_row(db, created.reference).caseworker_id == only
    finally:
        db.dispose()


def test_on_postgresql_a_booking_waiting_for_a_caseworker_who_gets_booked_is_told_409(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    try:
        (only,) = setup_service(db, caseworkers=1)
        connection, transaction = _hold_caseworker_lock(db, only)

        def other_booking_commits() -> None:
            with db.transaction() as session:
                service = session.scalars(select(Service)).one()
                caseworker = session.get(Caseworker, only)
                assert caseworker is not None
                make_booking(session, service=service, caseworker=caseworker, start=TUESDAY_9)
            transaction.commit()  # releases the lock after the meeting is stored

        threading.Timer(0.5, other_booking_commits).start()
        with pytest.raises(SlotUnavailable):
            book(db)
        connection.close()
        assert count(db, Booking) == 1
    finally:
        db.dispose()


def _lock_is_free(db: Database, caseworker_id: int) -> bool:
    """Could another booking take the caseworker's lock right now?"""
    with db.transaction() as session:
        return try_advisory_xact_lock(session, placement.CASEWORKER_LOCK_CLASS, caseworker_id)


@pytest.mark.postgres
def test_on_postgresql_a_caseworker_found_taken_under_their_lock_is_let_go_at_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Holding the lock of a caseworker who turned out taken while trying the next one let two
    bookings for different times each hold the caseworker the other wanted and skip each other
    until they gave up with 409 (seen in CI). The lock goes with the failed attempt."""
    db = Database(postgres_url)
    try:
        first, second = setup_service(db, caseworkers=2)
        real_try_lock = placement.try_advisory_xact_lock
        lock_of_first_free_while_trying_second: list[bool] = []

        def try_lock(session: Any, lock_class: int, caseworker_id: int) -> bool:
            if caseworker_id == first:  # another booking takes `first` after the first read
                with db.transaction() as other:
                    service = other.scalars(select(Service)).one()
                    caseworker = other.get(Caseworker, first)
                    assert caseworker is not None
                    make_booking(other, service=service, caseworker=caseworker, start=TUESDAY_9)
            else:
                lock_of_first_free_while_trying_second.append(_lock_is_free(db, first))
            return real_try_lock(session, lock_class, caseworker_id)

        monkeypatch.setattr(placement, "try_advisory_xact_lock", try_lock)
        monkeypatch.setattr(placement, "_least_loaded_first", lambda s, c, st, prefer: sorted(c))
        created = book(db)
        assert booking_row(db, created.reference).caseworker_id == second
        assert lock_of_first_free_while_trying_second == [True]
        assert count(db, Booking) == 2
    finally:
        db.dispose()
