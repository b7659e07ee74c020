"""One rule for citizens' names (booking/names.py): refused with the reason, CPR never shown.

POST /bookings refuses a name with a CPR number, digits or control characters with a 422 that
says why; any real name of any alphabet is stored exactly. A name stored before the rule that
holds a CPR number is redacted wherever a caseworker sees it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.meetings.calendar_feed import minimised_name
from booking.meetings.jitsi import citizen_participant
from booking.models import Booking, ConsentRecord, OutboxMessage
from booking.names import name_problem, redact_cpr
from tests.support.api import booking_body, count, create, error, prepare
from tests.support.staff import make_booking

CPR_NAMES = ["Anna Jensen 010190-1234", "0101901234 Anna", "Anna 01 01 90-1234"]


@pytest.mark.parametrize(
    ("name", "danish", "english"),
    [
        *[(name, "CPR-nummer", "CPR number") for name in CPR_NAMES],
        ("Anna 2", "kan ikke indeholde tal", "cannot contain digits"),
        ("Anna Jensen 20304050", "kan ikke indeholde tal", "cannot contain digits"),
        ("Anna\x1bJensen", "kontroltegn", "control characters"),
    ],
)
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_name_with_a_cpr_number_digits_or_control_characters_is_refused_with_the_reason(
    any_app: Flask, name: str, danish: str, english: str, language: str
) -> None:
    prepare(any_app)
    response = any_app.test_client().post(
        "/api/v1/bookings",
        json=booking_body(citizen={"name": name, "phone": "20304050"}),
        headers={"Accept-Language": language},
    )
    problem = error(response, 422, language)
    assert problem["field"] == "citizen.name"
    assert (danish if language == "da" else english) in problem["message"]
    assert count(any_app, Booking) == 0
    assert count(any_app, ConsentRecord) == 0
    assert count(any_app, OutboxMessage) == 0


@pytest.mark.parametrize(
    "name",
    [
        "Ja",
        "Okay",
        "Bo Skov",
        "Søren Østergård",
        "Mary-Jane O'Neil",
        "Anna de la Cruz",
        "Ahmad bin Said",
        "李小龙",
        "Александр Пушкин",
        "محمد علي",
        "राहुल शर्मा",
    ],
)
def test_any_real_name_is_booked_and_stored_exactly(app: Flask, name: str) -> None:
    prepare(app)
    create(app.test_client(), citizen={"name": name, "phone": "20304050"})
    with app.extensions["database"].transaction() as session:
        assert session.scalar(select(Booking.citizen_name)) == name


def test_the_rule_names_each_problem() -> None:
    assert [name_problem(n) for n in ("Anna Jensen", "Anna 010190-1234", "Anna 7", "A\x07")] == [
        None,
        "cpr",
        "digits",
        "characters",
    ]


def test_a_stored_cpr_number_is_hidden_on_the_caseworkers_pages(logged_in: FlaskClient, db) -> None:
    reference = make_booking(db, citizen_name="Karen 010190-1234 Borger")
    for path in (f"/caseworker/meetings/{reference}", "/caseworker/"):
        page = logged_in.get(path).get_data(as_text=True)
        assert "010190-1234" not in page and "0101901234" not in page
        assert "Karen [CPR] Borger" in page


def test_a_stored_cpr_number_is_hidden_in_jitsi_and_the_calendar_feed() -> None:
    booking = Booking(id=7, citizen_name="0101901234 Karen Borger")
    assert citizen_participant(booking).display_name == "[CPR] Karen Borger"
    assert citizen_participant(booking, "Karen 010190-1234").display_name == "Karen [CPR]"
    # the feed shows first name and initial: the number is left out, not just hidden
    assert minimised_name("0101901234 Karen Borger") == "Karen B."
    assert minimised_name("Karen Borger 010190-1234") == "Karen B."


def test_redaction_leaves_names_phone_numbers_and_references_alone() -> None:
    for text in ("Anna Jensen", "+4520304050", "K7M2-9QXD", None):
        assert redact_cpr(text) == text
