"""Cancel, move and show a booking through the assistant: reference + phone → SMS code → token.

Against the in-memory booking service; its SMS are read from `booking_api.sms`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import ActionSubmitBooking
from actions.formatting import LOCAL, parse_iso
from actions.manage_booking import (
    ActionCancelBooking,
    ActionManageBooking,
    ActionRescheduleBooking,
    ValidateManageForm,
    find_reference,
)
from tests.actions.support import buttons, make_tracker, responses, run, slot_events
from tests.support.fake_booking_api import FakeBookingApi

PHONE = "+4540506070"
DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text("utf-8"))


def book(api: FakeBookingApi, service="jobcenter", skip=0) -> str:
    today = datetime.now(LOCAL).date()
    start = api.slots(service, today, today + timedelta(days=14))[skip].start
    slots = {
        "service": service,
        "meeting_time": start,
        "citizen_name": "Ole Sørensen",
        "citizen_phone": PHONE,
        "citizen_email": "-",
        "consent_given": True,
        "consent_version": {"booking": 1},
    }
    messages, _ = run(ActionSubmitBooking(api), make_tracker(slots))
    return next(m["reference"] for m in messages if m.get("response") == "utter_booking_confirmed")


def verify(api: FakeBookingApi, reference: str) -> str:
    """Walk the manage form's validations as the citizen would; returns the manage token."""
    form = ValidateManageForm(api)
    tracker = make_tracker({"booking_reference": reference})
    assert form.validate_lookup_phone("40 50 60 70", CollectingDispatcher(), tracker, {}) == {
        "lookup_phone": PHONE
    }
    code = api.last_code_sent_to(PHONE)
    result = form.validate_lookup_code(code, CollectingDispatcher(), tracker, {})
    assert result["lookup_code"] == "verified"
    return result["manage_token"]


def test_a_reference_is_found_in_a_sentence():
    assert find_reference("min reference er k7m2 9qxd tak") == "K7M2-9QXD"
    assert find_reference("K7M29QXD") == "K7M2-9QXD"
    assert find_reference("den er HJKM-NPQR") == "HJKM-NPQR"  # letters only is possible too
    assert find_reference("det ved jeg ikke") is None


def test_a_wrong_code_is_rejected_and_gives_no_token(booking_api):
    reference = book(booking_api)
    tracker = make_tracker({"booking_reference": reference})
    form = ValidateManageForm(booking_api)
    form.validate_lookup_phone(PHONE, CollectingDispatcher(), tracker, {})
    real = booking_api.last_code_sent_to(PHONE)
    wrong = "000000" if real != "000000" else "111111"
    dispatcher = CollectingDispatcher()
    result = form.validate_lookup_code(wrong, dispatcher, tracker, {})
    assert result == {"lookup_code": None}
    assert responses(dispatcher.messages) == ["utter_code_rejected"]


def test_a_verified_citizen_can_cancel_after_confirming(booking_api):
    reference = book(booking_api)
    token = verify(booking_api, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "cancel"}
    messages, events = run(ActionManageBooking(booking_api), make_tracker(slots))
    assert responses(messages) == ["utter_booking_details", "utter_confirm_cancel"]
    assert slot_events(events)["manage_step"] == "confirm_cancel"
    messages, events = run(ActionCancelBooking(booking_api), make_tracker(slots, intent="affirm"))
    assert responses(messages) == ["utter_booking_cancelled"]
    assert slot_events(events)["manage_token"] is None
    assert booking_api.get_booking(reference, token).status == "cancelled"


def test_a_verified_citizen_can_move_the_meeting_to_an_offered_time(booking_api):
    reference = book(booking_api, "fysioterapi")
    token = verify(booking_api, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "reschedule"}
    messages, events = run(ActionManageBooking(booking_api), make_tracker(slots))
    assert slot_events(events)["manage_step"] == "choose_new_time"
    offered = [
        json.loads(b["payload"][len("/inform") :])["meeting_time"] for b in buttons(messages)
    ]
    new_start = offered[-1]
    slots["service"] = "fysioterapi"
    tracker = make_tracker(
        slots,
        text=f'/inform{{"meeting_time":"{new_start}"}}',
        entities=[{"entity": "meeting_time", "value": new_start}],
    )
    messages, events = run(ActionRescheduleBooking(booking_api), tracker)
    assert responses(messages) == ["utter_booking_moved"], messages
    booking = booking_api.get_booking(reference, token)
    assert parse_iso(booking.start) == parse_iso(new_start)
    assert slot_events(events)["manage_token"] is None


def test_showing_a_booking_does_not_keep_the_token(booking_api):
    reference = book(booking_api, skip=1)
    token = verify(booking_api, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "show"}
    messages, events = run(ActionManageBooking(booking_api), make_tracker(slots))
    details = [m for m in messages if m.get("response") == "utter_booking_details"]
    assert details and details[0]["status"] == "bekræftet" and details[0]["reference"] == reference
    assert slot_events(events)["manage_token"] is None


def test_cancelling_a_booking_cancelled_meanwhile_says_why_and_forgets_the_token(booking_api):
    reference = book(booking_api)
    token = verify(booking_api, reference)
    booking_api.cancel_booking(reference, token)  # meanwhile, through the link in the SMS
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "cancel"}
    messages, events = run(ActionCancelBooking(booking_api), make_tracker(slots, intent="affirm"))
    assert responses(messages) == ["utter_booking_not_changeable"]
    assert "already cancelled" in messages[0]["reason"]
    assert slot_events(events)["manage_token"] is None


def test_a_new_time_taken_meanwhile_offers_other_times_and_keeps_the_booking(booking_api):
    reference = book(booking_api, "fysioterapi")
    token = verify(booking_api, reference)
    today = datetime.now(LOCAL).date()
    taken = booking_api.slots("fysioterapi", today, today + timedelta(days=14))[-1].start
    for phone in ("+4521212121", "+4522222222"):  # both physiotherapists
        body = {
            "service": "fysioterapi",
            "start": taken,
            "citizen": {"name": "Other Person", "phone": phone},
            "language": "da",
            "channel": "web",
            "consents": [{"purpose": "booking", "text_version": 1}],
        }
        booking_api.create_booking(body, idempotency_key=phone)
    slots = {"booking_reference": reference, "manage_token": token, "service": "fysioterapi"}
    tracker = make_tracker(slots, entities=[{"entity": "meeting_time", "value": taken}])
    messages, events = run(ActionRescheduleBooking(booking_api), tracker)
    assert responses(messages)[0] == "utter_slot_taken"
    offered = [
        json.loads(b["payload"][len("/inform") :])["meeting_time"] for b in buttons(messages)
    ]
    assert offered and taken not in offered
    assert slot_events(events) == {"manage_step": "choose_new_time"}
    assert booking_api.get_booking(reference, token).start != taken


def test_a_lookup_while_the_service_is_down_asks_for_the_phone_again(service_down):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"booking_reference": "K7M2-9QXD"})
    result = ValidateManageForm(service_down).validate_lookup_phone(
        "40 50 60 70", dispatcher, tracker, {}
    )
    assert result == {"lookup_phone": None}
    assert responses(dispatcher.messages) == ["utter_service_down"]


def _at_reference_question(text: str, intent: str) -> object:
    return make_tracker(
        {"requested_slot": "booking_reference", "manage_action": "cancel"},
        text=text,
        intent=intent,
        active_loop="manage_form",
    )


def test_a_reference_at_its_question_is_read_whatever_intent_nlu_guessed(booking_api):
    # "den er TPFB-2W75" was classified bot_challenge in CI, and the rule answered it instead
    form = ValidateManageForm(booking_api)
    for intent in ("bot_challenge", "faq", "deny", "out_of_scope", "human_handoff", "inform"):
        for text in ("den er TPFB-2W75", "tpfb2w75", "Min reference er TPFB 2W75 tak"):
            tracker = _at_reference_question(text, intent)
            extracted = form.extract_booking_reference(CollectingDispatcher(), tracker, {})
            assert extracted == {"booking_reference": text}, (text, intent)
            events = asyncio.run(form.run(CollectingDispatcher(), tracker, DOMAIN))
            assert slot_events(events).get("booking_reference") == "TPFB-2W75", (text, intent)


def test_a_question_or_a_button_at_the_reference_question_is_not_taken_as_the_reference(
    booking_api,
):
    form = ValidateManageForm(booking_api)
    for text, intent in [
        ("hvor finder jeg min reference?", "faq"),
        ("er du en robot?", "bot_challenge"),
        ('/inform{"service":"jobcenter"}', "inform"),
    ]:
        tracker = _at_reference_question(text, intent)
        assert form.extract_booking_reference(CollectingDispatcher(), tracker, {}) == {}, text


def test_the_reference_is_only_read_at_its_own_question(booking_api):
    form = ValidateManageForm(booking_api)
    tracker = make_tracker(
        {"requested_slot": "lookup_phone", "booking_reference": "K7M2-9QXD"},
        text="TPFB-2W75",
        intent="inform",
        active_loop="manage_form",
    )
    assert form.extract_booking_reference(CollectingDispatcher(), tracker, {}) == {}


def test_the_phone_and_the_code_at_their_questions_are_read_whatever_intent_nlu_guessed(
    booking_api,
):
    form = ValidateManageForm(booking_api)
    for slot, text in [("lookup_phone", "42 42 42 42"), ("lookup_code", "123 456")]:
        for intent in ("bot_challenge", "faq", "deny", "goodbye", "inform"):
            tracker = make_tracker(
                {"requested_slot": slot, "booking_reference": "K7M2-9QXD"},
                text=text,
                intent=intent,
                active_loop="manage_form",
            )
            extract = getattr(form, f"extract_{slot}")
            assert extract(CollectingDispatcher(), tracker, {}) == {slot: text}, (slot, intent)
        stop = make_tracker(
            {"requested_slot": slot}, text="nej tak", intent="deny", active_loop="manage_form"
        )
        assert getattr(form, f"extract_{slot}")(CollectingDispatcher(), stop, {}) == {}
