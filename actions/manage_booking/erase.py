"""Erasing the citizen's data (GDPR art. 17) from the chat, once the booking is verified by the
SMS code and the citizen confirmed: as on the manage page, the meeting is cancelled if ahead and
the personal data, the manage link and the conversation the booking was made in are deleted."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.manage_booking.answers import ManageBookingAction, clear_manage_slots


class ActionEraseData(ManageBookingAction):
    refused_response = "utter_data_not_erased"

    def name(self) -> str:
        return "action_erase_data"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        reference = tracker.get_slot("booking_reference")
        self.api.erase_booking(reference, tracker.get_slot("manage_token"))
        dispatcher.utter_message(response="utter_data_erased", reference=reference)
        return clear_manage_slots()


class ActionKeepData(Action):
    def name(self) -> str:
        return "action_keep_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_data_kept")
        return clear_manage_slots()
