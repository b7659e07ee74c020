"""Rate limits on the public endpoints (429 JSON) and the service token that is exempt."""

from __future__ import annotations

import pytest
from flask import Flask

from booking.models import Booking
from tests.support.api import SERVICE_TOKEN, booking_body, count, error, later, prepare


@pytest.fixture
def limited_app(build_app, sqlite_url: str) -> Flask:
    return build_app(
        sqlite_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_PUBLIC="3/minute",
        RATELIMIT_BOOKING_CREATE="2/hour",
        RATELIMIT_LOOKUP="2/hour",
    )


def test_public_reads_are_limited_per_client_with_a_json_429(limited_app: Flask) -> None:
    prepare(limited_app)
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/services").status_code == 200
    assert error(client.get("/api/v1/services"), 429)["code"] == "too_many_requests"
    other = client.get("/api/v1/services", environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 200


def test_booking_creation_is_limited_but_the_service_token_is_exempt(limited_app: Flask) -> None:
    prepare(limited_app, caseworkers=3)
    client = limited_app.test_client()
    for hours in (0, 1):
        assert (
            client.post("/api/v1/bookings", json=booking_body(start=later(hours))).status_code
            == 201
        )
    assert error(client.post("/api/v1/bookings", json=booking_body(start=later(2))), 429)
    trusted = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    for hours in (2, 3, 4):
        response = client.post(
            "/api/v1/bookings", json=booking_body(start=later(hours)), headers=trusted
        )
        assert response.status_code == 201
    assert count(limited_app, Booking) == 5


def test_lookups_are_limited(limited_app: Flask) -> None:
    prepare(limited_app)
    client = limited_app.test_client()
    body = {"reference": "K7M2-9QXD", "phone": "20304050"}
    for _ in range(2):
        assert client.post("/api/v1/bookings/lookup", json=body).status_code == 202
    assert error(client.post("/api/v1/bookings/lookup", json=body), 429)


def test_a_wrong_service_token_is_a_401_not_a_public_call(any_app: Flask) -> None:
    prepare(any_app)
    response = any_app.test_client().post(
        "/api/v1/bookings", json=booking_body(), headers={"Authorization": "Bearer nope"}
    )
    assert error(response, 401)["code"] == "unauthorized"
    assert count(any_app, Booking) == 0
    client = any_app.test_client()
    assert error(client.get("/api/v1/services", headers={"Authorization": "Basic x"}), 401)
    trusted = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    assert client.get("/api/v1/services", headers=trusted).status_code == 200


def test_the_service_token_is_its_own_idempotency_scope(any_app: Flask) -> None:
    prepare(any_app, caseworkers=2)
    client = any_app.test_client()
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": "conv-1"}
    first = client.post("/api/v1/bookings", json=booking_body(), headers=headers)
    # The same caller from another address (another action-server replica) replays.
    again = client.post(
        "/api/v1/bookings",
        json=booking_body(),
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert first.status_code == again.status_code == 201
    assert first.get_json()["reference"] == again.get_json()["reference"]
    assert count(any_app, Booking) == 1
