"""Booking the meeting once the form is complete, and what happens when the time was taken."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting.answers import SKIPPED, clear_booking_slots
from actions.booking_api import Booking, BookingApi, BookingApiError
from actions.formatting import display_phone, format_when, language_of
from actions.service_action import BookingServiceAction

# The booking's channel, by the Rasa channel the conversation came in on.
CHANNELS = {"twilio_verified": "sms", "twilio_voice_verified": "phone"}


class ActionSubmitBooking(BookingServiceAction):
    refused_response = "utter_booking_failed"

    def name(self) -> str:
        return "action_submit_booking"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        if not tracker.get_slot("consent_given"):
            dispatcher.utter_message(response="utter_consent_refused")
            return clear_booking_slots()
        key = tracker.get_slot("idempotency_key") or str(uuid.uuid4())
        # kept in this run's tracker, so that after_failure hands the same key to the retry
        tracker.add_slots([SlotSet("idempotency_key", key)])
        booking = create_with_retry(self.api, booking_body(tracker, language), key)
        confirm_booking(dispatcher, booking, language, phone=tracker.get_slot("citizen_phone"))
        return [*clear_booking_slots(), SlotSet("booking_reference", booking.reference)]

    def on_conflict(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(response="utter_slot_taken")
        # a new attempt: a new key, the same answers, only the time is asked again
        return [
            SlotSet("meeting_time", None),
            SlotSet("idempotency_key", None),
            SlotSet("meeting_preference", None),
            SlotSet("booking_step", "slot_taken"),
        ]

    def after_failure(self, error: BookingApiError, tracker: Tracker) -> list[EventType]:
        if error.unavailable:
            # the key is kept, so the citizen's retry cannot book twice
            key = tracker.get_slot("idempotency_key")
            return [SlotSet("idempotency_key", key), SlotSet("booking_step", None)]
        return clear_booking_slots()


def create_with_retry(api: BookingApi, body: dict[str, Any], key: str) -> Booking:
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
    # given in this conversation (actions/transcript.py): recorded with the booking's consents
    if tracker.get_slot("chat_transcript") and "chat_transcript" in versions:
        consents.append({"purpose": "chat_transcript", "text_version": versions["chat_transcript"]})
    citizen = {"name": tracker.get_slot("citizen_name"), "phone": tracker.get_slot("citizen_phone")}
    email = tracker.get_slot("citizen_email")
    if email and email != SKIPPED:
        citizen["email"] = email
    channel = CHANNELS.get(tracker.get_latest_input_channel() or "", "chat")
    body = {
        "service": tracker.get_slot("service"),
        "start": tracker.get_slot("meeting_time"),
        "citizen": citizen,
        "language": language,
        "channel": channel,
        "consents": consents,
        # erasure and retention of the booking reach this conversation too
        "conversation_id": tracker.sender_id,
    }
    if tracker.get_slot("mode"):
        body["mode"] = tracker.get_slot("mode")
    return body


def confirm_booking(
    dispatcher: CollectingDispatcher, booking: Booking, language: str, *, phone: str | None
) -> None:
    """The confirmation in the chat says how to join, who calls, or where to go."""
    common = {
        "when": format_when(booking.start, language),
        "reference": booking.reference,
        "ics_url": booking.ics_url,
    }
    if booking.mode == "phone":
        dispatcher.utter_message(
            response="utter_booking_confirmed_phone", phone=display_phone(phone), **common
        )
    elif booking.mode == "in_person":
        address = (booking.address or {}).get(language) or (booking.address or {}).get("da", "")
        dispatcher.utter_message(
            response="utter_booking_confirmed_in_person", address=address, **common
        )
    else:
        dispatcher.utter_message(
            response="utter_booking_confirmed", meeting_url=booking.meeting_url, **common
        )
