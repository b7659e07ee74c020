"""Cancel, move and show a booking through the assistant: reference + phone → SMS code → token."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import ActionSubmitBooking
from actions.booking_api import BookingApi
from actions.formatting import LOCAL, parse_iso
from actions.manage_booking import (
    ActionCancelBooking,
    ActionManageBooking,
    ActionRescheduleBooking,
    ValidateManageForm,
    find_reference,
)
from tests.bot.support import buttons, make_tracker, responses, run, slot_events

PHONE = "+4540506070"


def book(api_env, service="jobcenter", skip=0) -> str:
    today = datetime.now(LOCAL).date()
    start = BookingApi.from_env().slots(service, today, today + timedelta(days=14))[skip].start
    slots = {
        "service": service,
        "meeting_time": start,
        "citizen_name": "Ole Sørensen",
        "citizen_phone": PHONE,
        "citizen_email": "-",
        "consent_given": True,
        "consent_version": {"booking": 1},
    }
    messages, _ = run(ActionSubmitBooking(), make_tracker(slots))
    return next(m["reference"] for m in messages if m.get("response") == "utter_booking_confirmed")


def verify(api_env, reference: str) -> str:
    """Walk the manage form's validations as the citizen would; returns the manage token."""
    form = ValidateManageForm()
    tracker = make_tracker({"booking_reference": reference})
    assert form.validate_lookup_phone("40 50 60 70", CollectingDispatcher(), tracker, {}) == {
        "lookup_phone": PHONE
    }
    code = api_env.last_code_sent_to(PHONE)
    result = form.validate_lookup_code(code, CollectingDispatcher(), tracker, {})
    assert result["lookup_code"] == "verified"
    return result["manage_token"]


def test_a_reference_is_found_in_a_sentence():
    assert find_reference("min reference er k7m2 9qxd tak") == "K7M2-9QXD"
    assert find_reference("K7M29QXD") == "K7M2-9QXD"
    assert find_reference("den er HJKM-NPQR") == "HJKM-NPQR"  # letters only is possible too
    assert find_reference("det ved jeg ikke") is None


def test_a_wrong_code_is_rejected_and_gives_no_token(api_env):
    reference = book(api_env)
    tracker = make_tracker({"booking_reference": reference})
    ValidateManageForm().validate_lookup_phone(PHONE, CollectingDispatcher(), tracker, {})
    real = api_env.last_code_sent_to(PHONE)
    wrong = "000000" if real != "000000" else "111111"
    dispatcher = CollectingDispatcher()
    result = ValidateManageForm().validate_lookup_code(wrong, dispatcher, tracker, {})
    assert result == {"lookup_code": None}
    assert responses(dispatcher.messages) == ["utter_code_rejected"]


def test_a_verified_citizen_can_cancel_after_confirming(api_env):
    reference = book(api_env)
    token = verify(api_env, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "cancel"}
    messages, events = run(ActionManageBooking(), make_tracker(slots))
    assert responses(messages) == ["utter_booking_details", "utter_confirm_cancel"]
    assert slot_events(events)["manage_step"] == "confirm_cancel"
    messages, events = run(ActionCancelBooking(), make_tracker(slots, intent="affirm"))
    assert responses(messages) == ["utter_booking_cancelled"]
    assert slot_events(events)["manage_token"] is None
    booking = api_env.get(f"/bookings/{reference}", headers={"X-Manage-Token": token}).json()
    assert booking["status"] == "cancelled"


def test_a_verified_citizen_can_move_the_meeting_to_an_offered_time(api_env):
    reference = book(api_env, "fysioterapi")
    token = verify(api_env, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "reschedule"}
    messages, events = run(ActionManageBooking(), make_tracker(slots))
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
    messages, events = run(ActionRescheduleBooking(), tracker)
    assert responses(messages) == ["utter_booking_moved"], messages
    booking = api_env.get(f"/bookings/{reference}", headers={"X-Manage-Token": token}).json()
    assert parse_iso(booking["start"]) == parse_iso(new_start)
    assert slot_events(events)["manage_token"] is None


def test_showing_a_booking_does_not_keep_the_token(api_env):
    reference = book(api_env, skip=1)
    token = verify(api_env, reference)
    slots = {"booking_reference": reference, "manage_token": token, "manage_action": "show"}
    messages, events = run(ActionManageBooking(), make_tracker(slots))
    details = [m for m in messages if m.get("response") == "utter_booking_details"]
    assert details and details[0]["status"] == "bekræftet" and details[0]["reference"] == reference
    assert slot_events(events)["manage_token"] is None
