"""The citizen's manage page: see, move, cancel, stop SMS, export and erase by the link."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from booking.models import AuditEvent, Booking, ConsentRecord
from tests.support.api import TUESDAY_9, count, create, later, prepare

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _open(client: FlaskClient, booked: dict[str, Any]) -> str:
    """Follow the confirmation link; returns the page without the token in the URL."""
    first = client.get(f"/booking/{booked['reference']}?token={booked['manage_token']}")
    assert first.status_code == 302
    assert "token" not in first.headers["Location"]
    page = client.get(first.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    return page.get_data(as_text=True)


def _post(client: FlaskClient, path: str, page: str, **data: str) -> Any:
    token = _TOKEN.search(page)
    assert token
    return client.post(path, data={**data, "csrf_token": token.group(1)})


def _booking(app: Flask, reference: str) -> Booking:
    with app.extensions["database"].transaction() as session:
        booking = session.query(Booking).filter_by(reference=reference).one()
        session.expunge(booking)
        return booking


def test_the_link_shows_the_booking_and_a_wrong_token_shows_a_clear_error(
    app: Flask, client: FlaskClient
) -> None:
    prepare(app)
    booked = create(client.application.test_client())
    page = _open(client, booked)
    assert booked["reference"] in page
    assert "tirsdag 8. januar kl. 9.00" in page
    assert "/m/" in page  # the meeting link

    stranger = app.test_client()
    stranger.get(f"/booking/{booked['reference']}?token=wrong")
    response = stranger.get(f"/booking/{booked['reference']}")
    assert response.status_code == 403
    assert "Linket virker ikke" in response.get_data(as_text=True)


def test_a_citizen_can_cancel_with_a_reason(app: Flask, client: FlaskClient) -> None:
    prepare(app)
    booked = create(app.test_client())
    page = _open(client, booked)
    response = _post(client, f"/booking/{booked['reference']}/cancel", page, reason="Syg")
    assert response.status_code == 303
    booking = _booking(app, booked["reference"])
    assert booking.status == "cancelled"
    assert booking.cancelled_by == "citizen"


def test_cancelling_without_the_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    prepare(app)
    app.config["WTF_CSRF_ENABLED"] = True
    booked = create(app.test_client())
    _open(client, booked)
    response = client.post(f"/booking/{booked['reference']}/cancel", data={})
    assert response.status_code == 400
    assert _booking(app, booked["reference"]).status == "confirmed"


def test_a_citizen_can_move_to_an_offered_time_and_bad_input_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    prepare(app)
    booked = create(app.test_client())
    _open(client, booked)
    form = client.get(f"/booking/{booked['reference']}/move").get_data(as_text=True)
    new_start = later(2)
    assert f'value="{new_start}"' in form

    bad = _post(client, f"/booking/{booked['reference']}/move", form, start="not a time")
    assert bad.status_code == 303
    assert _booking(app, booked["reference"]).start_at == TUESDAY_9

    moved = _post(client, f"/booking/{booked['reference']}/move", form, start=new_start)
    assert moved.status_code == 303
    booking = _booking(app, booked["reference"])
    assert booking.start_at == TUESDAY_9 + timedelta(hours=2)
    assert booking.sequence == 1


def test_export_downloads_the_citizens_data_and_is_audited(app: Flask, client: FlaskClient) -> None:
    prepare(app)
    booked = create(app.test_client())
    _open(client, booked)
    response = client.get(f"/booking/{booked['reference']}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["citizen"]["phone"] == "+4520304050"
    assert data["consents"][0]["purpose"] == "booking"
    with app.extensions["database"].transaction() as session:
        assert session.query(AuditEvent).filter_by(action="booking.export").count() == 1


def test_erasing_needs_confirmation_then_cancels_and_removes_personal_data(
    app: Flask, client: FlaskClient
) -> None:
    prepare(app)
    booked = create(app.test_client())
    page = _open(client, booked)
    unconfirmed = _post(client, f"/booking/{booked['reference']}/erase", page)
    assert unconfirmed.status_code == 303
    assert _booking(app, booked["reference"]).citizen_name == "Anna Jensen"

    done = _post(client, f"/booking/{booked['reference']}/erase", page, confirm="yes")
    assert done.status_code == 200
    booking = _booking(app, booked["reference"])
    assert booking.status == "cancelled"
    assert (booking.citizen_name, booking.citizen_phone, booking.citizen_email) == (None,) * 3
    # The old link no longer opens anything.
    again = app.test_client()
    again.get(f"/booking/{booked['reference']}?token={booked['manage_token']}")
    assert again.get(f"/booking/{booked['reference']}").status_code == 403
    assert count(app, Booking) == 1


def test_sms_reminders_can_be_stopped_from_the_page_and_stay_stopped(
    app: Flask, client: FlaskClient
) -> None:
    prepare(app)
    booked = create(
        app.test_client(),
        consents=[
            {"purpose": "booking", "text_version": 1},
            {"purpose": "sms_reminders", "text_version": 1},
        ],
    )
    page = _open(client, booked)
    assert "Stop SMS-påmindelser" in page
    response = _post(client, f"/booking/{booked['reference']}/sms/stop", page)
    assert response.status_code == 303
    after = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)
    assert "Stop SMS-påmindelser" not in after
    assert "Du får ingen SMS-påmindelser" in after
    booking = _booking(app, booked["reference"])
    with app.extensions["database"].transaction() as session:
        records = session.query(ConsentRecord).filter_by(booking_id=booking.id).all()
        withdrawn = {r.purpose: r.withdrawn_at is not None for r in records}
    assert withdrawn == {"booking": False, "sms_reminders": True}
