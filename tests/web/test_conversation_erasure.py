"""Bookings record their conversation; erasing the citizen's data deletes that conversation."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from booking.models import Booking
from tests.support.api import NOW, booking_body, create, error, later, prepare
from tests.support.conversations import add_conversation, rows_of, tracker_store

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


@pytest.fixture
def app_settings(tracker_url: str) -> dict[str, Any]:
    return {"TRACKER_STORE_URL": tracker_url}


def _stored_conversation(app: Flask, reference: str) -> str | None:
    with app.extensions["database"].transaction() as session:
        return session.query(Booking).filter_by(reference=reference).one().conversation_id


def test_a_booking_made_in_a_conversation_records_its_id(app: Flask) -> None:
    prepare(app)
    booked = create(app.test_client(), conversation_id="rasa-sender-42")
    assert _stored_conversation(app, booked["reference"]) == "rasa-sender-42"
    web_booking = create(app.test_client(), start=later(1))
    assert _stored_conversation(app, web_booking["reference"]) is None


@pytest.mark.parametrize("bad", [42, "", "x" * 256, "line\nbreak", {"id": "x"}])
def test_a_malformed_conversation_id_is_refused_with_422(app: Flask, bad: object) -> None:
    prepare(app)
    response = app.test_client().post("/api/v1/bookings", json=booking_body(conversation_id=bad))
    assert error(response, 422)["code"] in ("validation_failed", "invalid")


def test_erasure_from_the_manage_page_deletes_the_conversation_and_only_that(
    app: Flask, tracker_url: str
) -> None:
    prepare(app)
    store = tracker_store(tracker_url)
    add_conversation(store, "chat-of-anna", last_event_at=NOW)
    add_conversation(store, "someone-else", last_event_at=NOW)
    booked = create(app.test_client(), conversation_id="chat-of-anna")

    client = app.test_client()
    first = client.get(f"/booking/{booked['reference']}?token={booked['manage_token']}")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    csrf = _CSRF.search(page)
    assert csrf
    done = client.post(
        f"/booking/{booked['reference']}/erase",
        data={"confirm": "yes", "csrf_token": csrf.group(1)},
    )
    assert done.status_code == 200
    assert rows_of(store, "chat-of-anna") == 0
    assert rows_of(store, "someone-else") == 4
    assert _stored_conversation(app, booked["reference"]) is None


def test_the_api_erases_with_the_manage_token_and_deletes_the_conversation(
    app: Flask, tracker_url: str
) -> None:
    prepare(app)
    store = tracker_store(tracker_url)
    add_conversation(store, "chat-of-anna", last_event_at=NOW)
    booked = create(app.test_client(), conversation_id="chat-of-anna")
    path = f"/api/v1/bookings/{booked['reference']}/erase"
    client = app.test_client()

    assert error(client.post(path), 401)["code"] == "unauthorized"
    assert rows_of(store, "chat-of-anna") == 4
    wrong = client.post(path, headers={"X-Manage-Token": "not-the-token"})
    assert wrong.status_code in (403, 404)
    assert rows_of(store, "chat-of-anna") == 4

    done = client.post(path, headers={"X-Manage-Token": booked["manage_token"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"reference": booked["reference"], "erased": True}
    assert rows_of(store, "chat-of-anna") == 0
    with app.extensions["database"].transaction() as session:
        booking = session.query(Booking).filter_by(reference=booked["reference"]).one()
        assert booking.citizen_name is None and booking.status == "cancelled"
    # the token no longer works (it was replaced), so a second erase is refused
    again = client.post(path, headers={"X-Manage-Token": booked["manage_token"]})
    assert again.status_code in (403, 404)


def test_without_a_configured_tracker_database_erasure_still_erases_the_booking(
    build_app, sqlite_url: str
) -> None:
    app = build_app(sqlite_url, TRACKER_STORE_URL="")
    prepare(app)
    booked = create(app.test_client(), conversation_id="chat-x")
    done = app.test_client().post(
        f"/api/v1/bookings/{booked['reference']}/erase",
        headers={"X-Manage-Token": booked["manage_token"]},
    )
    assert done.status_code == 200
    # the id stays, so a later retention pass with the tracker database can still find it
    assert _stored_conversation(app, booked["reference"]) == "chat-x"


def _manage_page(client: Any, booked: dict[str, Any]) -> str:
    first = client.get(f"/booking/{booked['reference']}?token={booked['manage_token']}")
    return str(client.get(first.headers["Location"]).get_data(as_text=True))


def test_the_transcript_consent_is_withdrawn_on_the_manage_page_and_the_transcript_ends(
    app: Flask, tracker_url: str
) -> None:
    prepare(app)
    store = tracker_store(tracker_url)
    add_conversation(
        store, "chat-of-anna", last_event_at=NOW, transcript_until=NOW + timedelta(days=30)
    )
    add_conversation(
        store, "someone-else", last_event_at=NOW, transcript_until=NOW + timedelta(days=30)
    )
    booked = create(
        app.test_client(),
        conversation_id="chat-of-anna",
        consents=[
            {"purpose": "booking", "text_version": 1},
            {"purpose": "chat_transcript", "text_version": 1},
        ],
    )
    client = app.test_client()
    page = _manage_page(client, booked)
    assert "Stop med at gemme samtalen" in page
    csrf = _CSRF.search(page)
    assert csrf
    done = client.post(
        f"/booking/{booked['reference']}/transcript/stop", data={"csrf_token": csrf.group(1)}
    )
    assert done.status_code == 303
    after = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)
    assert "Samtalen med chatassistenten gemmes ikke længere" in after
    assert "Stop med at gemme samtalen" not in after
    # the encrypted originals and the consent row are gone; the redacted events stay
    assert rows_of(store, "chat-of-anna") == 3
    assert rows_of(store, "someone-else") == 5
    with app.extensions["database"].transaction() as session:
        booking = session.query(Booking).filter_by(reference=booked["reference"]).one()
        withdrawn = {c.purpose: c.withdrawn_at is not None for c in booking.consents}
    assert withdrawn == {"booking": False, "chat_transcript": True}


def test_without_a_transcript_consent_there_is_nothing_to_withdraw(
    app: Flask, tracker_url: str
) -> None:
    prepare(app)
    store = tracker_store(tracker_url)
    add_conversation(store, "chat-of-bo", last_event_at=NOW)
    booked = create(app.test_client(), conversation_id="chat-of-bo")
    client = app.test_client()
    page = _manage_page(client, booked)
    assert "Stop med at gemme samtalen" not in page
    csrf = _CSRF.search(page)
    assert csrf
    done = client.post(
        f"/booking/{booked['reference']}/transcript/stop", data={"csrf_token": csrf.group(1)}
    )
    assert done.status_code == 303
    assert rows_of(store, "chat-of-bo") == 4  # untouched


def test_withdrawing_needs_the_manage_token(app: Flask) -> None:
    prepare(app)
    booked = create(app.test_client(), conversation_id="chat-of-cy")
    response = app.test_client().post(f"/booking/{booked['reference']}/transcript/stop")
    assert response.status_code in (400, 403)
