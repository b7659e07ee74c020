"""What the booking form collected about the citizen, and the step that stops and forgets it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

SKIPPED = "-"  # citizen_email when the citizen chose not to give one
PERSONAL_SLOTS = (
    "citizen_name",
    "citizen_phone",
    "citizen_email",
    "consent_given",
    "sms_reminders",
    "consent_version",
    "idempotency_key",
    "meeting_time",
    "meeting_preference",
    "service",
    "mode",
    "requested_slot",
    "booking_step",
)


def clear_booking_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in PERSONAL_SLOTS]


class ActionStopBooking(Action):
    def name(self) -> str:
        return "action_stop_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_stopped")
        return clear_booking_slots()
