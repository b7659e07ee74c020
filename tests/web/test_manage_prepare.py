"""The manage page prepares the meeting: join instructions, the join button only in the meeting
window, the camera test, the booking in the citizen's language; a wrong or missing manage
token reveals nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import TUESDAY_9, create, prepare


def _open(client: FlaskClient, booked: dict, **query: str) -> tuple[str, str]:
    """Follow the confirmation link; returns where it led and the page."""
    first = client.get(
        f"/booking/{booked['reference']}", query_string={"token": booked["manage_token"], **query}
    )
    assert first.status_code == 302 and "token" not in first.headers["Location"]
    page = client.get(first.headers["Location"])
    assert page.status_code == 200
    return first.headers["Location"], page.get_data(as_text=True)


@pytest.fixture
def booked(app: Flask) -> dict:
    prepare(app)
    return create(app.test_client())


def test_before_the_window_the_join_button_is_disabled_and_says_when_it_opens(
    app: Flask, client: FlaskClient, booked: dict
) -> None:
    _, page = _open(client, booked)
    assert re.search(r"<button[^>]*disabled[^>]*>Deltag i mødet</button>", page)
    assert "Mødet åbner tirsdag 8. januar kl. 8.45, 15 minutter før det begynder." in page
    assert 'href="/camera-test"' in page
    assert "Du venter i et venterum" in page
    assert re.search(r'href="http://localhost/m/[^"]+/invite\.ics"', page)


def test_in_the_window_the_join_button_opens_the_meeting(
    app: Flask, client: FlaskClient, booked: dict
) -> None:
    app.extensions["clock"] = lambda: TUESDAY_9 - timedelta(minutes=10)
    _, page = _open(client, booked)
    assert re.search(
        r'<a class="button button--primary" href="http://localhost/m/[^"]+">Deltag i mødet</a>',
        page,
    )
    app.extensions["clock"] = lambda: TUESDAY_9 + timedelta(hours=2)
    later = client.get(f"/booking/{booked['reference']}").get_data(as_text=True)
    assert "Mødet er slut." in later and "Deltag i mødet</a>" not in later


def test_a_cancelled_meeting_has_no_join_button(app: Flask, client: FlaskClient, booked) -> None:
    api = app.test_client()
    cancelled = api.post(
        f"/api/v1/bookings/{booked['reference']}/cancel",
        headers={"X-Manage-Token": booked["manage_token"]},
        json={},
    )
    assert cancelled.status_code == 200
    _, page = _open(client, booked)
    assert "Mødet er aflyst." in page and "Deltag i mødet" not in page


def test_the_page_opens_in_the_language_the_citizen_booked_in(app: Flask) -> None:
    prepare(app)
    booked = create(app.test_client(), language="en")
    where, page = _open(app.test_client(), booked)
    assert "lang=" not in where
    assert '<html lang="en">' in page and "Join the meeting" in page
    assert "Tuesday 8 January at 8:45" in page
    # A language the citizen chose wins: the ?lang of the link, or the remembered cookie.
    _, danish = _open(app.test_client(), booked, lang="da")
    assert '<html lang="da">' in danish and "Deltag i mødet" in danish


def test_a_wrong_or_missing_token_reveals_nothing(app: Flask, booked: dict) -> None:
    reference = booked["reference"]
    secrets = ("Anna Jensen", "+4520304050", "anna@example.dk", "8. januar", "/m/", "invite.ics")
    pages = {}
    for name, client, path in [
        ("no token", app.test_client(), f"/booking/{reference}"),
        ("wrong token", app.test_client(), f"/booking/{reference}?token=wrong"),
        ("unknown reference", app.test_client(), "/booking/ZZZZ-ZZZZ?token=wrong"),
    ]:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 403, name
        html = response.get_data(as_text=True)
        assert not any(secret in html for secret in secrets), name
        pages[name] = re.sub(r'(value|content)="[^"]+"|ZZZZ-ZZZZ|' + reference, "", html)
    assert pages["wrong token"] == pages["unknown reference"]
    stranger = app.test_client()
    for path in ("/move", "/export.json"):
        response = stranger.get(f"/booking/{reference}{path}")
        assert response.status_code == 403
        assert "Anna" not in response.get_data(as_text=True)


def test_the_camera_test_needs_no_booking_and_may_use_camera_and_microphone(
    client: FlaskClient,
) -> None:
    page = client.get("/camera-test")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Test dit kamera og din mikrofon" in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    assert "microphone=(self)" in page.headers["Permissions-Policy"]
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    english = client.get("/camera-test?lang=en").get_data(as_text=True)
    assert "Test your camera and microphone" in english and "Microphone level" in english
