"""The booking form takes what the citizen gives (issue 10): every case of
tests/support/citizen_answer_cases.py through the form's validation action as Rasa runs it
(extract_<slot>, then validate_<slot>), whatever the intent; corrections, stale buttons, the
question asked again in other words, and the language kept through names."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.book_meeting import (
    ActionAskCitizenEmail,
    ActionAskCitizenName,
    ActionAskCitizenPhone,
    ActionOutsideFlow,
    ValidateBookingForm,
)
from actions.language import ActionDetectLanguage
from actions.manage_booking import ValidateManageForm
from tests.actions.support import make_tracker, responses, run, slot_events
from tests.support.citizen_answer_cases import EMAIL_CASES, NAME_CASES, PHONE_CASES, Refused

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text("utf-8"))
REFUSAL_RESPONSES = {
    "cpr": "utter_answer_is_cpr",
    "digits": "utter_name_has_digits",
    "email": "utter_name_has_email",
    "phone": "utter_name_has_phone",
    "not_a_name": "utter_invalid_name",
    "invalid": None,  # the slot's own "invalid" response
}
FILLED = {"service": "jobcenter", "mode": "video", "meeting_time": "2030-01-07T10:00:00+01:00"}


def at_question(
    slot: str, text: str, intent: str = "inform", confidence: float = 1.0, **slots: Any
) -> Any:
    tracker = make_tracker(
        {**FILLED, "requested_slot": slot, **slots}, text=text, intent=intent,
        active_loop="booking_form",
    )  # fmt: skip
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


def validate(tracker: Any) -> tuple[list[str], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateBookingForm().run(dispatcher, tracker, DOMAIN))
    return responses(dispatcher.messages), slot_events(events)


def _expect(slot: str, text: str, expected: Any, intent: str) -> None:
    said, slots = validate(at_question(slot, text, intent))
    if isinstance(expected, Refused):
        assert slots == {slot: None}, (text, slots)
        wanted = REFUSAL_RESPONSES[expected.reason]
        assert len(said) == 1 and (wanted is None or said == [wanted]), (text, said)
    else:
        assert (said, slots) == ([], {slot: expected}), text


# Whatever the model guesses for a name; a sentence that is no name ("jeg ved ikke") read as a
# question is answered as one, so it is checked with the other intents only.
NAME_CASES_WITH_INTENTS = [
    (text, expected, intent)
    for text, expected in NAME_CASES
    for intent in ("inform", "affirm", "faq", "deny", "nlu_fallback")
    if not (expected == Refused("not_a_name") and intent == "faq")
]


@pytest.mark.parametrize(("text", "expected", "intent"), NAME_CASES_WITH_INTENTS)
def test_every_name_case_is_stored_as_written_or_refused_with_its_reason(text, expected, intent):
    _expect("citizen_name", text, expected, intent)


@pytest.mark.parametrize(("text", "expected"), PHONE_CASES)
def test_every_phone_case_is_stored_in_e164_or_refused_with_its_reason(text, expected):
    _expect("citizen_phone", text, expected, "inform")


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_every_email_case_is_stored_or_refused(text, expected):
    _expect("citizen_email", text, expected, "inform")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("nej", "deny"),
        ("Hvordan foregår et videomøde?", "faq"),
        ("hvad koster det", "faq"),
        ("jeg vil gerne tale med et menneske", "human_handoff"),
        ("english please", "choose_language"),
        ("hvad er meningen med livet", "out_of_scope"),
    ],
)
def test_something_else_at_the_name_question_is_left_to_the_rules(text, intent):
    # nothing extracted: Rasa's form rejects, and the rule for the intent answers
    assert validate(at_question("citizen_name", text, intent, 0.95)) == ([], {})


def test_nej_mit_navn_er_at_the_phone_question_corrects_the_name():
    tracker = at_question(
        "citizen_phone", "nej, mit navn er Per Hansen", "deny", citizen_name="Pre Hansen"
    )
    assert validate(tracker) == (["utter_answer_corrected"], {"citizen_name": "Per Hansen"})


def test_a_correction_with_a_cpr_number_keeps_the_name_given_before():
    tracker = at_question(
        "citizen_email",
        "mit navn er Per 010190-1234",
        "inform",
        citizen_name="Per Hansen",
    )
    tracker.events.insert(0, {"event": "slot", "name": "citizen_name", "value": "Per Hansen"})
    said, slots = validate(tracker)
    assert said == ["utter_answer_is_cpr"] and slots == {"citizen_name": "Per Hansen"}


def test_no_my_name_is_at_the_consent_question_corrects_the_name_and_asks_consent_again():
    tracker = make_tracker(
        {**FILLED, "requested_slot": "consent_given", "citizen_name": "Kris Park"},
        text="no, my name is Chris Park",
        intent="deny",
        active_loop="booking_form",
        # consent_given false from the deny, as Rasa's slot mapping sets it before validation
        events=[],
    )
    tracker.add_slots([{"event": "slot", "name": "consent_given", "value": False}])
    said, slots = validate(tracker)
    assert slots["citizen_name"] == "Chris Park" and slots["consent_given"] is None
    assert said == ["utter_answer_corrected"]


def test_nej_tak_at_the_email_question_skips_the_email():
    assert validate(at_question("citizen_email", "nej tak", "deny")) == ([], {"citizen_email": "-"})


def test_a_service_button_of_an_earlier_step_is_stale_and_the_service_stays():
    tracker = make_tracker(
        {**FILLED, "service": "fysioterapi", "requested_slot": "citizen_name"},
        text='/inform{"service":"fysioterapi"}',
        entities=[{"entity": "service", "value": "fysioterapi"}],
        events=[{"event": "slot", "name": "service", "value": "jobcenter"}],
        active_loop="booking_form",
    )
    said, slots = validate(tracker)
    assert said == ["utter_stale_button"] and slots == {"service": "jobcenter"}


def test_a_consent_button_clicked_at_the_name_question_is_stale():
    tracker = at_question("citizen_name", "/affirm", "affirm")
    said, slots = validate(tracker)
    assert said == ["utter_stale_button"] and slots == {"citizen_name": None}


@pytest.mark.parametrize(
    ("payload", "intent", "entities"),
    [
        ("/keep_transcript", "keep_transcript", []),
        ("/drop_transcript", "drop_transcript", []),
        ('/choose_language{"language":"en"}', "choose_language", ["language"]),
        ("/human_handoff", "human_handoff", []),
    ],
)
def test_the_widgets_own_controls_are_never_stale_at_a_question(
    payload: str, intent: str, entities: list[str]
) -> None:
    """The transcript switch, the language button and "talk to a person" belong to no step: the
    widget sends them at any question, and the rules answer them (the form then resumes)."""
    tracker = make_tracker(
        {"service": "jobcenter", "mode": "video", "requested_slot": "meeting_time"},
        text=payload,
        intent=intent,
        entities=[{"entity": e, "value": "en"} for e in entities],
        active_loop="booking_form",
    )
    assert "utter_stale_button" not in validate(tracker)[0]


def test_the_button_of_the_question_asked_now_is_not_stale():
    start = "2030-01-08T10:00:00+01:00"
    tracker = make_tracker(
        {"service": "jobcenter", "mode": "video", "requested_slot": "meeting_time"},
        text=f'/inform{{"meeting_time":"{start}"}}',
        entities=[{"entity": "meeting_time", "value": start}],
        active_loop="booking_form",
    )
    assert "utter_stale_button" not in validate(tracker)[0]


def test_a_time_button_after_the_booking_is_answered_as_stale_and_undone():
    start = "2030-01-08T10:00:00+01:00"
    tracker = make_tracker(
        {"meeting_time": start},
        text=f'/inform{{"meeting_time":"{start}"}}',
        entities=[{"entity": "meeting_time", "value": start}],
        events=[{"event": "slot", "name": "meeting_time", "value": None}],
    )
    messages, events = run(ActionOutsideFlow(), tracker)
    assert responses(messages) == ["utter_stale_button_idle"]
    assert slot_events(events) == {"meeting_time": None}


def test_a_typed_yes_outside_a_flow_gets_an_offer_of_help():
    messages, events = run(ActionOutsideFlow(), make_tracker(text="ja", intent="affirm"))
    assert responses(messages) == ["utter_anything_else"] and events == []


@pytest.mark.parametrize(
    "action", [ActionAskCitizenName(), ActionAskCitizenPhone(), ActionAskCitizenEmail()]
)
def test_a_question_asked_again_uses_other_words(action):
    first, _ = run(action, make_tracker({"requested_slot": "meeting_time"}))
    again, _ = run(action, make_tracker({"requested_slot": action.slot}))
    assert responses(first) == [f"utter_ask_{action.slot}"]
    assert responses(again) == [f"utter_ask_{action.slot}_again"]
    assert set(responses(first) + responses(again)) <= set(DOMAIN["responses"])


@pytest.mark.parametrize(
    "text",
    ["Søren Østergård", "Åse Ærø-Hansen", "my name is Søren Østergård", "søren@østergård.dk"],
)
def test_an_english_chat_stays_english_through_a_name_with_aeoeaa(text):
    tracker = make_tracker({"language": "en", "requested_slot": "citizen_name"}, text=text)
    _, events = run(ActionDetectLanguage(), tracker)
    assert slot_events(events)["language"] == "en"


@pytest.mark.parametrize("text", ["Ole Olsen", "20 30 40 50", "ok", "ole@skov.dk", "/affirm"])
def test_names_numbers_ok_and_payloads_never_switch_a_danish_chat(text):
    tracker = make_tracker({"language": "da", "requested_slot": "citizen_name"}, text=text)
    _, events = run(ActionDetectLanguage(), tracker)
    assert slot_events(events)["language"] == "da"


def test_a_danish_sentence_at_the_name_question_still_switches_an_english_chat():
    tracker = make_tracker(
        {"language": "en", "requested_slot": "citizen_name"},
        text="hvad koster det at holde et møde?",
    )
    _, events = run(ActionDetectLanguage(), tracker)
    assert slot_events(events)["language"] == "da"


def test_a_cpr_number_instead_of_the_lookup_phone_is_refused_as_such(booking_api):
    dispatcher = CollectingDispatcher()
    result = ValidateManageForm(booking_api).validate_lookup_phone(
        "010190-1234", dispatcher, make_tracker({"booking_reference": "K7M2-9QXD"}), {}
    )
    assert result == {"lookup_phone": None}
    assert responses(dispatcher.messages) == ["utter_answer_is_cpr"]
