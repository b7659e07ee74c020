"""POST /bookings and managing a booking by its token, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask, g

from booking.models import Booking, ConsentRecord, IdempotencyRecord, OutboxMessage
from tests.support.api import (
    NOW,
    TUESDAY_9,
    booking_body,
    count,
    create,
    error,
    later,
    prepare,
)


def test_a_booking_is_created_with_the_contracted_fields(any_app: Flask) -> None:
    prepare(any_app)
    response = any_app.test_client().post("/api/v1/bookings", json=booking_body())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {
        "reference",
        "manage_token",
        "service",
        "start",
        "end",
        "status",
        "mode",
        "meeting_url",
        "ics_url",
    }
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", body["reference"])
    assert body["start"] == "2030-01-08T09:00:00+01:00"
    assert body["end"] == "2030-01-08T09:30:00+01:00"
    assert (body["service"], body["status"]) == ("jobcenter", "confirmed")
    assert body["meeting_url"].startswith("http://localhost/m/" + body["reference"])
    assert body["ics_url"].endswith(".ics")
    assert response.headers["Cache-Control"] == "no-store"
    assert count(any_app, Booking) == 1 and count(any_app, OutboxMessage) >= 1


def test_a_start_given_in_utc_is_the_same_slot(any_app: Flask) -> None:
    prepare(any_app)
    body = create(any_app.test_client(), start="2030-01-08T08:00:00Z")
    assert body["start"] == "2030-01-08T09:00:00+01:00"


def test_the_same_slot_twice_gives_409_with_one_caseworker(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    create(client)
    response = client.post("/api/v1/bookings", json=booking_body())
    assert error(response, 409)["code"] == "slot_unavailable"
    assert count(any_app, Booking) == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (booking_body(service="tandlaege"), 404, "service"),
        (booking_body(start="2030-01-06T09:00:00+01:00"), 422, "start"),  # past
        (booking_body(start="2030-01-08T09:10:00+01:00"), 422, "start"),  # unaligned
        (booking_body(start="2030-01-08T09:00:00"), 422, "start"),  # no offset
        (booking_body(start="tomorrow"), 422, "start"),
        (booking_body(start=1234), 422, "start"),
        (booking_body(start="9999-12-31T23:59:59-14:00"), 422, "start"),
        (booking_body(start="0001-01-01T00:00:00+14:00"), 422, "start"),
        (booking_body(citizen={"name": "A\x00B", "phone": "20304050"}), 422, "citizen.name"),
        (booking_body(citizen={"name": "A\x07B", "phone": "20304050"}), 422, "citizen.name"),
        (booking_body(citizen={"name": "A", "phone": "123"}), 422, "citizen.phone"),
        (booking_body(citizen={"name": "A", "phone": 20304050}), 422, "citizen.phone"),
        (booking_body(citizen={"phone": "20304050"}), 422, "citizen.name"),
        (
            booking_body(citizen={"name": "A", "phone": "20304050", "email": "x"}),
            422,
            "citizen.email",
        ),
        (booking_body(citizen="Anna"), 422, "citizen"),
        (booking_body(consents=[]), 422, "consents"),
        (booking_body(consents=[{"purpose": "sms_reminders", "text_version": 1}]), 422, "consents"),
        (booking_body(consents=[{"purpose": "booking", "text_version": "1"}]), 422, "consents[0]"),
        (booking_body(consents={"booking": 1}), 422, "consents"),
        (booking_body(language="de"), 422, "language"),
        (booking_body(channel="fax"), 422, "channel"),
        ({"service": "jobcenter"}, 422, "citizen"),
        ([1, 2], 422, "body"),
    ],
)
def test_bad_booking_input_gets_a_clear_4xx_and_writes_nothing(
    any_app: Flask, body: object, status: int, field: str
) -> None:
    prepare(any_app)
    response = any_app.test_client().post("/api/v1/bookings", json=body)
    assert error(response, status).get("field") == field
    assert count(any_app, Booking) == 0
    assert count(any_app, ConsentRecord) == 0
    assert count(any_app, OutboxMessage) == 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"a": 1}', "text/plain"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_a_400(any_app: Flask, data: object, content_type: str) -> None:
    prepare(any_app)
    response = any_app.test_client().post("/api/v1/bookings", data=data, content_type=content_type)
    error(response, 400)
    assert count(any_app, Booking) == 0


def test_an_idempotent_retry_returns_the_first_booking(any_app: Flask) -> None:
    prepare(any_app, caseworkers=2)
    client = any_app.test_client()
    headers = {"Idempotency-Key": "chat-42-confirm"}
    first = client.post("/api/v1/bookings", json=booking_body(), headers=headers)
    again = client.post("/api/v1/bookings", json=booking_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(any_app, Booking) == 1 and count(any_app, IdempotencyRecord) == 1
    changed = client.post("/api/v1/bookings", json=booking_body(start=later(1)), headers=headers)
    assert error(changed, 422)["code"] == "idempotency_conflict"
    assert count(any_app, Booking) == 1
    # Another caller with the same key is another scope: a new booking.
    other = client.post(
        "/api/v1/bookings",
        json=booking_body(),
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 201
    assert other.get_json()["reference"] != first.get_json()["reference"]


def test_an_overlong_idempotency_key_is_refused(any_app: Flask) -> None:
    prepare(any_app)
    response = any_app.test_client().post(
        "/api/v1/bookings", json=booking_body(), headers={"Idempotency-Key": "k" * 201}
    )
    assert error(response, 422)["field"] == "Idempotency-Key"
    assert count(any_app, Booking) == 0


def test_the_citizen_reads_cancels_and_moves_with_the_manage_token(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    created = create(client)
    ref, token = created["reference"], {"X-Manage-Token": created["manage_token"]}

    shown = client.get(f"/api/v1/bookings/{ref.lower()}", headers=token)
    assert shown.status_code == 200
    body = shown.get_json()
    assert body["citizen"] == {
        "name": "Anna Jensen",
        "phone": "+4520304050",
        "email": "anna@example.dk",
    }
    assert body["start"] == "2030-01-08T09:00:00+01:00" and "caseworker_note" not in body

    moved = client.post(
        f"/api/v1/bookings/{ref}/reschedule", json={"start": later(2)}, headers=token
    )
    assert moved.status_code == 200 and moved.get_json()["start"] == "2030-01-08T11:00:00+01:00"

    cancelled = client.post(
        f"/api/v1/bookings/{ref}/cancel", json={"reason": "Fik job"}, headers=token
    )
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/bookings/{ref}/cancel", headers=token)
    assert error(again, 409)["code"] == "invalid_state"


@pytest.mark.parametrize("method", ["get", "cancel", "reschedule"])
def test_a_wrong_or_missing_manage_token_changes_nothing(any_app: Flask, method: str) -> None:
    prepare(any_app)
    client = any_app.test_client()
    ref = create(client)["reference"]

    def call(headers: dict[str, str], reference: str = ref):  # type: ignore[no-untyped-def]
        url = f"/api/v1/bookings/{reference}"
        if method == "get":
            return client.get(url, headers=headers)
        return client.post(f"{url}/{method}", json={"start": later(1)}, headers=headers)

    assert error(call({}), 401)["code"] == "unauthorized"
    assert error(call({"X-Manage-Token": "guess"}), 403)["code"] == "not_allowed"
    # An unknown reference answers exactly like a wrong token: nothing to enumerate.
    assert error(call({"X-Manage-Token": "guess"}, "ZZZZ-ZZZZ"), 403)["code"] == "not_allowed"
    with any_app.extensions["database"].transaction() as session:
        booking = session.query(Booking).one()
        assert (booking.status, booking.sequence) == ("confirmed", 0)
        assert booking.start_at == TUESDAY_9


def test_reschedule_needs_a_valid_start(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    created = create(client)
    token = {"X-Manage-Token": created["manage_token"]}
    url = f"/api/v1/bookings/{created['reference']}/reschedule"
    assert error(client.post(url, json={}, headers=token), 422)["field"] == "start"
    assert error(client.post(url, json={"start": "nope"}, headers=token), 422)["field"] == "start"
    bad = client.post(url, json={"start": "2030-01-08T09:15:00+01:00"}, headers=token)
    assert error(bad, 422)["field"] == "start"
    assert error(client.post(url, data="{", content_type="application/json", headers=token), 400)


class _User:
    def __init__(self, user_id: int, role: str, caseworker_id: int | None) -> None:
        self.id, self.role, self.caseworker_id = user_id, role, caseworker_id


def test_a_caseworker_session_reaches_only_own_bookings(any_app: Flask) -> None:
    first, second = prepare(any_app, caseworkers=2)
    staff: dict[str, _User | None] = {"user": None}

    @any_app.before_request
    def _as_staff() -> None:  # stands in for web/auth/routes.py's session loader
        g.user = staff["user"]

    client = any_app.test_client()
    ref = create(client)["reference"]  # goes to the first (least loaded, lowest id)
    staff["user"] = _User(7, "caseworker", second)
    assert error(client.get(f"/api/v1/bookings/{ref}"), 403)["code"] == "not_allowed"
    staff["user"] = _User(8, "caseworker", first)
    assert client.get(f"/api/v1/bookings/{ref}").status_code == 200
    staff["user"] = _User(9, "admin", None)
    # Without JSON a cookie-authenticated change could come from a cross-site form: refused.
    assert error(client.post(f"/api/v1/bookings/{ref}/cancel"), 403)["code"] == "forbidden"
    response = client.post(f"/api/v1/bookings/{ref}/cancel", json={})
    assert response.status_code == 200
    with any_app.extensions["database"].transaction() as session:
        assert session.query(Booking).one().cancelled_by == "admin"


def test_times_are_shown_with_the_summer_offset_in_summer(any_app: Flask) -> None:
    prepare(any_app)
    any_app.extensions["clock"] = lambda: datetime.fromisoformat("2030-06-03T06:00:00+00:00")
    body = create(any_app.test_client(), start="2030-06-04T07:00:00Z")
    assert body["start"] == "2030-06-04T09:00:00+02:00"
    assert NOW.year == 2030
