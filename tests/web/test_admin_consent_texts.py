"""Consent texts in the admin pages and the admin API: a new version per purpose and language,
old versions kept, consents already given keep their version, citizens are shown the newest."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.db import Database
from booking.models import ConsentRecord, ConsentText
from tests.support.staff import admin_api_key, make_booking, post

PAGE = "/admin/consent-texts"
API = "/api/v1/admin/consent-texts"
NEW_TEXT = "Vi behandler dine oplysninger for at holde mødet. Ny version."


def _form(**changes: str) -> dict[str, str]:
    return {"purpose": "booking", "language": "da", "text": NEW_TEXT, **changes}


def _versions(db: Database, purpose: str = "booking", language: str = "da") -> list[tuple]:
    with db.transaction() as session:
        query = (
            select(ConsentText.version, ConsentText.active, ConsentText.text)
            .where(ConsentText.purpose == purpose, ConsentText.language == language)
            .order_by(ConsentText.version)
        )
        return [tuple(row) for row in session.execute(query)]


def test_a_caseworker_and_a_visitor_are_refused(logged_in: FlaskClient, app: Flask) -> None:
    assert logged_in.get(PAGE).status_code == 403
    assert post(logged_in, PAGE, _form()).status_code == 403
    response = app.test_client().get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_publishing_needs_the_csrf_token(admin: FlaskClient, db: Database) -> None:
    before = _versions(db)
    assert admin.post(PAGE, data=_form()).status_code == 400
    assert _versions(db) == before


def test_a_new_version_is_in_force_and_a_given_consent_keeps_the_version_shown(
    admin: FlaskClient, db: Database, client: FlaskClient
) -> None:
    reference = make_booking(db)  # its booking consent points at version 1
    response = post(admin, PAGE, _form())
    assert response.status_code == 302
    versions = _versions(db)
    assert [(v, active) for v, active, _ in versions] == [(1, False), (2, True)]
    assert versions[1][2] == NEW_TEXT
    with db.transaction() as session:
        record = session.scalar(select(ConsentRecord).where(ConsentRecord.purpose == "booking"))
        assert record is not None and record.booking.reference == reference
        assert record.text_version == 1
    shown = client.get("/api/v1/consent-texts?language=da").get_json()
    assert {"purpose": "booking", "version": 2, "text": NEW_TEXT} in shown
    page = admin.get(PAGE).get_data(as_text=True)
    assert "version 2 gælder" in page and "Tidligere versioner (1)" in page
    assert "admin@example.dk" in page
    # the English text was not touched
    assert [v for v, _, _ in _versions(db, language="en")] == [1]


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"text": "  "}, "text-booking-da", "Skriv den tekst"),
        ({"text": "x" * 5001}, "text-booking-da", "Højst 5000 tegn"),
        ({"purpose": "marketing"}, "text-marketing-da", "Vælg et af formålene"),
        ({"language": "de"}, "text-booking-de", "Vælg dansk eller engelsk"),
    ],
)
def test_a_refused_text_shows_the_page_again_with_the_message(
    admin: FlaskClient, db: Database, changes: dict[str, str], field_id: str, message: str
) -> None:
    before = _versions(db)
    response = post(admin, PAGE, _form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'href="#{field_id}"' in page
    assert _versions(db) == before


def test_the_text_in_force_is_not_published_again(admin: FlaskClient, db: Database) -> None:
    current = _versions(db)[-1][2]
    response = post(admin, PAGE, _form(text=current))
    assert response.status_code == 422
    assert 'id="text-booking-da-error"' in response.get_data(as_text=True)
    assert len(_versions(db)) == 1


@pytest.fixture
def api_key(db: Database, staff: int) -> str:
    return admin_api_key(db)


def _call(client: FlaskClient, method: str, key: str, body: Any = None) -> Any:
    return client.open(API, method=method, json=body, headers={"Authorization": f"Bearer {key}"})


def test_the_api_publishes_and_lists_every_version(client: FlaskClient, api_key: str) -> None:
    body = {"purpose": "sms_reminders", "language": "en", "text": "We send reminders."}
    created = _call(client, "POST", api_key, body)
    assert created.status_code == 201
    assert created.get_json()["version"] == 2 and created.get_json()["active"] is True
    listed = _call(client, "GET", api_key).get_json()
    sms_en = [t for t in listed if (t["purpose"], t["language"]) == ("sms_reminders", "en")]
    assert [(t["version"], t["active"]) for t in sms_en] == [(2, True), (1, False)]
    assert client.get(API).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "x", "language": "da", "text": "t"}, "purpose"),
        ({"purpose": "booking", "language": "sv", "text": "t"}, "language"),
        ({"purpose": "booking", "language": "da", "text": ""}, "text"),
        ({"purpose": "booking", "language": "da", "text": 7}, "text"),
        ({"purpose": "booking", "language": "da", "text": "x" * 5001}, "text"),
    ],
)
def test_the_api_refuses_bad_input_with_422_and_the_field(
    client: FlaskClient, api_key: str, body: dict[str, Any], field: str
) -> None:
    response = _call(client, "POST", api_key, body)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == field


def test_the_api_does_not_publish_the_text_in_force_again(
    client: FlaskClient, api_key: str, db: Database
) -> None:
    current = _versions(db)[-1][2]
    body = {"purpose": "booking", "language": "da", "text": current}
    response = _call(client, "POST", api_key, body)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "text"
    assert len(_versions(db)) == 1
