"""The booking conversation's actions, against the in-memory booking service."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import (
    ActionAskConsentGiven,
    ActionAskMeetingTime,
    ActionStopBooking,
    ActionSubmitBooking,
    ValidateBookingForm,
)
from actions.booking_api import BookingApiError
from actions.dates import parse_preference
from actions.formatting import LOCAL, parse_iso
from tests.actions.support import buttons, make_tracker, responses, run, slot_events
from tests.support.fake_booking_api import FakeBookingApi

DANISH_TIME = re.compile(
    r"^(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) \d{1,2}\. "
    r"(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)"
    r" kl\. \d{2}\.\d{2}$"
)
ENGLISH_TIME = re.compile(
    r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r" \d{1,2} [A-Z][a-z]+ at \d{2}:\d{2}$"
)


def offered_starts(messages) -> list[str]:
    starts = []
    for button in buttons(messages):
        payload = button["payload"]
        assert payload.startswith("/inform{")
        starts.append(json.loads(payload[len("/inform") :])["meeting_time"])
    return starts


def filled_booking(service: str, start: str, **slots) -> dict:
    values = {
        "service": service,
        "meeting_time": start,
        "citizen_name": "Anna Jensen",
        "citizen_phone": "+4520123456",
        "citizen_email": "anna@example.dk",
        "consent_given": True,
        "consent_version": {"booking": 1},
    }
    values.update(slots)
    return values


def manage_token(api: FakeBookingApi, reference: str, phone: str) -> str:
    """The citizen's way in: reference + phone → code by SMS → manage token."""
    api.request_lookup_code(reference, phone)
    return api.confirm_lookup_code(reference, api.last_code_sent_to(phone))


def first_free_start(api: FakeBookingApi, service: str = "jobcenter", skip: int = 0) -> str:
    today = datetime.now(LOCAL).date()
    slots = api.slots(service, today, today + timedelta(days=14))
    assert len(slots) > skip, "the demo data should give free slots in the next two weeks"
    return slots[skip].start


def test_asking_for_a_time_offers_free_slots_as_danish_buttons(booking_api):
    messages, _ = run(ActionAskMeetingTime(booking_api), make_tracker({"service": "jobcenter"}))
    titles = [b["title"] for b in buttons(messages)]
    assert 1 <= len(titles) <= 6
    assert all(DANISH_TIME.match(t) for t in titles), titles
    assert "utter_offer_times" in responses(messages)
    assert all(parse_iso(s) > datetime.now(LOCAL) for s in offered_starts(messages))


def test_an_english_citizen_gets_english_times(booking_api):
    messages, _ = run(
        ActionAskMeetingTime(booking_api),
        make_tracker({"service": "sundhedspleje", "language": "en"}),
    )
    titles = [b["title"] for b in buttons(messages)]
    assert titles and all(ENGLISH_TIME.match(t) for t in titles), titles


def test_a_free_text_wish_narrows_the_offered_times(booking_api):
    now = datetime.now(LOCAL)
    preference = parse_preference("næste uge om eftermiddagen", now)
    tracker = make_tracker({"service": "jobcenter", "meeting_preference": preference.as_dict()})
    messages, _ = run(ActionAskMeetingTime(booking_api), tracker)
    starts = [parse_iso(s).astimezone(LOCAL) for s in offered_starts(messages)]
    assert starts and "utter_offer_times_for_preference" in responses(messages)
    assert all(preference.first_day <= s.date() <= preference.last_day for s in starts)
    assert all(s.hour >= 12 for s in starts)


def test_a_free_text_wish_is_kept_and_the_time_asked_again():
    form = ValidateBookingForm()
    dispatcher = CollectingDispatcher()
    result = form.validate_meeting_time("i morgen", dispatcher, make_tracker(text="i morgen"), {})
    assert result["meeting_time"] is None
    tomorrow = (datetime.now(LOCAL) + timedelta(days=1)).date().isoformat()
    assert result["meeting_preference"]["first_day"] == tomorrow


def test_a_chosen_slot_button_fills_the_meeting_time():
    start = (datetime.now(LOCAL) + timedelta(days=3)).replace(microsecond=0).isoformat()
    tracker = make_tracker(
        text=f'/inform{{"meeting_time":"{start}"}}',
        entities=[{"entity": "meeting_time", "value": start}],
    )
    result = ValidateBookingForm().validate_meeting_time(start, CollectingDispatcher(), tracker, {})
    assert parse_iso(result["meeting_time"]) == parse_iso(start)


def test_nonsense_instead_of_a_time_is_asked_again():
    dispatcher = CollectingDispatcher()
    result = ValidateBookingForm().validate_meeting_time(
        "blå kage", dispatcher, make_tracker(text="blå kage"), {}
    )
    assert result == {"meeting_time": None}
    assert responses(dispatcher.messages) == ["utter_time_not_understood"]


def test_a_danish_phone_number_is_normalised_to_e164():
    result = ValidateBookingForm().validate_citizen_phone(
        "20 12 34 56", CollectingDispatcher(), make_tracker(), {}
    )
    assert result == {"citizen_phone": "+4520123456"}


@pytest.mark.parametrize("text", ["123", "ring mig", "+45 1234"])
def test_an_invalid_phone_number_is_refused_with_an_explanation(text):
    dispatcher = CollectingDispatcher()
    result = ValidateBookingForm().validate_citizen_phone(text, dispatcher, make_tracker(), {})
    assert result == {"citizen_phone": None}
    assert responses(dispatcher.messages) == ["utter_invalid_phone"]


@pytest.mark.parametrize("text", ["ingen", "spring over", "Skip", "nej tak"])
def test_the_email_can_be_skipped(text):
    result = ValidateBookingForm().validate_citizen_email(
        text, CollectingDispatcher(), make_tracker(text=text), {}
    )
    assert result == {"citizen_email": "-"}


def test_a_malformed_email_is_asked_again():
    dispatcher = CollectingDispatcher()
    result = ValidateBookingForm().validate_citizen_email(
        "anna@", dispatcher, make_tracker(text="anna@"), {}
    )
    assert result == {"citizen_email": None} and responses(dispatcher.messages) == [
        "utter_invalid_email"
    ]


def test_changing_the_service_mid_form_drops_the_chosen_time():
    earlier = [
        {"event": "slot", "name": "service", "value": "jobcenter"},
        {"event": "user", "text": "jobcenter", "parse_data": {}},
    ]
    tracker = make_tracker(
        {"service": "sundhedspleje", "meeting_time": "2030-01-01T10:00:00+01:00"}, events=earlier
    )
    result = ValidateBookingForm().validate_service(
        "sundhedspleje", CollectingDispatcher(), tracker, {}
    )
    assert result == {"service": "sundhedspleje", "meeting_time": None, "meeting_preference": None}


def test_an_unknown_service_is_asked_again():
    dispatcher = CollectingDispatcher()
    result = ValidateBookingForm().validate_service("tandlæge", dispatcher, make_tracker(), {})
    assert result == {"service": None} and "utter_unknown_service" in responses(dispatcher.messages)


def test_the_active_consent_text_is_shown_and_its_version_kept(booking_api):
    messages, events = run(ActionAskConsentGiven(booking_api), make_tracker())
    shown = [m for m in messages if m.get("response") == "utter_consent_text"]
    assert shown and "Mødet optages ikke" in shown[0]["consent_text"]
    assert isinstance(slot_events(events)["consent_version"]["booking"], int)


def test_submitting_books_the_meeting_and_forgets_personal_data(booking_api):
    start = first_free_start(booking_api)
    messages, events = run(
        ActionSubmitBooking(booking_api), make_tracker(filled_booking("jobcenter", start))
    )
    confirmed = [m for m in messages if m.get("response") == "utter_booking_confirmed"]
    assert confirmed, messages
    reference = confirmed[0]["reference"]
    assert confirmed[0]["meeting_url"] and confirmed[0]["ics_url"]
    assert DANISH_TIME.match(confirmed[0]["when"])
    slots = slot_events(events)
    assert slots["booking_reference"] == reference
    assert all(slots[name] is None for name in ("citizen_name", "citizen_phone", "citizen_email"))
    # erasure and retention of the booking must reach the conversation it was made in
    assert booking_api.bookings[reference].conversation_id == "test-citizen"
    booking = booking_api.get_booking(
        reference, manage_token(booking_api, reference, "+4520123456")
    )
    assert booking.status == "confirmed" and parse_iso(booking.start) == parse_iso(start)


def test_a_retry_with_the_same_idempotency_key_does_not_book_twice(booking_api):
    start = first_free_start(booking_api, "fysioterapi")
    tracker = make_tracker(filled_booking("fysioterapi", start, idempotency_key="retry-key-1"))
    first, _ = run(ActionSubmitBooking(booking_api), tracker)
    second, _ = run(ActionSubmitBooking(booking_api), tracker)
    refs = [
        m["reference"] for m in first + second if m.get("response") == "utter_booking_confirmed"
    ]
    assert len(refs) == 2 and refs[0] == refs[1]


def other_citizen_books(api: FakeBookingApi, service: str, start: str, phone: str) -> int:
    """Status of another citizen's booking of that time (201, or the service's error status)."""
    body = {
        "service": service,
        "start": start,
        "language": "da",
        "channel": "web",
        "citizen": {"name": "Other Person", "phone": phone},
        "consents": [{"purpose": "booking", "text_version": 1}],
    }
    try:
        api.create_booking(body, idempotency_key=str(uuid.uuid4()))
    except BookingApiError as error:
        return error.status
    return 201


def test_a_slot_taken_meanwhile_offers_new_times_not_an_error(booking_api):
    start = first_free_start(booking_api, "sundhedspleje")
    assert other_citizen_books(booking_api, "sundhedspleje", start, "+4530303030") == 201
    # every caseworker for that time must be busy for a 409: take them all
    while True:
        again = other_citizen_books(booking_api, "sundhedspleje", start, "+4531313131")
        if again == 409:
            break
        assert again == 201, again
    messages, events = run(
        ActionSubmitBooking(booking_api), make_tracker(filled_booking("sundhedspleje", start))
    )
    assert responses(messages) == ["utter_slot_taken"]
    slots = slot_events(events)
    assert slots["meeting_time"] is None and slots["booking_step"] == "slot_taken"
    assert "citizen_name" not in slots  # the answers are kept for the second try


def test_refusing_consent_books_nothing_and_forgets_the_answers(booking_api):
    start = first_free_start(booking_api)
    messages, events = run(
        ActionSubmitBooking(booking_api),
        make_tracker(filled_booking("jobcenter", start, consent_given=False)),
    )
    assert responses(messages) == ["utter_consent_refused"]
    assert slot_events(events)["citizen_phone"] is None
    free = [
        s.start
        for s in booking_api.slots("jobcenter", parse_iso(start).date(), parse_iso(start).date())
    ]
    assert start in free


def test_stopping_the_booking_forgets_the_answers():
    messages, events = run(ActionStopBooking(), make_tracker({"citizen_name": "Anna Jensen"}))
    assert responses(messages) == ["utter_booking_stopped"]
    assert slot_events(events)["citizen_name"] is None


def test_the_service_being_down_gets_a_clear_message(service_down):
    messages, _ = run(ActionAskMeetingTime(service_down), make_tracker({"service": "jobcenter"}))
    assert responses(messages) == ["utter_service_down"]
    messages, events = run(
        ActionSubmitBooking(service_down),
        make_tracker(filled_booking("jobcenter", "2030-01-07T10:00:00+01:00")),
    )
    assert responses(messages) == ["utter_service_down"]
    assert slot_events(events)["idempotency_key"]  # kept, so a retry cannot book twice


def test_a_time_the_service_refuses_is_explained_and_the_answers_forgotten(booking_api):
    # not a time the service offers: it refuses (422) with a reason the citizen is told
    tracker = make_tracker(filled_booking("jobcenter", "2030-01-06T23:00:00+01:00"))
    messages, events = run(ActionSubmitBooking(booking_api), tracker)
    assert responses(messages) == ["utter_booking_failed"]
    assert "cannot be booked" in messages[0]["reason"]
    assert slot_events(events)["citizen_phone"] is None and not booking_api.bookings
