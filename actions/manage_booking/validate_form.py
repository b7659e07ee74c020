"""The manage form's answers: the booking reference, the phone that gets a code, and the code.

A matching code gives a manage token; the code itself is never kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.citizen_answers import CPR, read_phone
from actions.service_action import BookingServiceForm, asks_again_when_service_fails

# The booking service's references: 8 characters without look-alikes (no 0/O, 1/I/L, U),
# shown as "K7M2-9QXD"; citizens type them with or without the dash, in any case.
REFERENCE = re.compile(
    r"(?<![0-9A-Z])([2-9A-HJKMNP-TV-Z]{4})[\s-]?([2-9A-HJKMNP-TV-Z]{4})(?![0-9A-Z])"
)
CODE = re.compile(r"\b(\d{6})\b")
# Intents that, in a message not shaped like the answer, are something else than the answer.
NOT_A_REFERENCE = frozenset(
    {"deny", "human_handoff", "faq", "bot_challenge", "keep_transcript", "drop_transcript"}
)
NOT_AN_ANSWER = NOT_A_REFERENCE | {"goodbye", "book_meeting"}


def answer_at_question(
    tracker: Tracker, slot: str, shaped: Callable[[str], bool], others: frozenset[str]
) -> dict[str, Any]:
    """{slot: text} when the latest message, at `slot`'s question, answers it (the comment in
    `ValidateManageForm` says when)."""
    text = (tracker.latest_message.get("text") or "").strip()
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if tracker.get_slot("requested_slot") != slot or not text or text.startswith("/"):
        return {}
    if not shaped(text) and intent in others:
        return {}
    return {slot: text}


def find_reference(text: str) -> str | None:
    """The booking reference in a message ("min reference er k7m2 9qxd" → "K7M2-9QXD")."""
    found = [f"{a}-{b}" for a, b in REFERENCE.findall(text.upper())]
    with_digits = [r for r in found if any(c.isdigit() for c in r)]
    return (with_digits or found or [None])[-1]


class ValidateManageForm(BookingServiceForm):
    def name(self) -> str:
        return "validate_manage_form"

    # The form's answers are read at their own question (custom slot mappings): a message
    # shaped like the answer (a reference, digits) answers it whatever intent NLU guessed, since
    # a reference is random letters and digits and "den er TPFB-2W75" has read as bot_challenge.
    # Other text answers it unless it is a button or an intent that is something else (then the
    # rules answer and the form asks again); the validators say what is wrong with an answer.
    def extract_booking_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return answer_at_question(
            tracker, "booking_reference", lambda t: find_reference(t) is not None, NOT_A_REFERENCE
        )

    def extract_lookup_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return answer_at_question(
            tracker, "lookup_phone", lambda t: any(c.isdigit() for c in t), NOT_AN_ANSWER
        )

    def extract_lookup_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return answer_at_question(
            tracker, "lookup_code", lambda t: CODE.search(t.replace(" ", "")) is not None,
            NOT_AN_ANSWER,
        )  # fmt: skip

    def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = find_reference(str(value or ""))
        if reference is None:
            dispatcher.utter_message(response="utter_invalid_reference")
        return {"booking_reference": reference}

    @asks_again_when_service_fails("utter_booking_not_changeable")
    def validate_lookup_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reading = read_phone(str(value or ""))
        phone = reading.value
        if phone is None:
            refused = reading.refused == CPR
            dispatcher.utter_message(
                response="utter_answer_is_cpr" if refused else "utter_invalid_phone"
            )
            return {"lookup_phone": None}
        self.api.request_lookup_code(tracker.get_slot("booking_reference"), phone)
        return {"lookup_phone": phone}

    # the service refuses a wrong, expired or used-up code: that is the citizen's answer
    @asks_again_when_service_fails("utter_code_rejected", with_reason=False)
    def validate_lookup_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        match = CODE.search(str(value or "").replace(" ", ""))
        if match is None:
            dispatcher.utter_message(response="utter_code_rejected")
            return {"lookup_code": None}
        token = self.api.confirm_lookup_code(tracker.get_slot("booking_reference"), match.group(1))
        # the code is spent; only the token is kept, and only until the change is done
        return {"lookup_code": "verified", "manage_token": token}
