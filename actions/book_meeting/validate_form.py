"""The booking form's answers, checked: service, time (or a wish), name, phone and e-mail."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import phonenumbers
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
from actions.dates import parse_preference
from actions.formatting import LOCAL, language_of, parse_iso
from actions.service_action import BookingServiceForm, asks_again_when_service_fails

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
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def service_code(value: Any) -> str | None:
    return SERVICE_ALIASES.get(str(value or "").strip().lower())


def normalise_phone(text: str) -> str | None:
    """E.164 for a valid number (Danish by default), else None."""
    try:
        number = phonenumbers.parse(text.strip(), "DK")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


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
        if code == _previous_value(tracker, "service"):
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

    def validate_citizen_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        if _mentions_service(tracker):
            return {"citizen_name": None}
        letters = sum(c.isalpha() for c in name)
        if (
            not 2 <= len(name) <= 100
            or letters < 2
            or any(c.isdigit() or c in "@/{}" for c in name)
        ):
            dispatcher.utter_message(response="utter_invalid_name")
            return {"citizen_name": None}
        return {"citizen_name": name}

    def validate_citizen_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalise_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
        return {"citizen_phone": phone}

    def validate_citizen_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip().strip(".!").lower()
        if text in EMAIL_SKIP or tracker.get_intent_of_latest_message() == "deny":
            return {"citizen_email": SKIPPED}
        if EMAIL.match(text):
            return {"citizen_email": text}
        dispatcher.utter_message(response="utter_invalid_email")
        return {"citizen_email": None}
