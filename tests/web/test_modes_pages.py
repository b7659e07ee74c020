"""Meeting modes on the staff and citizen pages: the caseworker sees the mode and the
address or the number to call (meeting page and calendar), changes the mode as a move; the
citizen changes it on the manage page and, after a cancel, is offered the cancellation file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, OutboxMessage, Service, WorkingHours
from tests.support.api import create, prepare
from tests.support.staff import NOW, make_booking, post
from tests.web.test_manage_page import _open, _post

# NOW is a Wednesday; the demo caseworkers hold in-person meetings on Tuesdays and Thursdays.
THURSDAY_10 = NOW + timedelta(days=1, hours=2)


def _mode(db: Any, reference: str) -> str:
    with db.transaction() as session:
        mode = session.scalar(select(Booking.mode).where(Booking.reference == reference))
        assert mode is not None
        return mode


def test_the_caseworker_sees_a_phone_meetings_number_and_no_start_button(
    logged_in: FlaskClient, db: Any
) -> None:
    reference = make_booking(db, mode="phone", room_name=None)

    page = logged_in.get(f"/caseworker/meetings/{reference}").get_data(as_text=True)

    assert "Telefonmøde" in page
    assert "Ring til borgeren på" in page
    assert f"/caseworker/meetings/{reference}/start" not in page
    english = logged_in.get(f"/caseworker/meetings/{reference}?lang=en").get_data(as_text=True)
    assert "Phone meeting" in english and "Call the citizen on" in english


def test_the_caseworker_sees_where_an_in_person_meeting_is(logged_in: FlaskClient, db: Any):
    reference = make_booking(db, mode="in_person", room_name=None, start=THURSDAY_10)

    page = logged_in.get(f"/caseworker/meetings/{reference}").get_data(as_text=True)

    assert "Fysisk møde" in page
    assert "Jobcentret, Rådhuspladsen 1, stueetagen" in page
    assert "meld dig i receptionen" in page


def test_the_calendar_feed_names_the_mode_and_the_place(logged_in: FlaskClient, db: Any):
    make_booking(db, mode="in_person", room_name=None, start=THURSDAY_10)
    make_booking(db, mode="phone", room_name=None)

    events = logged_in.get(
        "/caseworker/events.json?start=2026-11-23T00:00:00&end=2026-11-30T00:00:00"
    ).get_json()

    titles = sorted(e["title"] for e in events if "meeting" in e.get("classNames", []))
    assert titles == [
        "Fysisk møde: Samtale med Jobcenter · Jobcentret, Rådhuspladsen 1, stueetagen",
        "Telefonmøde: Samtale med Jobcenter · +45 12345678",
    ]


def test_the_caseworker_changes_the_mode_and_the_citizen_is_told(
    logged_in: FlaskClient, db: Any
) -> None:
    reference = make_booking(db, start=THURSDAY_10)

    response = post(
        logged_in,
        f"/caseworker/meetings/{reference}/move",
        {"date": "", "time": "", "mode": "phone"},
        token_from=f"/caseworker/meetings/{reference}",
    )

    assert response.status_code == 302
    assert _mode(db, reference) == "phone"
    with db.transaction() as session:
        change = session.scalar(
            select(OutboxMessage.body).where(
                OutboxMessage.kind == "change", OutboxMessage.channel == "sms"
            )
        )
    assert change is not None and "er nu et telefonmøde" in change


def test_in_person_on_a_day_without_office_hours_is_refused_beside_the_form(
    logged_in: FlaskClient, db: Any
) -> None:
    # Wednesday 14:00, past the minimum notice: video and phone only that day
    reference = make_booking(db, start=NOW + timedelta(hours=6))

    response = post(
        logged_in,
        f"/caseworker/meetings/{reference}/move",
        {"date": "", "time": "", "mode": "in_person"},
        token_from=f"/caseworker/meetings/{reference}",
    )

    assert response.status_code == 422
    assert "Tidspunktet kan ikke bookes" in response.get_data(as_text=True)
    assert _mode(db, reference) == "video"


def _modes_service(app: Flask) -> None:
    with app.extensions["database"].transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = ["video", "phone"]


def test_the_citizen_changes_the_mode_on_the_manage_page(app: Flask, client: FlaskClient):
    prepare(app)
    _modes_service(app)
    booked = create(app.test_client())
    page = _open(client, booked)
    assert "Skift mødeform" in page and 'value="phone"' in page

    response = _post(client, f"/booking/{booked['reference']}/mode", page, mode="phone")

    assert response.status_code == 303
    shown = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)
    assert "Telefonmøde" in shown and "+45 20 30 40 50" in shown
    assert "Gå til videomødet" not in shown


def test_a_mode_the_service_does_not_offer_is_flashed_not_saved(app: Flask, client: FlaskClient):
    prepare(app)
    booked = create(app.test_client())
    page = _open(client, booked)
    assert "Skift mødeform" not in page  # video only: nothing to choose

    response = _post(client, f"/booking/{booked['reference']}/mode", page, mode="in_person")

    assert response.status_code == 303
    shown = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)
    assert "tilbyder ikke den mødeform" in shown


def test_the_move_page_offers_times_for_the_chosen_mode(app: Flask, client: FlaskClient):
    prepare(app)
    _modes_service(app)
    booked = create(app.test_client())
    _open(client, booked)

    page = client.get(f"/booking/{booked['reference']}/move?mode=phone").get_data(as_text=True)

    assert '<input type="hidden" name="mode" value="phone">' in page
    assert 'name="start"' in page


def test_after_a_cancel_the_manage_page_offers_the_cancellation_file(
    app: Flask, client: FlaskClient
) -> None:
    prepare(app)
    booked = create(app.test_client(), citizen={"name": "Anna Jensen", "phone": "20304050"})
    page = _open(client, booked)
    _post(client, f"/booking/{booked['reference']}/cancel", page, reason="")

    shown = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)

    assert "Fjern mødet fra din kalender" in shown
    ics_path = booked["ics_url"].removeprefix("http://localhost")
    assert ics_path in shown
    ics = client.get(ics_path)
    # no e-mail, so no attendee: a published event, cancelled
    assert "method=PUBLISH" in ics.headers["Content-Type"]
    assert b"STATUS:CANCELLED" in ics.data
    assert b"Deltag i videom" not in ics.data


def test_a_caseworker_limits_an_interval_to_some_modes(logged_in: FlaskClient, db: Any) -> None:
    page = logged_in.get("/caseworker/availability").get_data(as_text=True)
    # the demo's Monday: video and phone only; Tuesday: every mode
    assert 'value="08:30-12:00 (video/phone), 12:30-15:30 (video/phone)"' in page
    form = {f"day{d}": "" for d in range(7)}
    form.update(day0="09:00-12:00 (video/telefon), 13:00-15:00", day2="09:00-11:00 (fremmøde)")

    response = post(
        logged_in, "/caseworker/availability/hours", form, token_from="/caseworker/availability"
    )

    assert response.status_code == 302
    with db.transaction() as session:
        rows = session.scalars(
            select(WorkingHours).order_by(WorkingHours.weekday, WorkingHours.start_time)
        )
        saved = [
            (h.weekday, h.modes) for h in rows if h.caseworker.email == "mette.jensen@example.dk"
        ]
    assert saved == [(0, ["video", "phone"]), (0, None), (2, ["in_person"])]
    again = logged_in.get("/caseworker/availability").get_data(as_text=True)
    assert 'value="09:00-12:00 (video/phone), 13:00-15:00"' in again


def test_an_unknown_mode_in_the_hours_is_refused(logged_in: FlaskClient) -> None:
    form = {f"day{d}": "" for d in range(7)}
    form.update(day0="09:00-12:00 (brevdue)")
    response = post(
        logged_in, "/caseworker/availability/hours", form, token_from="/caseworker/availability"
    )
    assert response.status_code == 422
    assert "skriv mødeformer som (video/telefon/fremmøde)" in response.get_data(as_text=True)
