"""The booking form's answers, checked: service, time (or a wish), name, phone and e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.book_meeting.answers import SKIPPED
from actions.book_meeting.modes import (
    MODES,
    chosen_mode,
    mode_after_service,
    mode_name,
    service_modes,
)
from actions.citizen_answers import CPR, DIGITS, Reading, read_email, read_name, read_phone
from actions.citizen_answers import EMAIL as EMAIL_REASON
from actions.citizen_answers import PHONE as PHONE_REASON
from actions.dates import parse_preference
from actions.form_reading import corrected_slot
from actions.formatting import LOCAL, language_of, parse_iso
from actions.service_action import (
    BookingServiceForm,
    asks_again_when_service_fails,
    previous_value,
)

SERVICE_ALIASES = {
    "jobcenter": "jobcenter",
    "jobcentret": "jobcenter",
    "jobcentre": "jobcenter",
    "jobcentrets": "jobcenter",
    "sagsbehandler": "jobcenter",
    "job": "jobcenter",
    "sundhedspleje": "sundhedspleje",
    "sundhedsplejerske": "sundhedspleje",
    "sundhedsplejersken": "sundhedspleje",
    "health visitor": "sundhedspleje",
    "fysioterapi": "fysioterapi",
    "fysioterapeut": "fysioterapi",
    "genoptræning": "fysioterapi",
    "genoptraening": "fysioterapi",
    "physiotherapy": "fysioterapi",
    "physiotherapist": "fysioterapi",
    "rehabilitation": "fysioterapi",
}
EMAIL_SKIP = {
    "ingen",
    "nej",
    "nej tak",
    "spring over",
    "skip",
    "no",
    "none",
    "no thanks",
    "-",
    "springover",
    "spring det over",
    "har ingen",
    "ingen e-mail",
    "ingen email",
}
# The reason an answer was refused → what the citizen is told.
REFUSALS = {
    CPR: "utter_answer_is_cpr",
    DIGITS: "utter_name_has_digits",
    EMAIL_REASON: "utter_name_has_email",
    PHONE_REASON: "utter_name_has_phone",
}


def service_code(value: Any) -> str | None:
    return SERVICE_ALIASES.get(str(value or "").strip().lower())


def normalise_phone(text: str) -> str | None:
    """E.164 for a valid number (Danish by default, +45 / 0045 / spaces), else None."""
    return read_phone(text).value


def _is_correction(tracker: Tracker, slot: str) -> bool:
    """The answer to `slot` came while another question was asked ("nej, mit navn er …")."""
    requested = tracker.get_slot("requested_slot")
    return requested is not None and requested != slot


def _mentions_service(tracker: Tracker) -> bool:
    return any(e.get("entity") == "service" for e in tracker.latest_message.get("entities", []))


class ValidateBookingForm(BookingServiceForm):
    def name(self) -> str:
        return "validate_booking_form"

    @asks_again_when_service_fails()
    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = service_code(value)
        if code is None:
            dispatcher.utter_message(response="utter_unknown_service")
            return {"service": None}
        if code == previous_value(tracker, "service"):
            return {"service": code}
        # a new or changed service: times offered for the old one no longer apply, and it
        # may offer other meeting modes (asked only when it offers more than one)
        return {
            "service": code,
            "meeting_time": None,
            "meeting_preference": None,
            **mode_after_service(self.api, code, tracker, dispatcher),
        }

    @asks_again_when_service_fails()
    def validate_mode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        mode = str(value) if value in MODES else chosen_mode(tracker)
        if mode is None:
            dispatcher.utter_message(response="utter_mode_not_understood")
            return {"mode": None}
        if mode not in service_modes(self.api, tracker.get_slot("service")):
            dispatcher.utter_message(
                response="utter_mode_not_offered", mode_name=mode_name(mode, language_of(tracker))
            )
            return {"mode": None}
        # free times depend on the mode (e.g. in person on office days only)
        return {"mode": mode, "meeting_time": None, "meeting_preference": None}

    def validate_meeting_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        chosen = next(tracker.get_latest_entity_values("meeting_time"), None) or str(value or "")
        try:
            start = parse_iso(chosen)
        except ValueError:
            start = None
        if start is not None:
            if start <= datetime.now(LOCAL):
                dispatcher.utter_message(response="utter_time_not_understood")
                return {"meeting_time": None}
            return {"meeting_time": start.isoformat(), "booking_step": None}
        if _mentions_service(tracker):
            return {"meeting_time": None}
        preference = parse_preference(chosen, datetime.now(LOCAL))
        if preference is None:
            dispatcher.utter_message(response="utter_time_not_understood")
            return {"meeting_time": None}
        return {"meeting_time": None, "meeting_preference": preference.as_dict()}

    # The citizen's own answers: read whatever the intent (actions/form_reading.py), then
    # checked; a correction of an earlier answer keeps that answer if it is refused.
    def extract_citizen_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.read_answer("citizen_name", tracker)

    def extract_citizen_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.read_answer("citizen_phone", tracker)

    def extract_citizen_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.read_answer("citizen_email", tracker)

    def validate_citizen_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or _mentions_service(tracker):
            return {"citizen_name": None}
        reading = read_name(str(value))
        if reading.value is None:
            dispatcher.utter_message(response=REFUSALS.get(reading.refused, "utter_invalid_name"))
        return self._checked("citizen_name", reading, dispatcher, tracker)

    def validate_citizen_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"citizen_phone": None}
        reading = read_phone(str(value))
        if reading.value is None:
            dispatcher.utter_message(
                response="utter_answer_is_cpr" if reading.refused == CPR else "utter_invalid_phone"
            )
        return self._checked("citizen_phone", reading, dispatcher, tracker)

    def validate_citizen_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"citizen_email": None}
        text = str(value).strip().strip(".!").lower()
        deny = tracker.get_intent_of_latest_message() == "deny" and "@" not in text
        if text in EMAIL_SKIP or deny:
            return {"citizen_email": SKIPPED}
        reading = read_email(text)
        if reading.value is None:
            dispatcher.utter_message(response="utter_invalid_email")
        return self._checked("citizen_email", reading, dispatcher, tracker)

    def validate_consent_given(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # "nej, mit navn er …" at the consent question corrects the name; consent is asked again
        text = tracker.latest_message.get("text") or ""
        if corrected_slot(text, "consent_given") is not None:
            return {"consent_given": None}
        return {"consent_given": value}

    @staticmethod
    def _checked(
        slot: str, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if not _is_correction(tracker, slot):
            return {slot: reading.value}
        if reading.value is None:
            return {slot: previous_value(tracker, slot)}
        dispatcher.utter_message(response="utter_answer_corrected")
        return {slot: reading.value}
