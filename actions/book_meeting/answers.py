"""What the booking form collected about the citizen, the step that stops and forgets it, and
answers that come when no flow asks for them."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_reading import button_slots
from actions.service_action import previous_value

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


class ActionOutsideFlow(Action):
    """A yes, no or answer outside any flow: an offer of help; a button of a finished step is
    answered as stale and what it set is undone."""

    def name(self) -> str:
        return "action_outside_flow"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        entities = [e["entity"] for e in tracker.latest_message.get("entities", [])]
        if button_slots(text, intent, entities) is None:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        dispatcher.utter_message(response="utter_stale_button_idle")
        return [SlotSet(slot, previous_value(tracker, slot)) for slot in entities]
