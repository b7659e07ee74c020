"""SMS and e-mail texts per meeting mode: video joins, phone says who calls, in person says
where; a change of mode is announced as such."""

from __future__ import annotations

import pytest

from booking.notify import messages
from booking.notify.messages import gsm7_length, is_gsm7, sms_segments
from tests.unit.test_messages import MEETING_URL, ctx

PHONE = {"mode": "phone", "call_number": "+45 20 30 40 50"}
IN_PERSON = {
    "mode": "in_person",
    "address": "Jobcenter, Torvet 1, 8000 Aarhus C",
    "directions": "Tag elevatoren til 2. sal.",
}
KINDS = ["confirmation", "reminder", "change", "cancellation"]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_phone_sms_fit_one_segment_and_say_which_number_is_called(kind: str, language: str) -> None:
    text = messages.sms_text(kind, ctx(language, **PHONE))
    assert is_gsm7(text), text
    assert gsm7_length(text) <= 160, (len(text), text)
    if kind != "cancellation":
        assert "+45 20 30 40 50" in text
        assert ("Join" if language == "en" else "Deltag") not in text


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", ["confirmation", "reminder", "change"])
def test_in_person_sms_carry_the_address_in_at_most_two_segments(kind: str, language: str) -> None:
    text = messages.sms_text(kind, ctx(language, **IN_PERSON))
    assert "Torvet 1, 8000 Aarhus C" in text
    assert MEETING_URL in text  # the meeting page with the details and "stop SMS"
    assert is_gsm7(text) and sms_segments(text) <= 2


def test_video_sms_are_unchanged_by_modes() -> None:
    assert messages.sms_text("reminder", ctx("da")).startswith(
        "Eksempel Kommune: Husk dit videomøde tirsdag 1. dec. kl. 10.00. Deltag: "
    )


@pytest.mark.parametrize(
    ("mode", "expected_da", "expected_en"),
    [
        ("video", "er nu et videomøde", "is now a video meeting"),
        ("phone", "er nu et telefonmøde", "is now by phone"),
        ("in_person", "er nu et fysisk møde", "is now in person"),
    ],
)
def test_a_change_of_mode_is_announced_as_such(
    mode: str, expected_da: str, expected_en: str
) -> None:
    extra = {"video": {}, "phone": PHONE, "in_person": IN_PERSON}[mode]
    fields = {**extra, "mode": mode, "mode_changed": True}
    assert expected_da in messages.sms_text("change", ctx("da", **fields))
    assert expected_en in messages.sms_text("change", ctx("en", **fields))
    assert gsm7_length(messages.sms_text("change", ctx("da", **fields))) <= 160 or mode == (
        "in_person"
    )


def test_phone_email_says_who_calls_and_has_no_join_link() -> None:
    body = messages.email_text("confirmation", ctx("da", **PHONE))
    assert "Din sagsbehandler ringer til dig på +45 20 30 40 50" in body
    assert "Deltag i mødet" not in body
    assert messages.email_subject("confirmation", ctx("en", **PHONE)) == (
        "Eksempel Kommune: Confirmed: phone meeting Tuesday 1 Dec at 10:00"
    )


def test_in_person_email_gives_address_and_directions() -> None:
    body = messages.email_text("change", ctx("en", **IN_PERSON))
    assert "The meeting takes place at: Jobcenter, Torvet 1, 8000 Aarhus C." in body
    assert "Tag elevatoren til 2. sal." in body
    assert "Join the meeting" not in body
    assert "Your in-person meeting (Jobcenter)" in body


def test_a_cancelled_phone_meeting_email_tells_nobody_to_call() -> None:
    body = messages.email_text("cancellation", ctx("da", **PHONE))
    assert "aflyst" in body and "ringer til dig" not in body
