"""The manage form's answers: the booking reference, the phone that gets a code, and the code.

A matching code gives a manage token; the code itself is never kept.
"""

from __future__ import annotations

import re
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
# Intents that, in a message without a reference, are something else than the answer.
NOT_A_REFERENCE = frozenset(
    {"deny", "human_handoff", "faq", "bot_challenge", "keep_transcript", "drop_transcript"}
)


def find_reference(text: str) -> str | None:
    """The booking reference in a message ("min reference er k7m2 9qxd" → "K7M2-9QXD")."""
    found = [f"{a}-{b}" for a, b in REFERENCE.findall(text.upper())]
    with_digits = [r for r in found if any(c.isdigit() for c in r)]
    return (with_digits or found or [None])[-1]


class ValidateManageForm(BookingServiceForm):
    def name(self) -> str:
        return "validate_manage_form"

    def extract_booking_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """At its question, a message holding a reference answers it whatever the intent: a
        reference is random letters and digits, and NLU's guess for "den er TPFB-2W75" has
        been bot_challenge. Other text answers it unless it is a button or reads as a
        question, a stop or a request for a person (then the rules answer and the form asks
        again); the validator says when it holds no reference."""
        text = (tracker.latest_message.get("text") or "").strip()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("requested_slot") != "booking_reference" or not text:
            return {}
        if text.startswith("/"):
            return {}
        if find_reference(text) is None and intent in NOT_A_REFERENCE:
            return {}
        return {"booking_reference": text}

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
