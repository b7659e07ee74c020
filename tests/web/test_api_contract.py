"""The contract of /api/v1 comes from the pydantic models: what the document declares is what
the code enforces (the disagreements Schemathesis found stay fixed)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.bookings.tokens import new_reference
from booking.db import Database
from tests.support.api import booking_body, create, error, prepare
from tests.support.staff import admin_api_key
from web.api.contract import field_name
from web.api.schemas import BookingRequest


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()
    return body


@pytest.mark.parametrize(
    "query",
    [
        "from=2030-W02-2",  # an ISO week date: date.fromisoformat reads it, format: date does not
        "from=20300108",
        "to=2030-1-8",
        "from=2030-01-32",
        "from=1999-12-31",
        "to=tomorrow",
        "from=2030-01-08&from=2030-01-09",
    ],
)
def test_a_malformed_date_in_the_slot_search_is_422_naming_it(app: Flask, query: str) -> None:
    prepare(app)
    response = app.test_client().get(f"/api/v1/services/jobcenter/slots?{query}")
    assert error(response, 422)["field"] == query.split("=")[0]


def test_every_declared_reference_is_routed_and_a_malformed_one_is_404(app: Flask) -> None:
    prepare(app)
    client = app.test_client()
    created = create(client)
    token = {"X-Manage-Token": created["manage_token"]}
    pattern = re.compile(
        client.get("/api/v1/openapi.json").get_json()["paths"]["/bookings/{reference}"]["get"][
            "parameters"
        ][0]["schema"]["pattern"]
    )
    reference = created["reference"]
    for written in (reference, reference.lower(), reference.replace("-", ""), new_reference()):
        assert pattern.fullmatch(written)
    for written in (reference, reference.lower(), reference.replace("-", " ")):
        assert client.get(f"/api/v1/bookings/{written}", headers=token).status_code == 200
    assert not pattern.fullmatch("K7M2-9QXDD") and not pattern.fullmatch("lookup")
    assert error(client.get("/api/v1/bookings/K7M2-9QXDD", headers=token), 404)


def test_an_undeclared_method_is_a_json_405_with_allow(client: FlaskClient) -> None:
    response = client.get("/api/v1/bookings/lookup")  # once routed to GET /bookings/{reference}
    assert error(response, 405)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    response = client.patch("/api/v1/services")
    assert error(response, 405) and "GET" in response.headers["Allow"]


def test_the_document_declares_patterns_formats_and_security(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    booking = schemas["BookingRequest"]["properties"]
    assert booking["start"]["format"] == "date-time"
    assert booking["consents"]["maxItems"] == 10
    consent = schemas["Consent"]["properties"]["text_version"]
    assert (consent["type"], consent["minimum"]) == ("integer", 1)
    slots = document["paths"]["/services/{code}/slots"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("format") for p in slots if p["in"] == "query"} == {
        "from": "date",
        "to": "date",
        "mode": None,
    }
    assert set(document["components"]["securitySchemes"]) == {
        "serviceToken",
        "manageToken",
        "staffSession",
        "adminApiKey",
    }
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            assert "405" in op["responses"], (path, method)
            assert op.get("security"), (path, method)
            if path.startswith("/admin/"):
                assert op["security"] == [{"adminApiKey": []}]
                assert "401" in op["responses"]
    revert = document["paths"]["/admin/assistant/changes/{change_id}/revert"]["post"]
    assert revert["parameters"][0]["schema"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
    }


def test_the_document_is_generated_from_the_same_models_as_the_validation(
    document: dict[str, Any],
) -> None:
    generated = BookingRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    generated.pop("$defs")
    assert document["components"]["schemas"]["BookingRequest"] == generated


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"citizen": None}, "citizen", "Feltet 'citizen' mangler."),
        ({"citizen": {"name": 5, "phone": "1"}}, "citizen.name", "skal være tekst"),
        ({"citizen": {"name": "A" * 401, "phone": "1"}}, "citizen.name", "er for langt"),
        ({"consents": [{"purpose": "booking"}] * 11}, "consents", ""),
        ({"consents": [{"purpose": "booking", "text_version": True}]}, "consents[0]", ""),
        ({"consents": [{"purpose": "x", "text_version": 1}]}, "consents[0]", ""),
        ({"consents": [{"purpose": "booking", "text_version": 2**40}]}, "consents[0]", ""),
        ({"channel": "fax"}, "channel", "Kanalen skal være"),
        ({"mode": "fax"}, "mode", ""),
        ({"conversation_id": "a\x00b"}, "conversation_id", "ugyldige tegn"),
    ],
)
def test_a_booking_body_against_the_model_names_the_first_wrong_field(
    app: Flask, body: dict[str, Any], field: str, message: str
) -> None:
    prepare(app)
    response = app.test_client().post("/api/v1/bookings", json=booking_body(**body))
    found = error(response, 422)
    assert found["field"] == field and message in found["message"]


def test_field_names_follow_the_old_form() -> None:
    assert field_name(("citizen", "name")) == "citizen.name"
    assert field_name(("consents", 0, "purpose")) == "consents[0]"
    assert field_name(()) == "body"


@pytest.fixture
def admin_key(client: FlaskClient, db: Database, staff: int) -> str:
    return admin_api_key(db)


def test_what_the_fuzz_found_in_the_admin_api_is_a_4xx(client: FlaskClient, admin_key: str):
    headers = {"Authorization": f"Bearer {admin_key}"}
    huge = client.get("/api/v1/admin/assistant/trainings/59641051831178046210048", headers=headers)
    assert error(huge, 404)
    purpose = client.post(
        "/api/v1/admin/consent-texts",
        json={"language": "da", "purpose": {}, "text": "0"},
        headers=headers,
    )
    assert error(purpose, 422)["field"] == "purpose"
    repeated = client.get("/api/v1/admin/assistant/changes?intent=a&intent=b", headers=headers)
    assert error(repeated, 422)["field"] == "intent"
