"""Booking a video meeting: the booking_form's questions, validation and the booking itself."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_api import BookingApi, BookingApiError, Slot
from actions.dates import TimePreference, parse_preference
from actions.formatting import LOCAL, format_when, language_of, parse_iso, service_name

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
SKIPPED = "-"  # citizen_email when the citizen chose not to give one
MAX_BUTTONS = 6
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
    "requested_slot",
    "booking_step",
)


def clear_booking_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in PERSONAL_SLOTS]


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


def offer_times(
    dispatcher: CollectingDispatcher,
    api: BookingApi,
    service: str,
    language: str,
    now: datetime,
    preference: TimePreference | None = None,
) -> bool:
    """Show free slots as buttons, narrowed by the preference. False when none exist."""
    today = now.astimezone(LOCAL).date()
    nearest = api.slots(service, today, today + timedelta(days=14)) or api.slots(
        service, today, today + timedelta(days=60)
    )
    slots = nearest
    if preference is not None:
        wanted = api.slots(service, preference.first_day, preference.last_day)
        wanted = [s for s in wanted if preference.matches(parse_iso(s.start))]
        if preference.at is not None:
            wanted.sort(key=lambda s: _minutes_from(s, preference))
        if wanted:
            dispatcher.utter_message(response="utter_offer_times_for_preference")
            slots = wanted
        elif nearest:
            dispatcher.utter_message(response="utter_no_times_for_preference")
    if not slots:
        return False
    if slots is nearest:
        dispatcher.utter_message(
            response="utter_offer_times", service_name=service_name(service, language)
        )
    dispatcher.utter_message(buttons=time_buttons(slots[:MAX_BUTTONS], language))
    return True


def _minutes_from(slot: Slot, preference: TimePreference) -> float:
    local = parse_iso(slot.start).astimezone(LOCAL)
    wanted = local.replace(hour=preference.at.hour, minute=preference.at.minute)  # type: ignore[union-attr]
    return abs((local - wanted).total_seconds())


def time_buttons(slots: list[Slot], language: str) -> list[dict[str, str]]:
    return [
        {
            "title": format_when(s.start, language),
            "payload": "/inform" + json.dumps({"meeting_time": s.start}, separators=(",", ":")),
        }
        for s in slots
    ]


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


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = service_code(value)
        if code is None:
            dispatcher.utter_message(response="utter_unknown_service")
            return {"service": None}
        if code == _previous_value(tracker, "service"):
            return {"service": code}
        # a new or changed service: times offered for the old one no longer apply
        return {"service": code, "meeting_time": None, "meeting_preference": None}

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


class ActionAskService(Action):
    def name(self) -> str:
        return "action_ask_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_service")
        return []


class ActionAskMeetingTime(Action):
    def name(self) -> str:
        return "action_ask_meeting_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        service = tracker.get_slot("service")
        raw = tracker.get_slot("meeting_preference")
        preference = TimePreference.from_dict(raw) if raw else None
        try:
            offered = offer_times(
                dispatcher,
                BookingApi.from_env(),
                service,
                language,
                datetime.now(LOCAL),
                preference,
            )
        except BookingApiError:
            dispatcher.utter_message(response="utter_service_down")
            return []
        if not offered:
            dispatcher.utter_message(
                response="utter_no_times", service_name=service_name(service, language)
            )
        return []


class ActionAskConsentGiven(Action):
    def name(self) -> str:
        return "action_ask_consent_given"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        try:
            texts = BookingApi.from_env().consent_texts(language)
        except BookingApiError:
            dispatcher.utter_message(response="utter_service_down")
            return []
        versions = {t["purpose"]: t["version"] for t in texts}
        booking_text = next((t["text"] for t in texts if t["purpose"] == "booking"), None)
        if booking_text is None:
            dispatcher.utter_message(response="utter_service_down")
            return []
        dispatcher.utter_message(response="utter_consent_text", consent_text=booking_text)
        return [SlotSet("consent_version", versions)]


class ActionSubmitBooking(Action):
    def name(self) -> str:
        return "action_submit_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        if not tracker.get_slot("consent_given"):
            dispatcher.utter_message(response="utter_consent_refused")
            return clear_booking_slots()
        key = tracker.get_slot("idempotency_key") or str(uuid.uuid4())
        body = booking_body(tracker, language)
        api = BookingApi.from_env()
        try:
            booking = _create_with_retry(api, body, key)
        except BookingApiError as error:
            if error.conflict:
                dispatcher.utter_message(response="utter_slot_taken")
                # a new attempt: a new key, the same answers, only the time is asked again
                return [
                    SlotSet("meeting_time", None),
                    SlotSet("idempotency_key", None),
                    SlotSet("meeting_preference", None),
                    SlotSet("booking_step", "slot_taken"),
                ]
            if error.unavailable:
                dispatcher.utter_message(response="utter_service_down")
                return [SlotSet("idempotency_key", key), SlotSet("booking_step", None)]
            dispatcher.utter_message(response="utter_booking_failed", reason=error.message)
            return clear_booking_slots()
        dispatcher.utter_message(
            response="utter_booking_confirmed",
            when=format_when(booking.start, language),
            reference=booking.reference,
            meeting_url=booking.meeting_url,
            ics_url=booking.ics_url,
        )
        return [*clear_booking_slots(), SlotSet("booking_reference", booking.reference)]


def _create_with_retry(api: BookingApi, body: dict[str, Any], key: str):
    """One retry with the same Idempotency-Key when the service did not answer."""
    try:
        return api.create_booking(body, key)
    except BookingApiError as error:
        if error.status != 0:
            raise
        return api.create_booking(body, key)


def booking_body(tracker: Tracker, language: str) -> dict[str, Any]:
    versions = tracker.get_slot("consent_version") or {}
    consents = [{"purpose": "booking", "text_version": versions.get("booking", 1)}]
    if tracker.get_slot("sms_reminders") and "sms_reminders" in versions:
        consents.append({"purpose": "sms_reminders", "text_version": versions["sms_reminders"]})
    citizen = {"name": tracker.get_slot("citizen_name"), "phone": tracker.get_slot("citizen_phone")}
    email = tracker.get_slot("citizen_email")
    if email and email != SKIPPED:
        citizen["email"] = email
    channel = "sms" if tracker.get_latest_input_channel() == "twilio_verified" else "chat"
    return {
        "service": tracker.get_slot("service"),
        "start": tracker.get_slot("meeting_time"),
        "citizen": citizen,
        "language": language,
        "channel": channel,
        "consents": consents,
    }


class ActionStopBooking(Action):
    def name(self) -> str:
        return "action_stop_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_stopped")
        return clear_booking_slots()
