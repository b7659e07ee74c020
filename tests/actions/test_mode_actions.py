"""Meeting modes in the conversation: words that name a mode, asking only when the service
offers several, times and booking in the chosen mode, and changing the mode later as a move."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import (
    ActionAskMeetingTime,
    ActionAskMode,
    ActionSubmitBooking,
    ValidateBookingForm,
    booking_body,
    mode_in_text,
)
from actions.formatting import LOCAL, parse_iso
from actions.manage_booking import ActionManageBooking, ActionRescheduleBooking
from tests.actions.support import buttons, make_tracker, responses, run, slot_events
from tests.actions.test_manage_actions import PHONE, verify
from tests.support.fake_booking_api import FakeBookingApi


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("jeg vil hellere komme ind på rådhuset", "in_person"),
        ("kan jeg møde op personligt", "in_person"),
        ("fysisk fremmøde tak", "in_person"),
        ("I'd rather come in to the office", "in_person"),
        ("face to face please", "in_person"),
        ("can you call me instead", "phone"),
        ("kan I ringe til mig i stedet", "phone"),
        ("ring mig op", "phone"),
        ("over telefonen", "phone"),
        ("a phone call please", "phone"),
        ("video tak", "video"),
        ("online", "video"),
        ("by video", "video"),
        ("in_person", "in_person"),
        ("hej", None),
        ("I'll bring my daughter", None),
        ('/inform{"mode":"phone"}', None),
        ("", None),
    ],
)
def test_the_citizens_words_name_a_mode(text: str, mode: str | None) -> None:
    assert mode_in_text(text) == mode


class OneModeApi(FakeBookingApi):
    """A booking service whose services offer only video."""

    def services(self) -> list[dict[str, Any]]:
        return [{**s, "modes": ["video"]} for s in super().services()]


def new_service(form: ValidateBookingForm, service: str, text: str = "") -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    result = form.validate_service(service, dispatcher, make_tracker(text=text), {})
    return {**result, "_responses": responses(dispatcher.messages)}


def test_a_service_with_one_mode_is_not_asked_about(booking_api) -> None:
    result = new_service(ValidateBookingForm(OneModeApi()), "jobcenter")
    assert result["mode"] == "video" and result["_responses"] == []


def test_a_service_with_several_modes_asks(booking_api) -> None:
    assert new_service(ValidateBookingForm(booking_api), "jobcenter")["mode"] is None


def test_a_mode_named_with_the_service_is_kept(booking_api) -> None:
    result = new_service(
        ValidateBookingForm(booking_api), "jobcenter", "jeg vil have et telefonmøde med jobcentret"
    )
    assert result["mode"] == "phone"


def test_a_mode_the_service_does_not_offer_is_said_and_asked(booking_api) -> None:
    result = new_service(ValidateBookingForm(booking_api), "fysioterapi", "kan I ringe til mig")
    assert result["mode"] is None
    assert result["_responses"] == ["utter_mode_not_offered"]


def test_the_question_has_a_button_for_each_offered_mode(booking_api) -> None:
    messages, _ = run(ActionAskMode(booking_api), make_tracker({"service": "fysioterapi"}))
    assert responses(messages) == ["utter_ask_mode"]
    assert [b["title"] for b in buttons(messages)] == ["Video", "Fremmøde"]
    assert buttons(messages)[1]["payload"] == '/inform{"mode":"in_person"}'
    english = make_tracker({"service": "jobcenter", "language": "en"})
    messages, _ = run(ActionAskMode(booking_api), english)
    assert [b["title"] for b in buttons(messages)] == ["Video", "Phone", "In person"]


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        ("phone", '/inform{"mode":"phone"}', "phone"),
        (
            "jeg vil hellere komme ind på rådhuset",
            "jeg vil hellere komme ind på rådhuset",
            "in_person",
        ),
        ("can you call me instead", "can you call me instead", "phone"),
    ],
)
def test_the_answer_is_a_button_or_the_citizens_own_words(
    booking_api, value: str, text: str, expected: str
) -> None:
    entities = [{"entity": "mode", "value": value}] if value in ("phone",) else []
    tracker = make_tracker({"service": "jobcenter"}, text=text, entities=entities)
    result = ValidateBookingForm(booking_api).validate_mode(
        value, CollectingDispatcher(), tracker, {}
    )
    assert result["mode"] == expected


def test_an_answer_that_names_no_mode_is_asked_again(booking_api) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"service": "jobcenter"}, text="det ved jeg ikke")
    result = ValidateBookingForm(booking_api).validate_mode(
        "det ved jeg ikke", dispatcher, tracker, {}
    )
    assert result == {"mode": None}
    assert responses(dispatcher.messages) == ["utter_mode_not_understood"]


def offered(messages: list[dict[str, Any]]) -> list[datetime]:
    return [
        parse_iso(json.loads(b["payload"][len("/inform") :])["meeting_time"])
        for b in buttons(messages)
    ]


def test_times_are_offered_in_the_chosen_mode(booking_api) -> None:
    tracker = make_tracker({"service": "jobcenter", "mode": "in_person"})
    messages, _ = run(ActionAskMeetingTime(booking_api), tracker)
    days = {t.astimezone(LOCAL).weekday() for t in offered(messages)}
    assert days and days <= {1, 3, 4}  # office days only


def submit(api: FakeBookingApi, mode: str, start: str, **extra: Any) -> list[dict[str, Any]]:
    slots = {
        "service": "jobcenter",
        "mode": mode,
        "meeting_time": start,
        "citizen_name": "Ole Sørensen",
        "citizen_phone": PHONE,
        "citizen_email": "-",
        "consent_given": True,
        "consent_version": {"booking": 1},
        **extra,
    }
    messages, _ = run(ActionSubmitBooking(api), make_tracker(slots))
    return messages


def first_start(api: FakeBookingApi, mode: str | None = None) -> str:
    today = datetime.now(LOCAL).date()
    return api.slots("jobcenter", today, today + timedelta(days=14), mode)[0].start


def test_a_phone_meeting_is_booked_and_confirmed_with_the_number(booking_api) -> None:
    messages = submit(booking_api, "phone", first_start(booking_api))
    (confirmed,) = [m for m in messages if m.get("response") == "utter_booking_confirmed_phone"]
    assert confirmed["phone"] == "+45 40 50 60 70"
    stored = booking_api.bookings[confirmed["reference"]].booking
    assert stored.mode == "phone" and stored.meeting_url == ""


def test_an_in_person_meeting_is_confirmed_with_the_address(booking_api) -> None:
    messages = submit(booking_api, "in_person", first_start(booking_api, "in_person"))
    (confirmed,) = [m for m in messages if m.get("response") == "utter_booking_confirmed_in_person"]
    assert confirmed["address"] == "Rådhuspladsen 1, stueetagen"


def test_a_booking_by_phone_call_has_the_phone_channel() -> None:
    tracker = make_tracker(
        {"service": "jobcenter", "mode": "phone", "citizen_phone": PHONE},
        input_channel="twilio_voice_verified",
    )
    body = booking_body(tracker, "da")
    assert (body["channel"], body["mode"]) == ("phone", "phone")


def booked_and_verified(
    api: FakeBookingApi, mode: str = "video", start: str | None = None
) -> tuple[str, str]:
    messages = submit(api, mode, start or first_start(api, mode))
    reference = next(m["reference"] for m in messages if m.get("reference"))
    return reference, verify(api, reference)


def moving_request(text: str) -> list[dict[str, Any]]:
    """The user event that started the manage flow ("kan I ringe til mig i stedet")."""
    return [
        {
            "event": "user",
            "text": text,
            "parse_data": {"intent": {"name": "reschedule_booking"}, "entities": []},
        }
    ]


def test_asking_to_be_called_instead_changes_the_mode_at_the_same_time(booking_api) -> None:
    reference, token = booked_and_verified(booking_api)
    before = booking_api.bookings[reference].booking
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "reschedule"}
    tracker = make_tracker(slots, events=moving_request("kan I ringe til mig i stedet"))

    messages, events = run(ActionManageBooking(booking_api), tracker)

    assert responses(messages) == [
        "utter_booking_details",
        "utter_booking_mode_changed",
        "utter_how_phone",
    ]
    after = booking_api.bookings[reference].booking
    assert (after.mode, after.start) == ("phone", before.start)
    assert slot_events(events)["manage_token"] is None  # the flow is over


def test_a_mode_not_held_at_that_time_offers_new_times_in_that_mode(booking_api) -> None:
    today = datetime.now(LOCAL).date()
    free = booking_api.slots("jobcenter", today, today + timedelta(days=14), "video")
    not_office = next(s.start for s in free if parse_iso(s.start).weekday() not in (1, 3, 4))
    reference, token = booked_and_verified(booking_api, start=not_office)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "reschedule"}
    tracker = make_tracker(
        {**slots, "language": "en"}, events=moving_request("change my meeting to in person")
    )

    messages, events = run(ActionManageBooking(booking_api), tracker)

    assert "utter_mode_needs_new_time" in responses(messages)
    assert {t.astimezone(LOCAL).weekday() for t in offered(messages)} <= {1, 3, 4}
    assert slot_events(events)["mode"] == "in_person"
    assert slot_events(events)["manage_step"] == "choose_new_time"

    new_start = offered(messages)[0].isoformat()
    chosen = make_tracker(
        {**slots, "service": "jobcenter", "mode": "in_person", "language": "en"},
        text=f'/inform{{"meeting_time":"{new_start}"}}',
        entities=[{"entity": "meeting_time", "value": new_start}],
    )
    messages, _ = run(ActionRescheduleBooking(booking_api), chosen)
    assert responses(messages) == ["utter_booking_moved_other", "utter_how_in_person"]
    assert booking_api.bookings[reference].booking.mode == "in_person"


def test_a_mode_named_when_asking_to_book_is_kept_after_the_service_button(booking_api) -> None:
    asked = [
        {
            "event": "user",
            "text": "jeg vil gerne booke et videomøde",
            "parse_data": {"intent": {"name": "book_meeting"}, "entities": []},
        }
    ]
    tracker = make_tracker(text='/inform{"service":"jobcenter"}', events=asked)
    result = ValidateBookingForm(booking_api).validate_service(
        "jobcenter", CollectingDispatcher(), tracker, {}
    )
    assert result["mode"] == "video"
