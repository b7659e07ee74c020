"""One language at a time: `?lang=` (remembered in a cookie), then the cookie, then the browser's
Accept-Language, Danish by default; `<html lang>` follows, and the switch leads to the other."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import booking_body, create, error, prepare
from tests.support.staff import post


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', page)
    assert found, "no <html lang>"
    return found.group(1)


def language_cookie(response) -> str | None:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    return found[0] if found else None


def get(client: FlaskClient, url: str, **headers: str) -> tuple[str, object]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True), response


def test_danish_is_the_default_without_any_preference(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility")
    assert html_lang(page) == "da"
    assert "Tilgængelighedserklæring" in page and "Accessibility statement" not in page


def test_accept_language_chooses_english_when_nothing_was_chosen(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(page) == "en"
    assert "Accessibility statement" in page and "Tilgængelighedserklæring" not in page
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers["Content-Language"] == "en"


def test_an_unsupported_accept_language_falls_back_to_danish(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility", **{"Accept-Language": "de-DE,fr;q=0.8"})
    assert html_lang(page) == "da"


def test_lang_in_the_query_wins_and_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility?lang=en", **{"Accept-Language": "da"})
    assert html_lang(page) == "en"
    cookie = language_cookie(response)
    assert cookie and cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    page, _ = get(client, "/accessibility", **{"Accept-Language": "da"})
    assert html_lang(page) == "en", "the cookie outranks Accept-Language"


def test_switching_back_to_danish_replaces_the_cookie(client: FlaskClient) -> None:
    get(client, "/accessibility?lang=en")
    page, response = get(client, "/accessibility?lang=da", **{"Accept-Language": "en"})
    assert html_lang(page) == "da" and (language_cookie(response) or "").startswith("lang=da;")
    page, _ = get(client, "/accessibility", **{"Accept-Language": "en"})
    assert html_lang(page) == "da"


def test_an_unknown_lang_is_ignored_and_sets_no_cookie(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility?lang=xx", **{"Accept-Language": "en"})
    assert html_lang(page) == "en"
    assert language_cookie(response) is None


def test_the_switch_links_to_the_same_page_in_the_other_language(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility?x=1")
    assert '<a href="/accessibility?x=1&amp;lang=en" lang="en" hreflang="en">English</a>' in page
    page, _ = get(client, "/accessibility?lang=en")
    assert '<a href="/accessibility?lang=da" lang="da" hreflang="da">Dansk</a>' in page


def test_every_page_links_to_the_accessibility_statement(client: FlaskClient) -> None:
    for url in ("/", "/accessibility", "/login"):
        page, _ = get(client, url)
        assert 'href="/accessibility"' in page, url


def test_the_accessibility_statement_names_status_limits_contact_and_complaints(
    client: FlaskClient, app
) -> None:
    page, _ = get(client, "/accessibility")
    for text in ("Overholdelsesstatus", "Kendte begrænsninger", "Feedback og kontakt"):
        assert text in page
    assert app.config["MUNICIPALITY_PHONE"] in page and app.config["MUNICIPALITY_EMAIL"] in page
    assert "digst.dk" in page and "Klagemulighed" in page
    assert "06.12.2026" in page
    page, _ = get(client, "/accessibility?lang=en")
    assert "Conformance status" in page and "06/12/2026" in page


def test_the_favicon_is_served(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"


# The API's error messages: one language, the one of Accept-Language, Danish by default.


def test_api_errors_are_danish_by_default_and_english_on_request(app: Flask) -> None:
    prepare(app)
    client = app.test_client()
    url = "/api/v1/services/nope/slots?from=2030-01-08&to=2030-01-08"
    danish = error(client.get(url), 404)
    assert danish["message"] == "Ydelsen findes ikke." and danish["field"] == "service"
    english = error(client.get(url, headers={"Accept-Language": "en-GB,en;q=0.8"}), 404, "en")
    assert english["message"] == "The service does not exist."


def test_api_validation_and_http_errors_follow_accept_language(app: Flask) -> None:
    prepare(app)
    client = app.test_client()
    english = {"Accept-Language": "en"}
    body = booking_body(start="2030-01-08T09:00:00")  # no UTC offset
    assert "tidszone" in error(client.post("/api/v1/bookings", json=body), 422)["message"]
    refused = error(client.post("/api/v1/bookings", json=body, headers=english), 422, "en")
    assert "ISO 8601 with an offset" in refused["message"]
    assert error(client.get("/api/v1/nowhere"), 404)["message"] == "Ikke fundet."
    assert error(client.get("/api/v1/nowhere", headers=english), 404, "en")["message"] == (
        "Not found."
    )


def test_a_parametrised_domain_error_is_translated_with_its_values(app: Flask) -> None:
    prepare(app)
    client = app.test_client()
    url = "/api/v1/services/jobcenter/slots?from=2030-01-08&to=2030-06-08"
    assert "62 dage" in error(client.get(url), 422)["message"]
    english = error(client.get(url, headers={"Accept-Language": "en"}), 422, "en")
    assert "62 days" in english["message"]


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Basic abc", "bearer a b", "Bearer é", "Bearer\tx", "x" * 5000]
)
def test_a_malformed_authorization_header_is_a_401_never_a_500(app: Flask, header: str) -> None:
    prepare(app)
    response = app.test_client().get(
        "/api/v1/services", headers={"Authorization": header.encode().decode("latin-1")}
    )
    assert error(response, 401)["message"] == "Ugyldigt servicetoken."


# The staff pages and their flash messages and form errors.


def test_a_staff_page_is_in_one_language_at_a_time(logged_in: FlaskClient) -> None:
    danish = logged_in.get("/caseworker/").get_data(as_text=True)
    assert html_lang(danish) == "da" and "Dagens møder" in danish
    assert "Today's meetings" not in danish
    english = logged_in.get("/caseworker/?lang=en").get_data(as_text=True)
    assert html_lang(english) == "en" and "Today's meetings" in english
    assert "Dagens møder" not in english and ">Log out<" in english


def test_flash_messages_and_form_errors_follow_the_language(logged_in: FlaskClient) -> None:
    logged_in.get("/caseworker/?lang=en")
    form = {f"day{d}": "" for d in range(7)} | {"day0": "8-12"}
    page = post(logged_in, "/caseworker/availability/hours", form).get_data(as_text=True)
    assert "Monday: write times as 08:30-12:00" in page and "skriv tider" not in page
    response = post(logged_in, "/caseworker/availability/hours", {f"day{d}": "" for d in range(7)})
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "The working hours were saved." in page
    logged_in.get("/caseworker/?lang=da")
    page = post(logged_in, "/caseworker/availability/hours", form).get_data(as_text=True)
    assert "Mandag: skriv tider som 08:30-12:00" in page


def test_dates_on_staff_pages_are_written_for_the_language(logged_in: FlaskClient) -> None:
    danish = logged_in.get("/caseworker/").get_data(as_text=True)
    english = logged_in.get("/caseworker/?lang=en").get_data(as_text=True)
    assert "onsdag 25. november 2026" in danish  # the test clock's day, in Copenhagen
    assert "Wednesday 25 November 2026" in english


def test_a_citizens_booking_pages_default_to_the_language_they_booked_in(app: Flask) -> None:
    prepare(app)
    booked = create(app.test_client(), language="en")
    citizen = app.test_client()
    first = citizen.get(f"/booking/{booked['reference']}?token={booked['manage_token']}")
    page = citizen.get(first.headers["Location"], headers={"Accept-Language": "da"})
    html = page.get_data(as_text=True)
    assert html_lang(html) == "en" and "Your booking" in html and "Din booking" not in html
    assert "Tuesday 8 January at 9:00" in html
    chosen = citizen.get(f"{first.headers['Location']}?lang=da").get_data(as_text=True)
    assert html_lang(chosen) == "da" and "tirsdag 8. januar kl. 9.00" in chosen


def test_notifications_are_written_in_the_bookings_language() -> None:
    from datetime import UTC, datetime

    from booking.notify.messages import MessageContext, email_subject, sms_text

    def context(language: str) -> MessageContext:
        return MessageContext(
            municipality_name="Testrup Kommune",
            municipality_phone="+45 11 22 33 44",
            language=language,
            start_at=datetime(2026, 12, 1, 8, 45, tzinfo=UTC),
            meeting_url="https://x.dk/m/1",
        )

    assert sms_text("reminder", context("da")) == (
        "Testrup Kommune: Husk dit videomøde tirsdag 1. dec. kl. 09.45. Deltag: https://x.dk/m/1"
    )
    assert sms_text("reminder", context("en")) == (
        "Testrup Kommune: Reminder: video meeting Tuesday 1 Dec at 09:45. Join: https://x.dk/m/1"
    )
    assert email_subject("confirmation", context("en")).endswith(
        "Confirmed: video meeting Tuesday 1 Dec at 09:45"
    )


def test_error_pages_are_written_in_the_readers_language(client: FlaskClient) -> None:
    danish = client.get("/nowhere")
    assert danish.status_code == 404 and danish.mimetype == "text/html"
    html = danish.get_data(as_text=True)
    assert html_lang(html) == "da" and "<h1>Ikke fundet.</h1>" in html
    english = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "<h1>Not found.</h1>" in english.get_data(as_text=True)
    # A form post without its CSRF token: the 400 page, in the reader's language.
    refused = client.post("/login", data={}, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert "<h1>The request could not be read.</h1>" in refused.get_data(as_text=True)


def test_texts_outside_a_request_are_in_the_default_language(app: Flask) -> None:
    from flask_babel import gettext

    with app.app_context():
        assert gettext("Not found.") == "Ikke fundet."
