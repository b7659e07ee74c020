"""The base of every action that calls the booking service (financial-demo's custom_forms.py).

An action gets its `BookingApi` in the constructor. Rasa's action server instantiates actions
without arguments, so the default is the client built from the environment, once per action
instance; tests pass a fake. The service's errors are answered here, once: it did not answer
-> `utter_service_down`; it refused -> the step's own refusal (with the service's reason) and
the step's own clean-up; a 409 can get a step's own answer (the time was taken meanwhile).
Each action keeps only its own step.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_api import BookingApi, BookingApiError
from actions.citizen_answers import without_introduction
from actions.form_reading import button_slots, corrected_slot, reads_as_answer
from actions.formatting import language_of

SERVICE_DOWN = "utter_service_down"


def tell_failure(
    dispatcher: CollectingDispatcher,
    error: BookingApiError,
    refused: str | None = None,
    *,
    with_reason: bool = True,
) -> None:
    """Tell the citizen why the booking service could not help.

    Down, or a refusal the step has no answer of its own for: `utter_service_down`. A refusal:
    `refused`, given the service's own reason (in the conversation's language, which the
    action sends as Accept-Language) unless `with_reason` is False.
    """
    if error.unavailable or refused is None:
        dispatcher.utter_message(response=SERVICE_DOWN)
    elif with_reason:
        dispatcher.utter_message(response=refused, reason=error.message)
    else:
        dispatcher.utter_message(response=refused)


class UsesBookingService:
    """The booking service's client: the one given, else one built from the environment."""

    def __init__(self, api: BookingApi | None = None) -> None:
        self.api = api if api is not None else BookingApi.from_env()


class BookingServiceAction(UsesBookingService, Action, ABC):
    """An action whose step calls the booking service; a failed call is answered in `run`."""

    # The answer when the service refuses (a 4xx); None answers as if it were down.
    refused_response: str | None = None

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class itself."""

    @abstractmethod
    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The action's own work, when every call to the booking service succeeds."""

    def on_conflict(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType] | None:
        """The step's own answer to a 409; None treats it as any other refusal."""
        return None

    def after_failure(self, error: BookingApiError, tracker: Tracker) -> list[EventType]:
        """The events after a failed call was answered (e.g. forget what the flow collected)."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        self.api.language = language_of(tracker)
        try:
            return self.step(dispatcher, tracker)
        except BookingApiError as error:
            if error.conflict:
                events = self.on_conflict(dispatcher, tracker)
                if events is not None:
                    return events
            tell_failure(dispatcher, error, self.refused_response)
            return self.after_failure(error, tracker)


class BookingServiceForm(UsesBookingService, FormValidationAction, ABC):
    """A form's validation whose `validate_<slot>` methods call the booking service.

    Decorate those methods with `asks_again_when_service_fails`. Every form also gets, once,
    here: a button of an earlier step is answered as stale and changes nothing (`run`), and
    `read_answer` for slots the citizen answers in their own words (custom slot mappings read
    by `extract_<slot>`, see actions/form_reading.py).
    """

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class itself."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        undo = stale_button_events(tracker)
        if undo is not None:
            dispatcher.utter_message(response="utter_stale_button")
            return undo
        return await super().run(dispatcher, tracker, domain)

    def read_answer(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """{slot: the answer without its introduction} when the latest message answers `slot`
        (asked, or corrected by an explicit "mit navn er …" once answered), else {} (the form
        rejects, a rule answers). Checked by the form's `validate_<slot>`."""
        text = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent") or {}
        requested = tracker.get_slot("requested_slot")
        if requested == slot:
            reading = reads_as_answer(slot, text, intent.get("name"), intent.get("confidence", 1))
            return {slot: without_introduction(text, slot)} if reading else {}
        if corrected_slot(text, requested) == slot and tracker.get_slot(slot) is not None:
            return {slot: without_introduction(text, slot)}
        return {}


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def stale_button_events(tracker: Tracker) -> list[EventType] | None:
    """For a button payload of another step than the one asked now: the events that undo what
    it set (the slots back to their values before it). None for anything else."""
    text = tracker.latest_message.get("text") or ""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    entities = [e["entity"] for e in tracker.latest_message.get("entities", [])]
    slots = button_slots(text, intent, entities)
    requested = tracker.get_slot("requested_slot")
    if slots is None or requested is None or requested in slots:
        return None
    undo = [SlotSet(slot, previous_value(tracker, slot)) for slot in entities]
    # at least one slot event, so that the form does not reject and ask again
    return undo or [SlotSet(requested, tracker.get_slot(requested))]


Validator = Callable[..., dict[str, Any]]


def asks_again_when_service_fails(
    refused: str | None = None, *, with_reason: bool = True
) -> Callable[[Validator], Validator]:
    """For `validate_<slot>`: if the service fails, tell the citizen and ask for the slot again."""

    def decorate(validate: Validator) -> Validator:
        slot = validate.__name__.removeprefix("validate_")

        @functools.wraps(validate)
        def checked(
            form: BookingServiceForm,
            value: Any,
            dispatcher: CollectingDispatcher,
            tracker: Tracker,
            domain: DomainDict,
        ) -> dict[str, Any]:
            form.api.language = language_of(tracker)
            try:
                return validate(form, value, dispatcher, tracker, domain)
            except BookingApiError as error:
                tell_failure(dispatcher, error, refused, with_reason=with_reason)
                return {slot: None}

        return checked

    return decorate
