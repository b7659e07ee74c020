"""Erasing the citizen's data from the chat: verified like a cancel, confirmed, then erased."""

from __future__ import annotations

from actions.booking_api import BookingApiError
from actions.manage_booking import ActionEraseData, ActionKeepData, ActionManageBooking
from tests.actions.support import make_tracker, responses, run, slot_events
from tests.actions.test_manage_actions import book, verify


def erase_slots(reference: str, token: str) -> dict:
    return {"booking_reference": reference, "manage_token": token, "manage_action": "erase"}


def test_a_verified_citizen_confirms_and_the_data_is_erased(booking_api):
    reference = book(booking_api)
    slots = erase_slots(reference, verify(booking_api, reference))
    messages, events = run(ActionManageBooking(booking_api), make_tracker(slots))
    assert responses(messages) == ["utter_booking_details", "utter_confirm_erase"]
    assert slot_events(events)["manage_step"] == "confirm_erase"
    messages, events = run(ActionEraseData(booking_api), make_tracker(slots, intent="affirm"))
    assert responses(messages) == ["utter_data_erased"]
    assert messages[0]["reference"] == reference
    assert slot_events(events)["manage_token"] is None
    assert booking_api.erased == [reference]


def test_a_cancelled_booking_can_be_erased_too(booking_api):
    reference = book(booking_api)
    token = verify(booking_api, reference)
    booking_api.cancel_booking(reference, token)
    messages, events = run(
        ActionManageBooking(booking_api), make_tracker(erase_slots(reference, token))
    )
    assert slot_events(events)["manage_step"] == "confirm_erase"


def test_saying_no_erases_nothing_and_forgets_the_token(booking_api):
    reference = book(booking_api)
    slots = erase_slots(reference, verify(booking_api, reference))
    messages, events = run(ActionKeepData(), make_tracker(slots, intent="deny"))
    assert responses(messages) == ["utter_data_kept"]
    assert slot_events(events)["manage_token"] is None
    assert booking_api.erased == [] and reference in booking_api.bookings


def test_a_refused_erasure_says_why_and_forgets_the_token(booking_api):
    reference = book(booking_api)
    slots = erase_slots(reference, "not-the-token")
    messages, events = run(ActionEraseData(booking_api), make_tracker(slots, intent="affirm"))
    assert responses(messages) == ["utter_data_not_erased"] and messages[0]["reason"]
    assert slot_events(events)["manage_token"] is None
    assert reference in booking_api.bookings


def test_the_client_posts_to_the_erase_endpoint_with_the_manage_token(service_down):
    try:
        service_down.erase_booking("ABCD-EFGH", "tok")
    except BookingApiError as error:
        assert error.unavailable
    else:
        raise AssertionError("no service listens: the call must fail as unavailable")
