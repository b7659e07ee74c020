"""Booking without the chat and without JavaScript: every /book step, its bad input, the race.

POST-redirect-GET: a good answer is a 303 to the next step; a bad one is a 400 with the form
again, each error next to its field (aria-describedby) and in a focused summary.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from booking.models import AuditEvent, Booking, ConsentRecord, IdempotencyRecord, OutboxMessage
from booking.privacy import publish_text
from tests.support.api import NOW, TUESDAY_9, count, create, prepare
from tests.support.book import PATHS, csrf, submit, walk

TABLES = (Booking, ConsentRecord, OutboxMessage, AuditEvent, IdempotencyRecord)


@pytest.fixture
def booker(app: Flask) -> FlaskClient:
    prepare(app)
    return app.test_client()


def _html(response) -> str:
    return response.get_data(as_text=True)


def _written(app: Flask) -> dict[str, int]:
    return {model.__name__: count(app, model) for model in TABLES}


def _assert_field_error(html: str, field: str, message: str) -> None:
    """The message sits next to its field, the field points at it, and the summary links to it."""
    assert f'id="{field}-error"' in html
    assert message in html
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error\b', html)
    summary = html[html.index('class="error-summary"') :]
    assert message in summary[: summary.index("</div>")]
    assert (
        "autofocus"
        in html[html.index('class="error-summary"') - 200 : html.index("error-summary-title")]
    )
    assert re.search(r"<title>(Fejl|Error): ", html)


# --- The whole way through ---------------------------------------------------------------------


def test_a_citizen_books_step_by_step_and_gets_reference_manage_link_and_calendar_file(
    app: Flask, booker: FlaskClient
) -> None:
    first = booker.get("/book")
    assert first.status_code == 200
    assert 'name="service"' in _html(first)
    assert submit(booker, "service").headers["Location"].endswith("/book/time")

    times = _html(booker.get("/book/time"))
    assert "tirsdag 8. januar" in times  # grouped by day, in Danish
    assert f'value="{TUESDAY_9.isoformat()}"' in times
    assert ">9.00<" in times
    assert submit(booker, "time").headers["Location"].endswith("/book/details")
    assert submit(booker, "details").headers["Location"].endswith("/book/consent")

    consent_page = _html(booker.get("/book/consent"))
    assert "booking da" in consent_page and "sms_reminders da" in consent_page
    answer = submit(booker, "consent", {"consent_given": "yes", "sms_reminders": "yes"})
    assert answer.headers["Location"].endswith("/book/confirm")

    summary = _html(booker.get("/book/confirm"))
    assert "Anna Jensen" in summary and "+4520304050" in summary
    assert "tirsdag 8. januar kl. 9.00" in summary
    booked = submit(booker, "confirm", {})
    assert booked.status_code == 303 and booked.headers["Location"].endswith("/book/done")

    done = booker.get("/book/done")
    html = _html(done)
    assert done.headers["Cache-Control"] == "no-store"
    with app.extensions["database"].transaction() as session:
        booking = session.query(Booking).one()
        assert (booking.channel, booking.language) == ("web", "da")
        assert booking.citizen_name == "Anna Jensen"
        assert booking.citizen_phone == "+4520304050"
        assert sorted(c.purpose for c in booking.consents) == ["booking", "sms_reminders"]
        reference = booking.reference
    assert reference in html
    link = re.search(r'href="http://localhost(/booking/[^"?]+\?token=[^"]+)"', html)
    assert link, "the confirmation page carries the manage link"
    ics = re.search(r'href="http://localhost(/m/[^"]+/invite\.ics)"', html)
    assert ics and booker.get(ics.group(1)).headers["Content-Type"].startswith("text/calendar")

    manage = app.test_client()
    opened = manage.get(link.group(1).replace("&amp;", "&"), follow_redirects=True)
    assert opened.status_code == 200 and reference in _html(opened)

    # The draft is gone: /book starts again, and the confirm step needs a new draft.
    assert booker.get("/book/confirm").headers["Location"].endswith("/book/")


def test_the_pages_follow_the_chosen_language_and_the_booking_gets_it(
    app: Flask, booker: FlaskClient
) -> None:
    page = _html(booker.get("/book?lang=en"))
    assert "Book a meeting" in page and "Book et møde" not in page
    walk(booker, "consent", query_string={"lang": "en"})
    consent = _html(booker.get("/book/consent?lang=en"))
    assert "booking en" in consent
    submit(booker, "consent", query_string={"lang": "en"})
    confirm = _html(booker.get("/book/confirm?lang=en"))
    assert "Tuesday 8 January at 9:00" in confirm
    submit(booker, "confirm", {}, query_string={"lang": "en"})
    with app.extensions["database"].transaction() as session:
        assert session.query(Booking).one().language == "en"


def test_a_step_cannot_be_skipped(booker: FlaskClient) -> None:
    for step in ("time", "details", "consent", "confirm"):
        response = booker.get(PATHS[step])
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/book/")
    walk(booker, "details")
    assert booker.get("/book/confirm").headers["Location"].endswith("/book/details")
    assert booker.get("/book/done").headers["Location"].endswith("/book/")


# --- Bad input at every step -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "nonexistent", "x" * 5000, "jobcenter\x00"])
def test_a_missing_or_unknown_service_is_refused_next_to_the_field(
    booker: FlaskClient, value: str
) -> None:
    response = submit(booker, "service", {"service": value} if value else {})
    assert response.status_code == 400
    _assert_field_error(_html(response), "service", "Vælg, hvad mødet handler om.")
    assert booker.get("/book/time").status_code == 303  # nothing was stored


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not a time",
        "2030-01-08T09:00:00",  # no offset
        "2030-01-08T09:10:00+01:00",  # not on the slot grid
        "2030-01-08T07:00:00+01:00",  # before working hours
        "2030-01-12T10:00:00+01:00",  # a Saturday
        "2030-01-07T08:00:00+01:00",  # now: too soon
        "2029-12-31T09:00:00+01:00",  # in the past
        "2031-06-03T09:00:00+02:00",  # beyond the horizon
        "99999-01-01T09:00:00+01:00",
    ],
)
def test_a_time_that_is_not_offered_is_refused_next_to_the_field(
    booker: FlaskClient, value: str
) -> None:
    walk(booker, "time")
    response = submit(booker, "time", {"meeting_time": value} if value else {})
    assert response.status_code == 400
    message = "Vælg et tidspunkt." if not value else "Det tidspunkt er ikke ledigt."
    _assert_field_error(_html(response), "meeting_time", message)
    assert "tirsdag 8. januar" in _html(response)  # the list is shown again
    assert booker.get("/book/details").status_code == 303


def test_a_time_taken_before_it_is_chosen_is_refused(app: Flask, booker: FlaskClient) -> None:
    walk(booker, "time")
    create(app.test_client())  # the only caseworker's Tuesday 9:00
    response = submit(booker, "time")
    assert response.status_code == 400
    assert "Det tidspunkt er ikke ledigt." in _html(response)


def test_later_and_earlier_times_page_through_the_days(booker: FlaskClient) -> None:
    walk(booker, "time")
    first = _html(booker.get("/book/time"))
    assert "Senere tider" in first and "Tidligere tider" not in first
    assert "tirsdag 8. januar" in first and "tirsdag 15. januar" not in first
    later = _html(booker.get("/book/time?from=2030-01-14"))
    assert "tirsdag 15. januar" in later and "tirsdag 8. januar" not in later
    assert "Tidligere tider" in later
    assert "mandag 7. januar" in _html(booker.get("/book/time?from=garbage"))
    beyond = booker.get("/book/time?from=2031-01-01")
    assert beyond.status_code == 200
    assert "Der er ingen ledige tider" in _html(beyond)
    assert "Senere tider" not in _html(beyond)  # not past the service's horizon


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizen_name", "", "Skriv dit navn"),
        ("citizen_name", "   ", "Skriv dit navn"),
        ("citizen_name", "A" * 201, "Skriv dit navn"),
        ("citizen_name", "Anna\x07Jensen", "Skriv dit navn"),
        ("citizen_phone", "", "Skriv et gyldigt mobilnummer"),
        ("citizen_phone", "123", "Skriv et gyldigt mobilnummer"),
        ("citizen_phone", "tyve tredive", "Skriv et gyldigt mobilnummer"),
        ("citizen_phone", "2" * 60, "Skriv et gyldigt mobilnummer"),
        ("citizen_email", "not-an-email", "Skriv en gyldig e-mailadresse"),
        ("citizen_email", "a@b", "Skriv en gyldig e-mailadresse"),
    ],
)
def test_bad_details_are_refused_next_to_their_field_and_kept_in_the_form(
    booker: FlaskClient, field: str, value: str, message: str
) -> None:
    walk(booker, "details")
    data = {"citizen_name": "Anna Jensen", "citizen_phone": "20304050", "citizen_email": ""}
    data[field] = value
    response = submit(booker, "details", data)
    assert response.status_code == 400
    html = _html(response)
    _assert_field_error(html, field, message)
    assert 'value="Anna Jensen"' in html or field == "citizen_name"
    assert booker.get("/book/consent").status_code == 303


def test_every_bad_detail_is_reported_at_once(booker: FlaskClient) -> None:
    walk(booker, "details")
    response = submit(
        booker, "details", {"citizen_name": "", "citizen_phone": "1", "citizen_email": "x"}
    )
    html = _html(response)
    assert response.status_code == 400
    summary = html[html.index('class="error-summary"') :]
    assert summary.count("<li>") >= 3
    for field in ("citizen_name", "citizen_phone", "citizen_email"):
        assert f'href="#{field}"' in summary
        assert f'id="{field}-error"' in html


def test_the_e_mail_is_optional(app: Flask, booker: FlaskClient) -> None:
    walk(booker, "details")
    data = {"citizen_name": "Anna", "citizen_phone": "+46 70 123 45 67", "citizen_email": ""}
    assert submit(booker, "details", data).status_code == 303
    walk_rest = submit(booker, "consent")
    assert walk_rest.status_code == 303
    submit(booker, "confirm", {})
    with app.extensions["database"].transaction() as session:
        booking = session.query(Booking).one()
        assert booking.citizen_email is None and booking.citizen_phone == "+46701234567"


@pytest.mark.parametrize("value", [None, "", "no", "on"])
def test_booking_needs_the_consent_box_ticked(booker: FlaskClient, value: str | None) -> None:
    walk(booker, "consent")
    response = submit(booker, "consent", {} if value is None else {"consent_given": value})
    assert response.status_code == 400
    _assert_field_error(_html(response), "consent_given", "sætte kryds")
    assert booker.get("/book/confirm").status_code == 303


@pytest.mark.parametrize("step", ["service", "time", "details", "consent", "confirm"])
def test_a_post_without_the_csrf_token_is_refused(app: Flask, booker: FlaskClient, step) -> None:
    walk(booker, step)
    response = booker.post(PATHS[step], data={"service": "jobcenter", "consent_given": "yes"})
    assert response.status_code == 400
    assert _written(app)["Booking"] == 0


# --- Between choosing and confirming ----------------------------------------------------------


def test_a_time_taken_before_confirming_leads_back_to_the_list_and_writes_nothing(
    app: Flask, booker: FlaskClient
) -> None:
    walk(booker)
    confirm_page = _html(booker.get("/book/confirm"))
    create(app.test_client())  # someone else takes Tuesday 9:00 with the only caseworker
    before = _written(app)

    response = booker.post("/book/confirm", data={"csrf_token": csrf(confirm_page)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/book/time")
    assert _written(app) == before  # nothing half-written

    times = _html(booker.get("/book/time"))
    assert "blev taget" in times  # the clear message, on the list
    assert f'value="{TUESDAY_9.isoformat()}"' not in times
    # The citizen's other answers are kept: choose again and book.
    later = (TUESDAY_9 + timedelta(hours=1)).isoformat()
    assert (
        submit(booker, "time", {"meeting_time": later})
        .headers["Location"]
        .endswith("/book/details")
    )
    assert booker.get("/book/confirm").status_code == 200
    assert submit(booker, "confirm", {}).headers["Location"].endswith("/book/done")
    assert _written(app)["Booking"] == before["Booking"] + 1


def test_a_consent_text_changed_before_confirming_asks_again(
    app: Flask, booker: FlaskClient
) -> None:
    walk(booker)
    db: Database = app.extensions["database"]
    with db.transaction() as session:
        publish_text(session, purpose="booking", language="da", text="booking da, version 2")
    before = _written(app)
    response = submit(booker, "confirm", {})
    assert response.headers["Location"].endswith("/book/consent")
    assert _written(app) == before
    assert "version 2" in _html(booker.get("/book/consent"))


def test_confirming_twice_books_once(app: Flask, booker: FlaskClient) -> None:
    walk(booker)
    page = _html(booker.get("/book/confirm"))
    # A second tab (the same cookie) sends the confirmation again.
    cookie = booker.get_cookie("session")
    assert cookie is not None
    twin = app.test_client()
    twin.set_cookie("session", cookie.value, domain=cookie.domain or "localhost")
    first = booker.post("/book/confirm", data={"csrf_token": csrf(page)})
    second = twin.post("/book/confirm", data={"csrf_token": csrf(page)})
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/book/done")
    assert count(app, Booking) == 1


def test_the_clock_passing_the_chosen_time_is_a_clear_message(
    app: Flask, booker: FlaskClient
) -> None:
    walk(booker)
    app.extensions["clock"] = lambda: NOW + timedelta(days=1, hours=2)  # Tuesday 10:00
    response = submit(booker, "confirm", {})
    assert response.headers["Location"].endswith("/book/time")
    assert count(app, Booking) == 0
