"""Session start: the language carried over, the municipality's facts from the API into slots."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_api import BookingApiError
from actions.service_action import BookingServiceAction


class ActionSessionStart(BookingServiceAction):
    def name(self) -> str:
        return "action_session_start"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        # carry over slots from the previous session (language); personal data was cleared
        for key, value in tracker.current_slot_values().items():
            if value is not None and key in ("language",):
                events.append(SlotSet(key, value))
        events.extend(self.municipality_events(tracker.get_slot("language") or "da"))
        events.append(ActionExecuted("action_listen"))
        return events

    def municipality_events(self, language: str) -> list[EventType]:
        try:
            facts = self.api.municipality()
        except BookingApiError:
            return []  # a session starts anyway: answers fall back to the slots' initial values
        hours = facts.get("opening_hours") or {}
        return [
            SlotSet("municipality_name", facts.get("name")),
            SlotSet("municipality_phone", facts.get("phone")),
            SlotSet("municipality_address", facts.get("address")),
            SlotSet("municipality_privacy_url", facts.get("privacy_url")),
            SlotSet("municipality_opening_hours_by_language", hours),
            SlotSet("municipality_opening_hours", hours.get(language) or hours.get("da")),
        ]
