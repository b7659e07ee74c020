"""POST /bookings/lookup and /bookings/lookup/confirm: a one-time code by SMS."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from booking.models import OneTimeCode
from tests.support.api import NOW, count, create, error, prepare


def sent(app: Flask) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = app.extensions["sms_sender"].sent
    return [m for m in messages if m["body"] and re.search(r"\b\d{6}\b", m["body"])]


def code_of(message: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{6})\b", message["body"])
    assert match
    return match.group(1)


def test_a_matching_lookup_sends_a_code_that_gives_a_working_manage_token(
    any_app: Flask,
) -> None:
    prepare(any_app)
    client = any_app.test_client()
    created = create(client)
    response = client.post(
        "/api/v1/bookings/lookup",
        json={"reference": created["reference"].lower(), "phone": "+45 20 30 40 50"},
    )
    assert response.status_code == 202
    (message,) = sent(any_app)
    assert message["to"] == "+4520304050" and "kode" in message["body"]
    confirmed = client.post(
        "/api/v1/bookings/lookup/confirm",
        json={"reference": created["reference"], "code": code_of(message)},
    )
    assert confirmed.status_code == 200
    token = confirmed.get_json()["manage_token"]
    assert token != created["manage_token"]
    url = f"/api/v1/bookings/{created['reference']}"
    assert client.get(url, headers={"X-Manage-Token": token}).status_code == 200
    # The link from the confirmation still works beside the new token.
    original = client.get(url, headers={"X-Manage-Token": created["manage_token"]})
    assert original.status_code == 200
    wrong = client.get(url, headers={"X-Manage-Token": token + "x"})
    assert error(wrong, 403)["code"] == "not_allowed"


def test_an_english_booking_gets_the_code_in_english(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    created = create(client, language="en")
    client.post(
        "/api/v1/bookings/lookup", json={"reference": created["reference"], "phone": "20304050"}
    )
    assert "Your code" in sent(any_app)[0]["body"]


def test_a_lookup_that_does_not_match_also_answers_202_and_sends_nothing(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    ref = create(client)["reference"]
    for body in (
        {"reference": ref, "phone": "+4520304051"},
        {"reference": "ZZZZ-ZZZZ", "phone": "+4520304050"},
    ):
        assert client.post("/api/v1/bookings/lookup", json=body).status_code == 202
    assert sent(any_app) == [] and count(any_app, OneTimeCode) == 0


def test_malformed_lookups_get_a_4xx(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    url = "/api/v1/bookings/lookup"
    assert error(client.post(url, data="{", content_type="application/json"), 400)
    assert error(client.post(url, json={"reference": "K7M2-9QXD"}), 422)["field"] == "phone"
    bad_phone = client.post(url, json={"reference": "K7M2-9QXD", "phone": "12"})
    assert error(bad_phone, 422)["field"] == "phone"
    bad_ref = client.post(url, json={"reference": "nope", "phone": "20304050"})
    assert error(bad_ref, 422)["field"] == "reference"
    confirm = "/api/v1/bookings/lookup/confirm"
    assert error(client.post(confirm, json={"reference": "K7M2-9QXD"}), 422)["field"] == "code"


def test_wrong_and_expired_codes_are_refused_and_the_fifth_wrong_try_ends_the_code(
    any_app: Flask,
) -> None:
    prepare(any_app)
    client = any_app.test_client()
    ref = create(client)["reference"]
    client.post("/api/v1/bookings/lookup", json={"reference": ref, "phone": "20304050"})
    code = code_of(sent(any_app)[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    confirm = "/api/v1/bookings/lookup/confirm"
    for _ in range(5):
        response = client.post(confirm, json={"reference": ref, "code": wrong})
        assert error(response, 403)["code"] == "code_rejected"
    with any_app.extensions["database"].transaction() as session:
        assert session.scalars(select(OneTimeCode)).one().failed_attempts == 5
    spent = client.post(confirm, json={"reference": ref, "code": code})
    assert error(spent, 403)["code"] == "code_rejected"

    any_app.extensions["clock"] = lambda: NOW + timedelta(minutes=1)
    client.post("/api/v1/bookings/lookup", json={"reference": ref, "phone": "20304050"})
    fresh = code_of(sent(any_app)[-1])
    any_app.extensions["clock"] = lambda: NOW + timedelta(minutes=11, seconds=1)
    expired = client.post(confirm, json={"reference": ref, "code": fresh})
    assert error(expired, 403)["code"] == "code_rejected"
    unknown = client.post(confirm, json={"reference": "ZZZZ-ZZZZ", "code": fresh})
    assert error(unknown, 403)["code"] == "code_rejected"
