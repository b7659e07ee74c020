"""The verified booking shown to the citizen, then the next step: confirm a cancel, or new times."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import offer_times
from actions.booking_api import Booking
from actions.formatting import LOCAL, format_when, language_of, service_name, status_name
from actions.manage_booking.answers import ManageBookingAction, clear_manage_slots


class ActionManageBooking(ManageBookingAction):
    def name(self) -> str:
        return "action_manage_booking"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        reference, token = tracker.get_slot("booking_reference"), tracker.get_slot("manage_token")
        booking = self.api.get_booking(reference, token)
        show_booking(dispatcher, booking, language)
        action = tracker.get_slot("manage_action") or "show"
        if action == "show" or booking.status != "confirmed":
            return clear_manage_slots()
        if action == "cancel":
            dispatcher.utter_message(response="utter_confirm_cancel")
            return [SlotSet("manage_step", "confirm_cancel")]
        dispatcher.utter_message(response="utter_offer_new_times")
        offer_times(dispatcher, self.api, booking.service, language, datetime.now(LOCAL))
        return [SlotSet("manage_step", "choose_new_time"), SlotSet("service", booking.service)]


def show_booking(dispatcher: CollectingDispatcher, booking: Booking, language: str) -> None:
    dispatcher.utter_message(
        response="utter_booking_details",
        reference=booking.reference,
        service_name=service_name(booking.service, language),
        when=format_when(booking.start, language),
        status=status_name(booking.status, language),
        meeting_url=booking.meeting_url,
    )
