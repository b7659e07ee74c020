"""Is a message at a form question the answer, or something else? (issue 10)

While a form asks for the citizen's name, phone or e-mail, whatever the citizen writes is read
as that answer, because names look like words ("Ja Skov" reads as yes, "Mette Frederiksen" as a
question) and intents are guesses. Only what is clearly something else is not: a button of
another step, a request to stop, to talk to a person or to change language, or a question.
Those are left to the rules (the form rejects, the rule answers, the form asks again).
Pure functions over the text, the intent and its confidence; no Rasa types.
"""

from __future__ import annotations

import re

from actions.citizen_answers import (
    correction,
    read_name,
    reads_as_sentence,
    split_introduction,
    word_set,
)

# Intents that, in a sentence, are something else than an answer.
OTHER_INTENTS = frozenset(
    {
        "deny",
        "goodbye",
        "human_handoff",
        "choose_language",
        "faq",
        "out_of_scope",
        "bot_challenge",
        "book_meeting",
        "cancel_booking",
        "reschedule_booking",
        "my_bookings",
        "erase_my_data",
        "keep_transcript",
        "drop_transcript",
    }
)
STOP_INTENTS = frozenset({"deny", "goodbye"})
# "nej", "stop", "nej tak, jeg vil ikke alligevel", "bye": every word a word of stopping.
STOP_WORDS = word_set(
    """nej tak stop stands afbryd annuller glem det farvel hej vi ses jeg vil ikke alligevel
    mere lad være no thanks thank you cancel quit goodbye bye never mind forget it i don't
    dont want to anymore not now please"""
)
# Above this confidence an other intent wins over a text that is not clearly a name.
CONFIDENT = 0.8
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def is_stop(text: str) -> bool:
    found = _WORDS.findall(text.lower())
    return bool(found) and all(w in STOP_WORDS for w in found)


def reads_as_answer(slot: str, text: str, intent: str | None, confidence: float = 1.0) -> bool:
    """True when `text`, written at the question for `slot`, is that slot's answer."""
    text = text.strip()
    if not text or is_button_payload(text):
        return False
    corrected = correction(text)
    if corrected is not None:
        return corrected == slot
    if split_introduction(text, slot)[0]:
        return True
    if intent in STOP_INTENTS:
        # "nej tak" at the e-mail question is the answer: no e-mail
        return (slot == "citizen_email" and intent == "deny") or not is_stop(text)
    if intent not in OTHER_INTENTS:
        return True
    if text.endswith("?") or reads_as_sentence(text):
        return False
    # not a question in words: a name is a name, and digits or an address are an attempt at
    # the answer (refused with the reason if it is a CPR number), whatever the intent
    if slot == "citizen_name" and read_name(text).value is not None:
        return True
    if any(c.isdigit() or c == "@" for c in text):
        return True
    return confidence < CONFIDENT


def corrected_slot(text: str, requested: str | None) -> str | None:
    """The slot an explicit introduction corrects at another question ("nej, mit navn er …"
    while the phone is asked), else None."""
    slot = correction(text.strip())
    return slot if slot is not None and slot != requested else None


# Slots a button sets through its intent alone (the consent buttons: /affirm, /deny).
INTENT_BUTTONS = {"affirm": "consent_given", "deny": "consent_given"}
# Buttons that start a flow are never stale.
FLOW_INTENTS = frozenset(
    {"book_meeting", "cancel_booking", "reschedule_booking", "my_bookings", "erase_my_data"}
)


# The widget's own controls send these payloads at any step (the transcript switch, the
# language button, "talk to a person"): they belong to no step, so they are never stale.
CONTROL_INTENTS = frozenset(
    {"keep_transcript", "drop_transcript", "choose_language", "human_handoff"}
)


def button_slots(text: str, intent: str | None, entities: list[str]) -> set[str] | None:
    """The slots a button payload answers ("/inform{\"service\": …}" → {"service"}); None for
    a typed message, a button that starts a flow, or a control of the widget."""
    if not is_button_payload(text.strip()) or intent in FLOW_INTENTS | CONTROL_INTENTS:
        return None
    slots = set(entities)
    if intent in INTENT_BUTTONS:
        slots.add(INTENT_BUTTONS[intent])
    return slots
