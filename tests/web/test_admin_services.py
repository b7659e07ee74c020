"""Meeting types (services) in the admin pages and the admin API: access, CSRF, every
validation rule with its field, the history (who, when, before and after), and the change
reaching the citizens' catalogue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from booking.models import Service
from tests.support.staff import ADMIN_EMAIL, admin_api_key, post

SERVICES = "/api/v1/admin/services"


def _form(**changes: Any) -> dict[str, Any]:
    """The jobcenter form as shown, with `changes` (a list value posts repeated fields)."""
    form: dict[str, Any] = {
        "name_da": "Møde med jobcentret",
        "name_en": "Meeting with the jobcentre",
        "description_da": "",
        "description_en": "",
        "duration_minutes": "30",
        "buffer_minutes": "10",
        "slot_step_minutes": "30",
        "min_notice_minutes": "120",
        "horizon_days": "60",
        "retention_days": "90",
        "reminder_offsets_minutes": "1440, 60",
        "modes": ["video", "phone"],
        "address_da": "",
        "address_en": "",
        "directions_da": "",
        "directions_en": "",
        "active": "yes",
    }
    form.update(changes)
    return form


def _service(db: Database, code: str = "jobcenter") -> Service:
    with db.transaction() as session:
        service = session.query(Service).filter_by(code=code).one()
        session.expunge(service)
        return service


@pytest.fixture
def api_key(db: Database, staff: int) -> str:
    return admin_api_key(db)


def _call(client: FlaskClient, method: str, path: str, key: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    return client.open(path, method=method, json=body, headers=headers)


PAGES = ["/admin/services/", "/admin/services/new", "/admin/services/jobcenter"]
POSTS = ["/admin/services/", "/admin/services/jobcenter"]


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_sees_the_pages_and_a_caseworker_or_visitor_does_not(
    admin: FlaskClient, app: Flask, path: str
) -> None:
    assert admin.get(path).status_code == 200
    assert admin.get("/admin/services/nothing").status_code == 404
    visitor = app.test_client()
    response = visitor.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES + POSTS)
def test_a_caseworker_gets_403(logged_in: FlaskClient, path: str) -> None:
    assert logged_in.get(path).status_code in (403, 405)
    assert post(logged_in, path, _form(code="ny")).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_every_form_needs_the_csrf_token(admin: FlaskClient, db: Database, path: str) -> None:
    data = _form(code="ny", duration_minutes="45")
    assert admin.post(path, data=data).status_code == 400
    assert _service(db).duration_minutes == 30


def test_saving_the_form_changes_the_service_and_records_before_and_after(
    admin: FlaskClient, db: Database, client: FlaskClient
) -> None:
    response = post(
        admin,
        "/admin/services/jobcenter",
        _form(duration_minutes="45", name_en="Jobcentre meeting"),
    )
    assert response.status_code == 302
    service = _service(db)
    assert service.duration_minutes == 45 and service.buffer_minutes == 10
    assert service.reminder_offsets_minutes == [1440, 60] and service.modes == ["video", "phone"]
    page = admin.get("/admin/services/jobcenter?lang=en").get_data(as_text=True)
    assert "Mødetypen blev gemt." in page  # flashed in the language of the post
    assert re.search(r"<td>Duration \(minutes\)</td>\s*<td>30</td>\s*<td>45</td>", page)
    assert "admin@example.dk" in page
    catalogue = client.get("/api/v1/services", headers={"Accept-Language": "en"}).get_json()
    jobcenter = next(s for s in catalogue if s["code"] == "jobcenter")
    assert jobcenter["duration_minutes"] == 45 and jobcenter["name"]["en"] == "Jobcentre meeting"


def test_a_new_meeting_type_is_created_through_the_form(admin: FlaskClient, db: Database):
    data = _form(
        code="boligstotte",
        name_da="Boligstøtte",
        name_en="Housing benefit",
        modes=["in_person"],
        address_da="Rådhuset",
        address_en="The town hall",
    )
    response = post(admin, "/admin/services/", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/services/boligstotte")
    service = _service(db, "boligstotte")
    assert service.modes == ["in_person"] and service.address_en == "The town hall"


RULES = [
    ({"name_da": " "}, "name_da", "kan ikke være tomt"),
    ({"name_en": "x" * 201}, "name_en", "Højst 200 tegn"),
    ({"description_da": "x" * 2001}, "description_da", "Højst 2000 tegn"),
    ({"duration_minutes": "ti"}, "duration_minutes", "helt tal"),
    ({"duration_minutes": "0"}, "duration_minutes", "fra 5 til 480"),
    ({"buffer_minutes": "-5"}, "buffer_minutes", "helt tal"),
    ({"buffer_minutes": "300"}, "buffer_minutes", "fra 0 til 240"),
    ({"slot_step_minutes": "3"}, "slot_step_minutes", "fra 5 til 480"),
    ({"slot_step_minutes": "60"}, "slot_step_minutes", "længere end mødet"),
    ({"min_notice_minutes": "99999"}, "min_notice_minutes", "fra 0 til 43200"),
    ({"horizon_days": "0"}, "horizon_days", "fra 1 til 365"),
    ({"retention_days": "5000"}, "retention_days", "fra 1 til 3650"),
    ({"reminder_offsets_minutes": "60, 60"}, "reminder_offsets_minutes", "hver påmindelse én gang"),
    ({"reminder_offsets_minutes": "1, 2, 3, 4, 5, 6"}, "reminder_offsets_minutes", "Højst 5"),
    ({"reminder_offsets_minutes": "en time"}, "reminder_offsets_minutes", "helt tal"),
    ({"modes": []}, "modes", "mindst én måde"),
    ({"modes": ["video", "fax"]}, "modes", "video, telefon og fremmøde"),
    ({"modes": ["in_person"], "address_da": ""}, "address_da", "kan ikke være tomt"),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_a_broken_rule_shows_the_form_again_with_the_message_beside_its_field(
    admin: FlaskClient, db: Database, changes: dict[str, Any], field: str, message: str
) -> None:
    response = post(admin, "/admin/services/jobcenter", _form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page and f'href="#{field}"' in page
    assert _service(db).name_da == "Samtale med Jobcenter" and _service(db).duration_minutes == 30


@pytest.mark.parametrize(
    ("code", "message"),
    [("Ny Type", "små bogstaver"), ("new", "små bogstaver"), ("jobcenter", "findes allerede")],
)
def test_a_new_meeting_type_needs_a_new_valid_code(admin: FlaskClient, code: str, message: str):
    response = post(admin, "/admin/services/", _form(code=code))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def _json_rule(changes: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "reminder_offsets_minutes":
            value = [int(v) if v.strip().isdigit() else v for v in value.split(",")]
        elif field.endswith(("_minutes", "_days")) and value.lstrip("-").isdigit():
            value = int(value)
        body[field] = value
    return body


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_the_api_answers_422_with_the_field_for_every_rule(
    client: FlaskClient, api_key: str, changes: dict[str, Any], field: str, message: str
) -> None:
    response = _call(client, "PUT", f"{SERVICES}/jobcenter", api_key, _json_rule(changes))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_the_api_refuses_wrong_types_with_the_field(client: FlaskClient, api_key: str) -> None:
    for body, field in [
        ({"duration_minutes": True}, "duration_minutes"),
        ({"active": "yes"}, "active"),
        ({"modes": "video"}, "modes"),
        ({"name_da": 5}, "name_da"),
    ]:
        response = _call(client, "PUT", f"{SERVICES}/jobcenter", api_key, body)
        assert response.status_code == 422 and response.get_json()["error"]["field"] == field


def test_the_api_creates_changes_and_lists_the_history(client: FlaskClient, api_key: str):
    created = _call(
        client,
        "POST",
        SERVICES,
        api_key,
        {
            "code": "boligstotte",
            "name_da": "Boligstøtte",
            "name_en": "Housing benefit",
            "duration_minutes": 20,
            "buffer_minutes": 0,
            "slot_step_minutes": 20,
            "min_notice_minutes": 60,
            "horizon_days": 30,
            "retention_days": 60,
            "reminder_offsets_minutes": [60],
            "modes": ["phone"],
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["modes"] == ["phone"]
    changed = _call(client, "PUT", f"{SERVICES}/boligstotte", api_key, {"active": False})
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    history = _call(client, "GET", f"{SERVICES}/boligstotte/changes", api_key).get_json()
    assert [h["action"] for h in history] == ["service.update", "service.create"]
    assert history[0]["before"]["active"] is True and history[0]["after"]["active"] is False
    assert history[0]["by"] == ADMIN_EMAIL and history[1]["before"] is None
    assert _call(client, "POST", SERVICES, api_key, {"code": "boligstotte"}).status_code == 422
    assert _call(client, "GET", f"{SERVICES}/nothing", api_key).status_code == 404
    assert len(_call(client, "GET", SERVICES, api_key).get_json()) == 4


def test_the_api_needs_an_admin_key(client: FlaskClient, api_key: str) -> None:
    assert client.get(SERVICES).status_code == 401
    assert _call(client, "PUT", f"{SERVICES}/jobcenter", "bb_wrong", {}).status_code == 401


def test_the_openapi_document_describes_the_service_routes(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/admin/services"])
    assert {"get", "put"} <= set(paths["/admin/services/{code}"])
    assert "get" in paths["/admin/services/{code}/changes"]


def test_the_history_shows_lists_and_yes_or_no_as_words(admin: FlaskClient) -> None:
    post(admin, "/admin/services/jobcenter", _form(modes=["video"], active=""))
    page = admin.get("/admin/services/jobcenter?lang=en").get_data(as_text=True)
    assert re.search(
        r"<td>Ways to meet</td>\s*<td>Video, Phone, In person</td>\s*<td>Video</td>", page
    )
    assert re.search(r"<td>Citizens can book it</td>\s*<td>Yes</td>\s*<td>No</td>", page)
