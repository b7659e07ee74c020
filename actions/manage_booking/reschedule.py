"""Moving the verified booking to a time the citizen chose, or offering times for their wish."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import offer_times
from actions.book_meeting.modes import mode_name
from actions.booking_api import BookingApiError
from actions.dates import parse_preference
from actions.formatting import LOCAL, format_when, language_of, parse_iso
from actions.manage_booking.answers import (
    ManageBookingAction,
    clear_manage_slots_and_service,
)
from actions.manage_booking.show import tell_how_to_meet


def choosing_a_time() -> list[EventType]:
    return [SlotSet("manage_step", "choose_new_time")]


class ActionRescheduleBooking(ManageBookingAction):
    def name(self) -> str:
        return "action_reschedule_booking"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        chosen = next(tracker.get_latest_entity_values("meeting_time"), None)
        if chosen is None:
            return self._offer_for_text(dispatcher, tracker, language)
        reference, token = tracker.get_slot("booking_reference"), tracker.get_slot("manage_token")
        # a move may also change the mode the citizen asked for (a move like any other)
        booking = self.api.reschedule_booking(
            reference, token, parse_iso(chosen).isoformat(), mode=tracker.get_slot("mode")
        )
        moved = {"reference": booking.reference, "when": format_when(booking.start, language)}
        if booking.mode == "video":
            dispatcher.utter_message(
                response="utter_booking_moved", meeting_url=booking.meeting_url, **moved
            )
        else:
            dispatcher.utter_message(
                response="utter_booking_moved_other",
                mode_name=mode_name(booking.mode, language),
                **moved,
            )
            tell_how_to_meet(dispatcher, booking, language)
        return clear_manage_slots_and_service()

    def on_conflict(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(response="utter_slot_taken")
        service, language = tracker.get_slot("service"), language_of(tracker)
        mode = tracker.get_slot("mode")
        offer_times(dispatcher, self.api, service, language, datetime.now(LOCAL), mode=mode)
        return choosing_a_time()

    def after_failure(self, error: BookingApiError, tracker: Tracker) -> list[EventType]:
        return clear_manage_slots_and_service()

    def _offer_for_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> list[EventType]:
        now = datetime.now(LOCAL)
        preference = parse_preference(tracker.latest_message.get("text") or "", now)
        if preference is None:
            dispatcher.utter_message(response="utter_time_not_understood")
        service, mode = tracker.get_slot("service"), tracker.get_slot("mode")
        offer_times(dispatcher, self.api, service, language, now, preference, mode)
        return choosing_a_time()
