"""Cancel, move or show a booking: reference + phone → SMS code → manage token → the change.

The manage token lives in a slot only until the change is done (or the citizen stops).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.book_meeting import normalise_phone, offer_times
from actions.booking_api import Booking, BookingApi, BookingApiError
from actions.dates import parse_preference
from actions.formatting import LOCAL, format_when, language_of, parse_iso, service_name, status_name

# The booking service's references: 8 characters without look-alikes (no 0/O, 1/I/L, U),
# shown as "K7M2-9QXD"; citizens type them with or without the dash, in any case.
REFERENCE = re.compile(
    r"(?<![0-9A-Z])([2-9A-HJKMNP-TV-Z]{4})[\s-]?([2-9A-HJKMNP-TV-Z]{4})(?![0-9A-Z])"
)
CODE = re.compile(r"\b(\d{6})\b")
MANAGE_SLOTS = (
    "booking_reference",
    "lookup_phone",
    "lookup_code",
    "manage_token",
    "manage_action",
    "manage_step",
    "requested_slot",
)


def clear_manage_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in MANAGE_SLOTS]


def find_reference(text: str) -> str | None:
    """The booking reference in a message ("min reference er k7m2 9qxd" → "K7M2-9QXD")."""
    found = [f"{a}-{b}" for a, b in REFERENCE.findall(text.upper())]
    with_digits = [r for r in found if any(c.isdigit() for c in r)]
    return (with_digits or found or [None])[-1]


class ValidateManageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_manage_form"

    def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = find_reference(str(value or ""))
        if reference is None:
            dispatcher.utter_message(response="utter_invalid_reference")
        return {"booking_reference": reference}

    def validate_lookup_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalise_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"lookup_phone": None}
        try:
            BookingApi.from_env().request_lookup_code(tracker.get_slot("booking_reference"), phone)
        except BookingApiError as error:
            _utter_error(dispatcher, error)
            return {"lookup_phone": None}
        return {"lookup_phone": phone}

    def validate_lookup_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        match = CODE.search(str(value or "").replace(" ", ""))
        if match is None:
            dispatcher.utter_message(response="utter_code_rejected")
            return {"lookup_code": None}
        reference = tracker.get_slot("booking_reference")
        try:
            token = BookingApi.from_env().confirm_lookup_code(reference, match.group(1))
        except BookingApiError as error:
            if error.unavailable:
                dispatcher.utter_message(response="utter_service_down")
            else:
                dispatcher.utter_message(response="utter_code_rejected")
            return {"lookup_code": None}
        # the code is spent; only the token is kept, and only until the change is done
        return {"lookup_code": "verified", "manage_token": token}


def _utter_error(dispatcher: CollectingDispatcher, error: BookingApiError) -> None:
    if error.unavailable:
        dispatcher.utter_message(response="utter_service_down")
    else:
        dispatcher.utter_message(response="utter_booking_not_changeable", reason=error.message)


def _show(dispatcher: CollectingDispatcher, booking: Booking, language: str) -> None:
    dispatcher.utter_message(
        response="utter_booking_details",
        reference=booking.reference,
        service_name=service_name(booking.service, language),
        when=format_when(booking.start, language),
        status=status_name(booking.status, language),
        meeting_url=booking.meeting_url,
    )


class ActionManageBooking(Action):
    def name(self) -> str:
        return "action_manage_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        api = BookingApi.from_env()
        reference, token = tracker.get_slot("booking_reference"), tracker.get_slot("manage_token")
        try:
            booking = api.get_booking(reference, token)
        except BookingApiError as error:
            _utter_error(dispatcher, error)
            return clear_manage_slots()
        _show(dispatcher, booking, language)
        action = tracker.get_slot("manage_action") or "show"
        if action == "show" or booking.status != "confirmed":
            return clear_manage_slots()
        if action == "cancel":
            dispatcher.utter_message(response="utter_confirm_cancel")
            return [SlotSet("manage_step", "confirm_cancel")]
        dispatcher.utter_message(response="utter_offer_new_times")
        try:
            offer_times(dispatcher, api, booking.service, language, datetime.now(LOCAL))
        except BookingApiError as error:
            _utter_error(dispatcher, error)
            return clear_manage_slots()
        return [SlotSet("manage_step", "choose_new_time"), SlotSet("service", booking.service)]


class ActionCancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = tracker.get_slot("booking_reference")
        try:
            BookingApi.from_env().cancel_booking(reference, tracker.get_slot("manage_token"))
        except BookingApiError as error:
            _utter_error(dispatcher, error)
        else:
            dispatcher.utter_message(response="utter_booking_cancelled", reference=reference)
        return clear_manage_slots()


class ActionKeepBooking(Action):
    def name(self) -> str:
        return "action_keep_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_kept")
        return clear_manage_slots()


class ActionRescheduleBooking(Action):
    def name(self) -> str:
        return "action_reschedule_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        api = BookingApi.from_env()
        reference, token = tracker.get_slot("booking_reference"), tracker.get_slot("manage_token")
        service = tracker.get_slot("service")
        chosen = next(tracker.get_latest_entity_values("meeting_time"), None)
        try:
            if chosen is None:
                return self._offer_for_text(dispatcher, tracker, api, service, language)
            booking = api.reschedule_booking(reference, token, parse_iso(chosen).isoformat())
        except BookingApiError as error:
            if error.conflict:
                dispatcher.utter_message(response="utter_slot_taken")
                offer_times(dispatcher, api, service, language, datetime.now(LOCAL))
                return [SlotSet("manage_step", "choose_new_time")]
            _utter_error(dispatcher, error)
            return [*clear_manage_slots(), SlotSet("service", None)]
        dispatcher.utter_message(
            response="utter_booking_moved",
            reference=booking.reference,
            when=format_when(booking.start, language),
            meeting_url=booking.meeting_url,
        )
        return [*clear_manage_slots(), SlotSet("service", None)]

    def _offer_for_text(self, dispatcher, tracker, api, service, language) -> list[EventType]:
        now = datetime.now(LOCAL)
        preference = parse_preference(tracker.latest_message.get("text") or "", now)
        if preference is None:
            dispatcher.utter_message(response="utter_time_not_understood")
        offer_times(dispatcher, api, service, language, now, preference)
        return [SlotSet("manage_step", "choose_new_time")]


class ActionStopManage(Action):
    def name(self) -> str:
        return "action_stop_manage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_manage_stopped")
        return [*clear_manage_slots(), SlotSet("service", None)]
