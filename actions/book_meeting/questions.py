"""The booking form's questions that need more than a fixed response: the time and consent."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.book_meeting.offer_times import offer_times
from actions.dates import TimePreference
from actions.formatting import LOCAL, language_of, service_name
from actions.service_action import SERVICE_DOWN, BookingServiceAction


class ActionAskService(Action):
    def name(self) -> str:
        return "action_ask_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_service")
        return []


class ActionAskMeetingTime(BookingServiceAction):
    """Offers free times of the chosen service, narrowed by a wish the citizen wrote."""

    def name(self) -> str:
        return "action_ask_meeting_time"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        service = tracker.get_slot("service")
        raw = tracker.get_slot("meeting_preference")
        preference = TimePreference.from_dict(raw) if raw else None
        now = datetime.now(LOCAL)
        mode = tracker.get_slot("mode")
        if not offer_times(dispatcher, self.api, service, language, now, preference, mode):
            dispatcher.utter_message(
                response="utter_no_times", service_name=service_name(service, language)
            )
        return []


class ActionAskConsentGiven(BookingServiceAction):
    """Shows the consent text in force and keeps its versions for the booking."""

    def name(self) -> str:
        return "action_ask_consent_given"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        texts = self.api.consent_texts(language_of(tracker))
        versions = {t["purpose"]: t["version"] for t in texts}
        booking_text = next((t["text"] for t in texts if t["purpose"] == "booking"), None)
        if booking_text is None:
            dispatcher.utter_message(response=SERVICE_DOWN)
            return []
        dispatcher.utter_message(response="utter_consent_text", consent_text=booking_text)
        return [SlotSet("consent_version", versions)]
