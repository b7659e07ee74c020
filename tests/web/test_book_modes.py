"""/book asks how to meet when the service offers several modes (issue 14, point 3).

The mode is a radio group on its own step (no JavaScript needed); the free times are searched
in that mode, the booking is made in it, and the confirmation says how to join, who calls whom
or where to go. A mode the service does not offer is a 400 next to the field, nothing stored.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, OutboxMessage, Service, WorkingHours
from tests.support.api import TUESDAY_9, count, prepare
from tests.support.book import csrf, submit
from tests.web.test_book import TABLES

WEDNESDAY_9 = TUESDAY_9 + timedelta(days=1)
MODE_FORM = "/book/mode"


@pytest.fixture
def booker(app: Flask) -> FlaskClient:
    """`jobcenter` offers all three modes; in person only from Wednesday (office days)."""
    [caseworker_id] = prepare(app)
    with app.extensions["database"].transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = ["video", "phone", "in_person"]
        service.address_da, service.address_en = "Jobcentret, Torvet 1", "The jobcentre, Torvet 1"
        service.directions_da = "Meld dig i receptionen."
        service.directions_en = "Ask at the reception."
        for row in session.scalars(
            select(WorkingHours).where(WorkingHours.caseworker_id == caseworker_id)
        ):
            if row.weekday in (0, 1):  # Monday and Tuesday: no office day
                row.modes = ["video", "phone"]
    return app.test_client()


def _html(response) -> str:
    return response.get_data(as_text=True)


def _choose_mode(client: FlaskClient, mode: str | None, **kw) -> object:
    page = client.get(MODE_FORM, **kw)
    assert page.status_code == 200, page.headers.get("Location")
    data = {"csrf_token": csrf(_html(page))}
    if mode is not None:
        data["mode"] = mode
    return client.post(MODE_FORM, data=data, **kw)


def _written(app: Flask) -> dict[str, int]:
    return {model.__name__: count(app, model) for model in TABLES}


def _book_rest(client: FlaskClient, start: str, **kw) -> str:
    """Time, details, consent and confirm; the confirmation page's HTML."""
    assert submit(client, "time", {"meeting_time": start}, **kw).status_code == 303
    for step in ("details", "consent"):
        assert submit(client, step, **kw).status_code == 303
    assert submit(client, "confirm", {}, **kw).headers["Location"].endswith("/book/done")
    return _html(client.get("/book/done", **kw))


def test_the_citizen_chooses_phone_and_the_confirmation_says_who_calls_whom(
    app: Flask, booker: FlaskClient
) -> None:
    chosen = submit(booker, "service")
    assert chosen.headers["Location"].endswith("/book/mode")

    page = _html(booker.get(MODE_FORM))
    assert "Hvordan vil du mødes?" in page and "Trin 2 af 6" in page
    for mode, label in (("video", "Videomøde"), ("phone", "Telefonmøde"), ("in_person", "")):
        assert f'type="radio" id="mode-{mode}" name="mode" value="{mode}"' in page
        assert f'aria-describedby="mode-{mode}-hint"' in page
        assert label in page
    assert "<script" not in page.split("<main", 1)[-1]  # the choice needs no JavaScript

    assert _choose_mode(booker, "phone").headers["Location"].endswith("/book/time")
    times = _html(booker.get("/book/time"))
    assert "Mødeform: Telefonmøde." in times and "Trin 3 af 6" in times
    assert f'value="{TUESDAY_9.isoformat()}"' in times

    assert submit(booker, "time", {"meeting_time": TUESDAY_9.isoformat()}).status_code == 303
    for step in ("details", "consent"):
        assert submit(booker, step).status_code == 303
    summary = _html(booker.get("/book/confirm"))
    assert "Mødeform" in summary and "Telefonmøde" in summary and 'href="/book/mode"' in summary
    assert submit(booker, "confirm", {}).headers["Location"].endswith("/book/done")
    done = _html(booker.get("/book/done"))

    assert "Din sagsbehandler ringer til dig på +45 20 30 40 50." in done
    assert "skifte mødeform" in done and "linket til mødet" not in done
    with app.extensions["database"].transaction() as session:
        booking = session.scalars(select(Booking)).one()
        assert (booking.mode, booking.room_name, booking.channel) == ("phone", None, "web")
        sms = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking.id, OutboxMessage.channel == "sms"
            )
        ).first()
        assert sms is not None and "ringer" in (sms.body or "")


def test_in_person_offers_only_office_days_and_the_confirmation_gives_the_address(
    app: Flask, booker: FlaskClient
) -> None:
    submit(booker, "service")
    assert _choose_mode(booker, "in_person").status_code == 303
    times = _html(booker.get("/book/time"))
    assert "Mødeform: Fysisk møde." in times
    assert f'value="{TUESDAY_9.isoformat()}"' not in times  # Tuesday: no office day
    assert f'value="{WEDNESDAY_9.isoformat()}"' in times
    refused = submit(booker, "time", {"meeting_time": TUESDAY_9.isoformat()})
    assert refused.status_code == 400  # a video/phone time is not an in-person time

    done = _book_rest(booker, WEDNESDAY_9.isoformat())

    assert "Mødet foregår her: Jobcentret, Torvet 1." in done
    assert "Meld dig i receptionen." in done
    with app.extensions["database"].transaction() as session:
        booking = session.scalars(select(Booking)).one()
        assert (booking.mode, booking.room_name) == ("in_person", None)


def test_video_in_english_gives_the_link_and_the_booking_is_a_video_meeting(
    app: Flask, booker: FlaskClient
) -> None:
    en = {"query_string": {"lang": "en"}}
    submit(booker, "service", **en)
    page = _html(booker.get(MODE_FORM, **en))
    assert "How do you want to meet?" in page and "Phone meeting" in page
    assert _choose_mode(booker, "video", **en).status_code == 303

    done = _book_rest(booker, TUESDAY_9.isoformat(), **en)

    assert "We have sent a confirmation by SMS with the link to the meeting." in done
    with app.extensions["database"].transaction() as session:
        booking = session.scalars(select(Booking)).one()
        assert (booking.mode, booking.language) == ("video", "en")
        assert booking.room_name


@pytest.mark.parametrize(
    ("value", "offered"),
    [(None, ("video", "phone", "in_person")), ("fax", ("video", "phone", "in_person")),
     ("in_person", ("video", "phone")), ("", ("video", "phone"))],
)  # fmt: skip
def test_a_mode_the_service_does_not_offer_is_refused_next_to_the_field_and_nothing_stored(
    app: Flask, booker: FlaskClient, value: str | None, offered: tuple[str, ...]
) -> None:
    with app.extensions["database"].transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = list(offered)
    before = _written(app)
    submit(booker, "service")

    response = _choose_mode(booker, value)

    assert response.status_code == 400
    html = _html(response)
    assert 'id="mode-error"' in html and "Vælg, hvordan du vil mødes." in html
    assert 'aria-describedby="mode-error"' in html
    assert re.search(r'class="error-summary"[^>]*autofocus', html)
    assert 'href="#mode-video"' in html  # the summary links to the first choice
    assert 'value="in_person"' not in html or "in_person" in offered
    # Nothing chosen: the time step still sends the citizen back to the mode.
    assert booker.get("/book/time").headers["Location"].endswith("/book/mode")
    assert _written(app) == before


def test_a_service_with_one_mode_skips_the_choice(app: Flask, booker: FlaskClient) -> None:
    with app.extensions["database"].transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = ["phone"]
    assert submit(booker, "service").headers["Location"].endswith("/book/time")
    assert booker.get(MODE_FORM).headers["Location"].endswith("/book/time")
    times = _html(booker.get("/book/time"))
    assert "Trin 2 af 5" in times and "Mødeform:" not in times

    _book_rest(booker, TUESDAY_9.isoformat())

    with app.extensions["database"].transaction() as session:
        assert session.scalars(select(Booking)).one().mode == "phone"


def test_the_mode_step_cannot_be_skipped(booker: FlaskClient) -> None:
    assert booker.get(MODE_FORM).headers["Location"].endswith("/book/")
    submit(booker, "service")
    for step in ("/book/time", "/book/details", "/book/confirm"):
        assert booker.get(step).headers["Location"].endswith("/book/mode")


def test_changing_the_mode_before_confirming_asks_for_a_time_again(
    app: Flask, booker: FlaskClient
) -> None:
    submit(booker, "service")
    _choose_mode(booker, "video")
    for step in ("time", "details", "consent"):
        assert submit(booker, step).status_code == 303
    assert booker.get("/book/confirm").status_code == 200

    assert _choose_mode(booker, "phone").headers["Location"].endswith("/book/time")

    assert booker.get("/book/confirm").headers["Location"].endswith("/book/time")
    assert _written(app)["Booking"] == 0


def test_a_mode_withdrawn_before_confirming_leads_back_to_the_choice_and_writes_nothing(
    app: Flask, booker: FlaskClient
) -> None:
    submit(booker, "service")
    _choose_mode(booker, "phone")
    for step, data in (("time", None), ("details", None), ("consent", None)):
        assert submit(booker, step, data).status_code == 303
    page = booker.get("/book/confirm")
    with app.extensions["database"].transaction() as session:
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        service.modes = ["video", "in_person"]

    response = booker.post("/book/confirm", data={"csrf_token": csrf(_html(page))})

    assert response.headers["Location"].endswith("/book/mode")
    again = _html(booker.get(MODE_FORM))
    assert "Den mødeform tilbydes ikke længere" in again
    assert 'value="phone"' not in again
    assert _written(app)["Booking"] == 0
