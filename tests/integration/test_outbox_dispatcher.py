"""The dispatcher: claims due messages, sends once, retries with backoff, gives up, reconciles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from booking.db import Database
from booking.models import OutboxMessage
from booking.notify import MemoryEmailSender, MemorySmsSender
from booking.notify.dispatcher import (
    DispatchSettings,
    Senders,
    backoff,
    claim_due,
    dispatch_once,
)
from booking.notify.twilio_sms import TwilioSmsSender
from tests.support.factories import make_booking, make_caseworker, make_outbox_message, make_service
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, Fault

NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
SETTINGS = DispatchSettings(
    batch=10,
    lease=timedelta(minutes=10),
    max_attempts=4,
    backoff_base=timedelta(seconds=30),
    message_id_domain="eksempel.dk",
)


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(clock=lambda: NOW).start()
    yield fake
    fake.stop()


@pytest.fixture
def db(any_app: Flask) -> Database:
    """This module runs on SQLite and on PostgreSQL."""
    database: Database = any_app.extensions["database"]
    return database


def twilio_senders(fake: FakeTwilio) -> Senders:
    sms = TwilioSmsSender(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_=FROM,
        status_callback_url="https://booking.eksempel.dk/webhooks/twilio/status",
        api_base_url=fake.base_url,
        timeout=0.3,
    )
    return Senders(sms=sms, email=MemoryEmailSender())


def queue(db: Database, *specs: dict[str, object]) -> list[int]:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(
            session, service=service, caseworker=caseworker, consents=("booking", "sms_reminders")
        )
        return [make_outbox_message(session, booking=booking, **spec).id for spec in specs]


def row(db: Database, message_id: int) -> OutboxMessage:
    with db.transaction() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        return found


def test_due_messages_are_sent_once_and_their_bodies_scrubbed(db: Database) -> None:
    senders = Senders(sms=MemorySmsSender(), email=MemoryEmailSender())
    due, later = queue(
        db,
        {"body": "Link med token", "due_at": NOW - timedelta(minutes=1)},
        {"body": "Senere", "due_at": NOW + timedelta(hours=1)},
    )
    report = dispatch_once(db, senders, now=NOW, worker_id="w1", settings=SETTINGS)
    again = dispatch_once(db, senders, now=NOW, worker_id="w1", settings=SETTINGS)

    assert (report.sent, again.sent) == (1, 0)
    assert [m["body"] for m in senders.sms.sent] == ["Link med token"]  # type: ignore[attr-defined]
    sent = row(db, due)
    assert (sent.status, sent.provider_message_id, sent.body) == ("sent", "memory-1", None)
    assert sent.sent_at == NOW and sent.attempts == 1
    assert row(db, later).status == "pending"


def test_a_claimed_message_is_not_claimed_again(db: Database) -> None:
    queue(db, {"due_at": NOW}, {"due_at": NOW})
    first = claim_due(db, now=NOW, worker_id="a", batch=10, lease=SETTINGS.lease)
    second = claim_due(db, now=NOW, worker_id="b", batch=10, lease=SETTINGS.lease)
    assert len(first) == 2 and second == []


def test_voided_reminders_are_never_sent(db: Database) -> None:
    senders = Senders(sms=MemorySmsSender(), email=MemoryEmailSender())
    queue(db, {"due_at": NOW, "status": "voided"})
    assert dispatch_once(db, senders, now=NOW, worker_id="w", settings=SETTINGS).sent == 0
    assert senders.sms.sent == []  # type: ignore[attr-defined]


def test_a_failing_then_slow_sms_endpoint_is_retried_with_backoff_and_delivered_once(
    db: Database, twilio: FakeTwilio
) -> None:
    senders = twilio_senders(twilio)
    twilio.faults += [Fault(status=500), Fault(status=201, delay=1.0)]
    [message_id] = queue(db, {"body": "Husk dit møde", "due_at": NOW})

    dispatch_once(db, senders, now=NOW, worker_id="w", settings=SETTINGS)
    first = row(db, message_id)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.next_attempt_at == NOW + timedelta(seconds=30)
    assert "500" in (first.last_error or "")

    # Not due yet: nothing happens before the backoff has passed.
    dispatch_once(db, senders, now=NOW + timedelta(seconds=29), worker_id="w", settings=SETTINGS)
    assert row(db, message_id).attempts == 1

    t2 = NOW + timedelta(seconds=30)
    dispatch_once(db, senders, now=t2, worker_id="w", settings=SETTINGS)
    second = row(db, message_id)
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.next_attempt_at == t2 + timedelta(seconds=60)

    t3 = t2 + timedelta(seconds=60)
    report = dispatch_once(db, senders, now=t3, worker_id="w", settings=SETTINGS)
    assert report.sent == 1
    assert twilio.bodies() == ["Husk dit møde"]
    done = row(db, message_id)
    assert (done.status, done.provider_message_id) == ("sent", twilio.accepted[0]["sid"])
    assert twilio.problems == []


def test_an_sms_twilio_accepted_before_timing_out_is_not_sent_again(
    db: Database, twilio: FakeTwilio
) -> None:
    senders = twilio_senders(twilio)
    twilio.faults.append(Fault(status=201, delay=1.0, accept=True))
    [message_id] = queue(db, {"body": "Dit møde er flyttet", "due_at": NOW})

    dispatch_once(db, senders, now=NOW, worker_id="w", settings=SETTINGS)
    assert row(db, message_id).status == "pending"
    later = NOW + timedelta(minutes=5)
    dispatch_once(db, senders, now=later, worker_id="w", settings=SETTINGS)

    assert twilio.bodies() == ["Dit møde er flyttet"]
    done = row(db, message_id)
    assert (done.status, done.provider_message_id) == ("sent", twilio.accepted[0]["sid"])


def test_after_the_last_attempt_the_message_is_failed_with_the_error(
    db: Database, twilio: FakeTwilio
) -> None:
    senders = twilio_senders(twilio)
    twilio.faults += [Fault(status=503) for _ in range(SETTINGS.max_attempts)]
    [message_id] = queue(db, {"body": "Bekræftelse med token", "due_at": NOW})
    now = NOW
    for _ in range(SETTINGS.max_attempts):
        dispatch_once(db, senders, now=now, worker_id="w", settings=SETTINGS)
        now += SETTINGS.backoff_max
    failed = row(db, message_id)
    assert (failed.status, failed.attempts) == ("failed", SETTINGS.max_attempts)
    assert "503" in (failed.last_error or "")
    assert failed.body is None
    assert twilio.bodies() == []


def test_a_rejected_number_fails_at_once_without_retrying(db: Database, twilio: FakeTwilio) -> None:
    senders = twilio_senders(twilio)
    twilio.faults.append(
        Fault(status=400, message="The 'To' number +4512345678 is not a valid phone number.")
    )
    [message_id] = queue(db, {"due_at": NOW})
    report = dispatch_once(db, senders, now=NOW, worker_id="w", settings=SETTINGS)
    assert report.failed == 1
    failed = row(db, message_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error is not None and "not a valid phone number" in failed.last_error
    assert "+4512345678" not in failed.last_error


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, SETTINGS).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30, SETTINGS) == SETTINGS.backoff_max


def test_an_expired_claim_whose_sms_went_out_is_recorded_not_resent(
    db: Database, twilio: FakeTwilio
) -> None:
    senders = twilio_senders(twilio)
    [message_id] = queue(db, {"body": "Påmindelse", "due_at": NOW})
    [claimed] = claim_due(db, now=NOW, worker_id="dead", batch=10, lease=SETTINGS.lease)
    senders.sms.send(claimed.recipient or "", claimed.body or "")  # then the worker died

    # Still within the lease: another worker leaves it alone.
    dispatch_once(db, senders, now=NOW + timedelta(minutes=9), worker_id="w2", settings=SETTINGS)
    assert row(db, message_id).status == "sending"

    report = dispatch_once(
        db, senders, now=NOW + timedelta(minutes=11), worker_id="w2", settings=SETTINGS
    )
    assert report.reconciled == 1 and report.sent == 0
    assert twilio.bodies() == ["Påmindelse"]
    done = row(db, message_id)
    assert (done.status, done.provider_message_id) == ("sent", twilio.accepted[0]["sid"])


def test_an_expired_claim_that_never_reached_twilio_is_sent_once(
    db: Database, twilio: FakeTwilio
) -> None:
    senders = twilio_senders(twilio)
    [message_id] = queue(db, {"body": "Påmindelse", "due_at": NOW})
    claim_due(db, now=NOW, worker_id="dead", batch=10, lease=SETTINGS.lease)
    later = NOW + timedelta(minutes=11)
    report = dispatch_once(db, senders, now=later, worker_id="w2", settings=SETTINGS)
    assert (report.reconciled, report.sent) == (1, 1)
    assert twilio.bodies() == ["Påmindelse"]
    assert row(db, message_id).status == "sent"


def test_a_claim_past_its_lease_is_taken_over_and_sent_by_another_worker(db: Database) -> None:
    senders = Senders(sms=MemorySmsSender(), email=MemoryEmailSender())
    [message_id] = queue(db, {"body": "Hej", "due_at": NOW})
    claim_due(db, now=NOW, worker_id="slow", batch=10, lease=SETTINGS.lease)
    later = NOW + timedelta(minutes=11)
    dispatch_once(db, senders, now=later, worker_id="fast", settings=SETTINGS)
    with db.transaction() as session:
        claimed_by = session.scalar(
            select(OutboxMessage.claimed_by).where(OutboxMessage.id == message_id)
        )
    assert claimed_by == "fast"
    assert len(senders.sms.sent) == 1  # type: ignore[attr-defined]


def test_an_email_is_sent_with_a_stable_message_id_and_its_invite(db: Database) -> None:
    email_sender = MemoryEmailSender()
    senders = Senders(sms=MemorySmsSender(), email=email_sender)
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    [message_id] = queue(
        db,
        {
            "channel": "email",
            "recipient": "anna@example.dk",
            "subject": "Bekræftelse",
            "body": "Tekst",
            "payload": {"reference": "AB12", "ics": ics, "ics_method": "REQUEST"},
            "due_at": NOW,
        },
    )
    dispatch_once(db, senders, now=NOW, worker_id="w", settings=SETTINGS)
    [email] = email_sender.sent
    assert email.message_id == f"<outbox-{message_id}@eksempel.dk>"
    assert (email.to, email.ics, email.ics_method) == ("anna@example.dk", ics, "REQUEST")
    done = row(db, message_id)
    assert done.status == "sent" and done.body is None and done.payload == {"reference": "AB12"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("cancelled", "booking no longer confirmed"),
        ("withdrawn", "sms_reminders consent withdrawn"),
        ("started", "meeting already started"),
    ],
)
def test_a_reminder_no_longer_wanted_at_send_time_is_voided_not_sent(
    db: Database, change: str, reason: str
) -> None:
    senders = Senders(sms=MemorySmsSender(), email=MemoryEmailSender())
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(
            session,
            service=service,
            caseworker=caseworker,
            start=NOW + timedelta(hours=1),
            consents=("booking", "sms_reminders"),
        )
        reminder = make_outbox_message(session, booking=booking, due_at=NOW)
        confirmation = make_outbox_message(session, booking=booking, kind="change", due_at=NOW)
        if change == "cancelled":
            booking.status = "cancelled"
        elif change == "withdrawn":
            booking.consents[1].withdrawn_at = NOW
        ids = reminder.id, confirmation.id
    now = NOW + timedelta(hours=2) if change == "started" else NOW
    dispatch_once(db, senders, now=now, worker_id="w", settings=SETTINGS)
    voided = row(db, ids[0])
    assert (voided.status, voided.last_error, voided.body) == ("voided", reason, None)
    assert row(db, ids[1]).status == "sent"  # change and cancellation messages always go
    assert len(senders.sms.sent) == 1  # type: ignore[attr-defined]
