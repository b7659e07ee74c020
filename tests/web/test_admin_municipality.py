"""The municipality's facts: configuration as the defaults, changed by administrators (page and
admin API) with validation and history, and used by the pages and GET /api/v1/municipality
(from which the assistant fills its {municipality_*} placeholders)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from booking.models import OutboxMessage
from booking.settings import defaults_from_config, update_municipality
from tests.support.api import create, prepare
from tests.support.clock import NOW
from tests.support.staff import admin_api_key, post

PAGE = "/admin/municipality"
API = "/api/v1/admin/municipality"


def _form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Eksempel Kommune",
        "phone": "+45 70 12 34 56",
        "email": "borgerservice@example.dk",
        "address": "Rådhuspladsen 1, 1234 Eksempelby",
        "opening_hours_da": "mandag-onsdag 9-15, torsdag 9-17, fredag 9-13",
        "opening_hours_en": "Monday-Wednesday 9-15, Thursday 9-17, Friday 9-13",
        "privacy_url": "",
    }
    form.update(changes)
    return form


def test_the_facts_start_as_configured(admin: FlaskClient, client: FlaskClient) -> None:
    page = admin.get(PAGE).get_data(as_text=True)
    assert 'value="+45 70 12 34 56"' in page and "Ingen ændringer endnu" in page
    assert client.get("/api/v1/municipality").get_json()["name"] == "Eksempel Kommune"


def test_a_caseworker_and_a_visitor_are_refused(logged_in: FlaskClient, app: Flask) -> None:
    assert logged_in.get(PAGE).status_code == 403
    assert post(logged_in, PAGE, _form(name="X")).status_code == 403
    response = app.test_client().get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_saving_needs_the_csrf_token(admin: FlaskClient, client: FlaskClient) -> None:
    assert admin.post(PAGE, data=_form(name="Andeby Kommune")).status_code == 400
    assert client.get("/api/v1/municipality").get_json()["name"] == "Eksempel Kommune"


def test_changed_facts_reach_the_pages_the_api_and_the_history(
    admin: FlaskClient, client: FlaskClient
) -> None:
    changes = {
        "name": "Andeby Kommune",
        "phone": "+45 99 88 77 66",
        "opening_hours_en": "Mon-Fri 8-16",
        "privacy_url": "https://andeby.dk/privatliv",
    }
    assert post(admin, PAGE, _form(**changes)).status_code == 302
    body = client.get("/api/v1/municipality").get_json()
    assert body["name"] == "Andeby Kommune" and body["phone"] == "+45 99 88 77 66"
    assert body["opening_hours"] == {
        "da": "mandag-onsdag 9-15, torsdag 9-17, fredag 9-13",
        "en": "Mon-Fri 8-16",
    }
    assert body["privacy_url"] == "https://andeby.dk/privatliv"
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Kommunens oplysninger blev gemt." in page
    assert "<td>Eksempel Kommune</td><td>Andeby Kommune</td>" in page
    assert "admin@example.dk" in page
    front = client.get("/?lang=en").get_data(as_text=True)
    assert "Andeby Kommune" in front and "+45 99 88 77 66" in front and "Mon-Fri 8-16" in front
    assert "Eksempel Kommune" not in client.get("/privacy").get_data(as_text=True)


RULES = [
    ({"name": " "}, "name", "kan ikke være tomt"),
    ({"phone": "ring til os"}, "phone", "Skriv et telefonnummer"),
    ({"email": "borgerservice"}, "email", "Skriv en e-mailadresse"),
    ({"address": ""}, "address", "kan ikke være tomt"),
    ({"opening_hours_da": ""}, "opening_hours_da", "kan ikke være tomt"),
    ({"opening_hours_en": "x" * 301}, "opening_hours_en", "Højst 300 tegn"),
    ({"privacy_url": "andeby.dk/privatliv"}, "privacy_url", "https://"),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_a_broken_rule_is_shown_beside_its_field_and_nothing_changes(
    admin: FlaskClient, client: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = post(
        admin,
        PAGE,
        _form(name="Andeby Kommune", **changes) if "name" not in changes else _form(**changes),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page and f'href="#{field}"' in page
    assert client.get("/api/v1/municipality").get_json()["name"] == "Eksempel Kommune"


@pytest.fixture
def api_key(db: Database, staff: int) -> str:
    return admin_api_key(db)


def _call(client: FlaskClient, method: str, key: str, body: Any = None) -> Any:
    return client.open(API, method=method, json=body, headers={"Authorization": f"Bearer {key}"})


def test_the_api_reads_and_changes_the_facts(client: FlaskClient, api_key: str) -> None:
    assert _call(client, "GET", api_key).get_json()["email"] == "borgerservice@example.dk"
    changed = _call(client, "PUT", api_key, {"email": "kontakt@andeby.dk"})
    assert changed.status_code == 200 and changed.get_json()["email"] == "kontakt@andeby.dk"
    assert changed.get_json()["name"] == "Eksempel Kommune"
    assert client.get(API).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [(changes, field) for changes, field, _ in RULES]
    + [({"email": 5}, "email"), ({"privacy_url": "ftp://a.dk"}, "privacy_url")],
)
def test_the_api_refuses_bad_facts_with_422_and_the_field(
    client: FlaskClient, api_key: str, body: dict[str, Any], field: str
) -> None:
    response = _call(client, "PUT", api_key, body)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == field


def test_a_new_booking_s_messages_name_the_changed_municipality(app: Flask, db: Database) -> None:
    prepare(app)
    with db.transaction() as session:
        defaults = defaults_from_config(app.config)
        update_municipality(session, {"name": "Andeby Kommune"}, defaults, user_id=None, now=NOW)
    create(app.test_client())
    with db.transaction() as session:
        bodies = [m.body or "" for m in session.query(OutboxMessage)]
    assert bodies and all("Eksempel Kommune" not in body for body in bodies)
    assert any("Andeby Kommune" in body for body in bodies), bodies
