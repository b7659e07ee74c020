"""What the manage form collected (the token among it), forgetting it, and the base of its steps."""

from __future__ import annotations

from abc import ABC

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_api import BookingApiError
from actions.service_action import BookingServiceAction

MANAGE_SLOTS = (
    "booking_reference",
    "lookup_phone",
    "lookup_code",
    "manage_token",
    "manage_action",
    "manage_step",
    "mode",
    "requested_slot",
)


def clear_manage_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in MANAGE_SLOTS]


def clear_manage_slots_and_service() -> list[EventType]:
    """The flow is over: also the service that new times were offered for is forgotten."""
    return [*clear_manage_slots(), SlotSet("service", None)]


class ManageBookingAction(BookingServiceAction, ABC):
    """A step on a verified booking: a refusal names the reason, and the token is forgotten."""

    refused_response = "utter_booking_not_changeable"

    def after_failure(self, error: BookingApiError, tracker: Tracker) -> list[EventType]:
        return clear_manage_slots()


class ActionStopManage(Action):
    def name(self) -> str:
        return "action_stop_manage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_manage_stopped")
        return clear_manage_slots_and_service()
