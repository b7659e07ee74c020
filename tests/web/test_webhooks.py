"""Twilio webhooks: signed delivery statuses and STOP replies; anything unsigned gets 403."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from booking.db import Database
from booking.models import ConsentRecord, OutboxMessage
from tests.support.factories import (
    make_booking,
    make_caseworker,
    make_outbox_message,
    make_service,
)

SID = "AC" + "a" * 32
TOKEN = "webhook-test-auth-token"
BASE = "https://booking.eksempel.dk"
PHONE = "+4512345678"


@pytest.fixture
def app_settings() -> dict[str, str]:
    return {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE}


def post_signed(
    client: FlaskClient,
    path: str,
    form: dict[str, str],
    *,
    signed_form: dict[str, str] | None = None,
    token: str = TOKEN,
):  # type: ignore[no-untyped-def]
    signature = RequestValidator(token).compute_signature(BASE + path, signed_form or form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def status_form(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {"AccountSid": SID, "MessageSid": sid, "MessageStatus": status, **extra}


def sent_message(db: Database, **overrides: object) -> int:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(session, service=service, caseworker=caseworker, phone=PHONE)
        fields: dict[str, object] = {"status": "sent", "provider_message_id": "SM1", "body": None}
        fields.update(overrides)
        return make_outbox_message(session, booking=booking, **fields).id


def outbox_row(db: Database, message_id: int) -> OutboxMessage:
    with db.transaction() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        return row


def test_a_signed_status_callback_records_the_delivery(client: FlaskClient, db: Database) -> None:
    message_id = sent_message(db)
    response = post_signed(client, "/webhooks/twilio/status", status_form("SM1", "delivered"))
    assert response.status_code == 204
    assert outbox_row(db, message_id).delivery_status == "delivered"


def test_delivery_statuses_never_move_backwards(client: FlaskClient, db: Database) -> None:
    message_id = sent_message(db)
    post_signed(client, "/webhooks/twilio/status", status_form("SM1", "delivered"))
    post_signed(client, "/webhooks/twilio/status", status_form("SM1", "sent"))
    assert outbox_row(db, message_id).delivery_status == "delivered"


def test_an_undelivered_message_shows_the_error_for_the_caseworker(
    client: FlaskClient, db: Database
) -> None:
    message_id = sent_message(db)
    form = status_form("SM1", "undelivered", ErrorCode="30005")
    post_signed(client, "/webhooks/twilio/status", form)
    row = outbox_row(db, message_id)
    assert row.delivery_status == "undelivered"
    assert row.last_error == "Twilio: undelivered (error 30005)"


def test_a_callback_settles_a_message_whose_worker_died_before_recording(
    client: FlaskClient, db: Database
) -> None:
    message_id = sent_message(db, status="sending", provider_message_id=None, body="Hej")
    path = f"/webhooks/twilio/status?ref=outbox-{message_id}"
    response = post_signed(client, path, status_form("SM9", "sent"))
    assert response.status_code == 204
    row = outbox_row(db, message_id)
    assert (row.status, row.provider_message_id, row.body) == ("sent", "SM9", None)


def test_a_tampered_form_is_refused(client: FlaskClient, db: Database) -> None:
    message_id = sent_message(db)
    signed = status_form("SM1", "failed")
    response = post_signed(
        client, "/webhooks/twilio/status", status_form("SM1", "delivered"), signed_form=signed
    )
    assert response.status_code == 403
    assert outbox_row(db, message_id).delivery_status is None


def test_a_request_without_a_signature_is_refused(client: FlaskClient, db: Database) -> None:
    sent_message(db)
    response = client.post("/webhooks/twilio/status", data=status_form("SM1", "delivered"))
    assert response.status_code == 403


def test_a_signature_made_with_another_token_is_refused(client: FlaskClient) -> None:
    form = status_form("SM1", "delivered")
    response = post_signed(client, "/webhooks/twilio/status", form, token="someone-elses")
    assert response.status_code == 403


def test_a_correctly_signed_request_from_another_account_is_refused(client: FlaskClient) -> None:
    form = status_form("SM1", "delivered") | {"AccountSid": "AC" + "b" * 32}
    assert post_signed(client, "/webhooks/twilio/status", form).status_code == 403


def test_a_signature_for_another_url_is_refused(client: FlaskClient) -> None:
    form = {"AccountSid": SID, "From": PHONE, "Body": "STOP"}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/webhooks/twilio/status", form)
    response = client.post(
        "/webhooks/twilio/inbound", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_a_signed_callback_without_a_status_is_a_bad_request(client: FlaskClient) -> None:
    form = {"AccountSid": SID, "MessageSid": "SM1"}
    assert post_signed(client, "/webhooks/twilio/status", form).status_code == 400


def bookings_with_reminders(db: Database) -> tuple[list[int], int]:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        ids, reminder_id = [], 0
        for day in (7, 8):
            booking = make_booking(
                session,
                service=service,
                caseworker=caseworker,
                phone=PHONE,
                start=datetime(2030, 1, day, 9, 0, tzinfo=UTC),
                consents=("booking", "sms_reminders"),
            )
            ids.append(booking.id)
            reminder_id = make_outbox_message(session, booking=booking).id
        make_booking(session, service=service, caseworker=caseworker, phone="+4599999999",
                     consents=("booking", "sms_reminders"))  # fmt: skip
        return ids, reminder_id


def sms_consents(db: Database) -> dict[str, bool]:
    with db.transaction() as session:
        records = session.scalars(
            select(ConsentRecord).where(ConsentRecord.purpose == "sms_reminders")
        ).all()
        return {f"{r.booking_id}": r.withdrawn_at is None for r in records}


@pytest.mark.parametrize(
    "form",
    [
        {"Body": "STOP"},
        {"Body": "stop tak"},
        {"Body": "Stopp", "OptOutType": "STOP"},
    ],
)
def test_stop_withdraws_reminder_consent_for_every_booking_with_that_phone(
    client: FlaskClient, db: Database, form: dict[str, str]
) -> None:
    ids, reminder_id = bookings_with_reminders(db)
    response = post_signed(
        client, "/webhooks/twilio/inbound", {"AccountSid": SID, "From": PHONE, **form}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True).endswith("<Response></Response>")
    active = sms_consents(db)
    assert [active[str(i)] for i in ids] == [False, False]
    assert list(active.values()).count(True) == 1  # the other citizen keeps theirs
    assert outbox_row(db, reminder_id).status == "voided"


def test_start_and_other_replies_change_nothing(client: FlaskClient, db: Database) -> None:
    ids, reminder_id = bookings_with_reminders(db)
    for form in ({"Body": "START", "OptOutType": "START"}, {"Body": "Hvornår er mødet?"}):
        response = post_signed(
            client, "/webhooks/twilio/inbound", {"AccountSid": SID, "From": PHONE, **form}
        )
        assert response.status_code == 200
    assert all(sms_consents(db).values())
    assert outbox_row(db, reminder_id).status == "pending"


def test_an_unsigned_stop_is_refused_and_changes_nothing(client: FlaskClient, db: Database) -> None:
    bookings_with_reminders(db)
    response = client.post(
        "/webhooks/twilio/inbound", data={"AccountSid": SID, "From": PHONE, "Body": "STOP"}
    )
    assert response.status_code == 403
    assert all(sms_consents(db).values())
