"""The booking form's questions that need more than a fixed response: the time, consent, and
the citizen's own answers (other words when asked again)."""

from __future__ import annotations

from abc import ABC, abstractmethod
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


class AskCitizenAnswer(Action, ABC):
    """Asks for one of the citizen's own answers; asked again (after a question, a refusal or a
    stale button), with other words, so the citizen sees the conversation moved on."""

    slot = ""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class itself."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        again = tracker.get_slot("requested_slot") == self.slot
        dispatcher.utter_message(response=f"utter_ask_{self.slot}" + ("_again" if again else ""))
        return []


class ActionAskCitizenName(AskCitizenAnswer):
    slot = "citizen_name"

    def name(self) -> str:
        return "action_ask_citizen_name"


class ActionAskCitizenPhone(AskCitizenAnswer):
    slot = "citizen_phone"

    def name(self) -> str:
        return "action_ask_citizen_phone"


class ActionAskCitizenEmail(AskCitizenAnswer):
    slot = "citizen_email"

    def name(self) -> str:
        return "action_ask_citizen_email"


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
