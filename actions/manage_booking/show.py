"""The verified booking shown to the citizen, then the next step: confirm a cancel, or new times."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import offer_times
from actions.book_meeting.modes import mode_in_text, mode_name
from actions.booking_api import Booking, BookingApiError
from actions.formatting import (
    LOCAL,
    display_phone,
    format_when,
    language_of,
    service_name,
    status_name,
)
from actions.manage_booking.answers import (
    ManageBookingAction,
    clear_manage_slots,
    clear_manage_slots_and_service,
)


class ActionManageBooking(ManageBookingAction):
    def name(self) -> str:
        return "action_manage_booking"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        reference, token = tracker.get_slot("booking_reference"), tracker.get_slot("manage_token")
        booking = self.api.get_booking(reference, token)
        show_booking(dispatcher, booking, language)
        action = tracker.get_slot("manage_action") or "show"
        if action == "erase":  # whatever the status: a past meeting's data too
            dispatcher.utter_message(response="utter_confirm_erase")
            return [SlotSet("manage_step", "confirm_erase")]
        if action == "show" or booking.status != "confirmed":
            return clear_manage_slots()
        if action == "cancel":
            dispatcher.utter_message(response="utter_confirm_cancel")
            return [SlotSet("manage_step", "confirm_cancel")]
        wanted = requested_mode(tracker)
        if wanted is not None and wanted != booking.mode:
            return self._change_mode(dispatcher, booking, token, wanted, language)
        dispatcher.utter_message(response="utter_offer_new_times")
        offer_times(
            dispatcher, self.api, booking.service, language, datetime.now(LOCAL), mode=wanted
        )
        return choose_new_time(booking.service, wanted)

    def _change_mode(
        self,
        dispatcher: CollectingDispatcher,
        booking: Booking,
        token: str,
        mode: str,
        language: str,
    ) -> list[EventType]:
        """Changing the mode is a move: at the same time if someone holds that mode then,
        otherwise the citizen chooses a new time in that mode."""
        try:
            changed = self.api.reschedule_booking(booking.reference, token, start=None, mode=mode)
        except BookingApiError as error:
            if error.code != "invalid_start":
                raise
            dispatcher.utter_message(
                response="utter_mode_needs_new_time", mode_name=mode_name(mode, language)
            )
            offer_times(
                dispatcher, self.api, booking.service, language, datetime.now(LOCAL), mode=mode
            )
            return choose_new_time(booking.service, mode)
        tell_mode_changed(dispatcher, changed, language)
        return clear_manage_slots_and_service()


def choose_new_time(service: str, mode: str | None) -> list[EventType]:
    return [
        SlotSet("manage_step", "choose_new_time"),
        SlotSet("service", service),
        SlotSet("mode", mode),
    ]


def requested_mode(tracker: Tracker) -> str | None:
    """The mode the citizen asked to change to ("kan I ringe til mig i stedet?"): the mode
    slot, else the words of their latest request to move the meeting."""
    if tracker.get_slot("mode"):
        return str(tracker.get_slot("mode"))
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "reschedule_booking":
            return mode_in_text(event.get("text"))
    return None


def tell_mode_changed(dispatcher: CollectingDispatcher, booking: Booking, language: str) -> None:
    dispatcher.utter_message(
        response="utter_booking_mode_changed",
        reference=booking.reference,
        when=format_when(booking.start, language),
        mode_name=mode_name(booking.mode, language),
    )
    tell_how_to_meet(dispatcher, booking, language)


def tell_how_to_meet(dispatcher: CollectingDispatcher, booking: Booking, language: str) -> None:
    """How to join (video), who calls (phone) or where to go (in person)."""
    if booking.mode == "phone":
        dispatcher.utter_message(
            response="utter_how_phone", phone=display_phone(booking.call_number)
        )
    elif booking.mode == "in_person":
        address = booking.address or {}
        dispatcher.utter_message(
            response="utter_how_in_person", address=address.get(language) or address.get("da")
        )
    else:
        dispatcher.utter_message(response="utter_how_video", meeting_url=booking.meeting_url)


def show_booking(dispatcher: CollectingDispatcher, booking: Booking, language: str) -> None:
    details = {
        "reference": booking.reference,
        "service_name": service_name(booking.service, language),
        "when": format_when(booking.start, language),
        "status": status_name(booking.status, language),
    }
    if booking.mode == "video":
        dispatcher.utter_message(
            response="utter_booking_details", meeting_url=booking.meeting_url, **details
        )
        return
    dispatcher.utter_message(
        response="utter_booking_details_other",
        mode_name=mode_name(booking.mode, language),
        **details,
    )
    if booking.status == "confirmed":
        tell_how_to_meet(dispatcher, booking, language)
