"""Cancelling the verified booking once the citizen confirmed, or keeping it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.manage_booking.answers import ManageBookingAction, clear_manage_slots


class ActionCancelBooking(ManageBookingAction):
    def name(self) -> str:
        return "action_cancel_booking"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        reference = tracker.get_slot("booking_reference")
        self.api.cancel_booking(reference, tracker.get_slot("manage_token"))
        dispatcher.utter_message(response="utter_booking_cancelled", reference=reference)
        return clear_manage_slots()


class ActionKeepBooking(Action):
    def name(self) -> str:
        return "action_keep_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_kept")
        return clear_manage_slots()
