"""Meeting modes in /api/v1 and on the citizen's meeting page: the catalogue lists them, the
slot search and the booking take one, the booking's JSON shows it, a change of mode is a move.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.db import Database
from booking.models import Booking, Service, WorkingHours
from tests.support.api import TUESDAY_9, booking_body, create, error, later, prepare


def prepare_modes(app: Flask) -> None:
    """jobcenter offers video, phone and in person; in person on Mondays only."""
    prepare(app)
    db: Database = app.extensions["database"]
    with db.transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = ["video", "phone", "in_person"]
        service.address_da, service.address_en = "Jobcentret, Torvet 1", "The jobcentre, Torvet 1"
        service.directions_da = "Meld dig i receptionen."
        for hours in session.scalars(select(WorkingHours)):
            hours.modes = None if hours.weekday == 0 else ["video", "phone"]


def manage(body: dict[str, Any]) -> dict[str, str]:
    return {"X-Manage-Token": body["manage_token"]}


def test_the_catalogue_lists_each_services_modes_and_address(app: Flask, client: FlaskClient):
    prepare_modes(app)

    (service,) = client.get("/api/v1/services").get_json()

    assert service["modes"] == ["video", "phone", "in_person"]
    assert service["in_person"]["address"] == {
        "da": "Jobcentret, Torvet 1",
        "en": "The jobcentre, Torvet 1",
    }
    # English directions missing: the Danish ones rather than nothing
    assert service["in_person"]["directions"]["en"] == "Meld dig i receptionen."


def test_a_video_only_service_lists_only_video(app: Flask, client: FlaskClient) -> None:
    prepare(app)
    (service,) = client.get("/api/v1/services").get_json()
    assert service["modes"] == ["video"] and "in_person" not in service


def test_the_slot_search_takes_a_mode(app: Flask, client: FlaskClient) -> None:
    prepare_modes(app)
    url = "/api/v1/services/jobcenter/slots?from=2030-01-08&to=2030-01-14"

    every = client.get(url).get_json()
    in_person = client.get(url + "&mode=in_person").get_json()

    assert in_person and {s["start"][:10] for s in in_person} == {"2030-01-14"}  # Monday
    assert len(every) > len(in_person)
    assert error(client.get(url + "&mode=fax"), 422)["field"] == "mode"


def test_an_in_person_booking_has_a_location_and_no_meeting_url(app: Flask, client: FlaskClient):
    prepare_modes(app)
    monday_9 = TUESDAY_9.replace(day=14).isoformat()

    created = create(client, mode="in_person", start=monday_9)

    assert created["mode"] == "in_person"
    assert "meeting_url" not in created and created["ics_url"].endswith("/invite.ics")
    assert created["location"]["address"]["en"] == "The jobcentre, Torvet 1"
    shown = client.get(f"/api/v1/bookings/{created['reference']}", headers=manage(created))
    body = shown.get_json()
    assert body["mode"] == "in_person" and "meeting_url" not in body
    assert body["location"]["address"]["da"] == "Jobcentret, Torvet 1"
    assert "phone_call" not in body


def test_a_phone_booking_says_who_calls_which_number(app: Flask, client: FlaskClient) -> None:
    prepare_modes(app)

    created = create(client, mode="phone")
    assert created["phone_call"] == {"caller": "caseworker", "number": "+4520304050"}

    body = client.get(f"/api/v1/bookings/{created['reference']}", headers=manage(created))
    assert body.get_json()["phone_call"] == {"caller": "caseworker", "number": "+4520304050"}
    assert "meeting_url" not in body.get_json()


def test_a_video_booking_is_the_default_and_keeps_its_meeting_url(app: Flask, client: FlaskClient):
    prepare_modes(app)
    created = create(client)
    assert created["mode"] == "video" and "/m/" in created["meeting_url"]


def test_a_mode_on_a_day_nobody_holds_it_is_refused_and_nothing_is_written(
    app: Flask, client: FlaskClient
) -> None:
    prepare_modes(app)
    # Tuesday: video and phone only
    response = client.post("/api/v1/bookings", json=booking_body(mode="in_person"))
    assert error(response, 422)["field"] == "start"
    response = client.post("/api/v1/bookings", json=booking_body(mode=3))
    assert error(response, 422)["field"] == "mode"
    with app.extensions["database"].transaction() as session:
        assert session.scalar(select(Booking.id)) is None


def test_changing_the_mode_through_the_api_keeps_the_time(app: Flask, client: FlaskClient):
    prepare_modes(app)
    created = create(client)
    url = f"/api/v1/bookings/{created['reference']}/reschedule"

    moved = client.post(url, json={"mode": "phone"}, headers=manage(created))

    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert (body["mode"], body["start"]) == ("phone", created["start"])
    assert "meeting_url" not in body
    # a time and a mode together
    both = client.post(url, json={"mode": "video", "start": later(2)}, headers=manage(created))
    assert both.status_code == 200 and both.get_json()["mode"] == "video"
    assert both.get_json()["start"] == later(2)
    # nothing to change
    assert error(client.post(url, json={}, headers=manage(created)), 422)["field"] == "start"
    assert error(client.post(url, json={"mode": "fax"}, headers=manage(created)), 422)["field"] == (
        "mode"
    )


def test_the_openapi_document_describes_the_modes(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    assert schemas["Service"]["properties"]["modes"]["items"]["enum"] == [
        "video",
        "phone",
        "in_person",
    ]
    assert schemas["BookingRequest"]["properties"]["mode"]["default"] == "video"
    assert "mode" in schemas["Booking"]["properties"]
    slot_params = document["paths"]["/services/{code}/slots"]["get"]["parameters"]
    assert "mode" in [p["name"] for p in slot_params]
    reschedule = document["paths"]["/bookings/{reference}/reschedule"]["post"]
    assert (
        "mode" in reschedule["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )


def test_the_meeting_page_of_a_phone_meeting_has_no_jitsi(app: Flask, client: FlaskClient):
    prepare_modes(app)
    created = create(client, mode="phone")
    path = created["ics_url"].removeprefix("http://localhost").removesuffix("/invite.ics")
    app.extensions["clock"] = lambda: TUESDAY_9  # inside the meeting window

    page = client.get(path)

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Telefonmøde" in html and "+45 20 30 40 50" in html
    assert "jitsi-meeting" not in html and "external_api.js" not in html
    assert "frame-src" not in page.headers["Content-Security-Policy"]
    invite = client.get(path + "/invite.ics")
    assert "method=REQUEST" in invite.headers["Content-Type"]
    assert b"LOCATION:Telefonm\xc3\xb8de" in invite.data
