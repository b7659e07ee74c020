"""Session start (municipality facts), the conversation's language, and handing over to a person."""

from __future__ import annotations

from actions.handoff import ActionHandleFallback, ActionHandoff
from actions.language import ActionDetectLanguage, detect_language
from actions.session import ActionSessionStart
from tests.actions.support import make_tracker, responses, run, slot_events


def test_a_new_session_carries_the_municipality_facts_from_the_api(booking_api):
    _, events = run(ActionSessionStart(booking_api), make_tracker())
    slots = slot_events(events)
    facts = booking_api.municipality()
    assert slots["municipality_phone"] == facts["phone"]
    assert slots["municipality_name"] == facts["name"]
    assert slots["municipality_opening_hours"] == facts["opening_hours"]["da"]
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


def test_a_session_still_starts_when_the_service_is_down(service_down):
    _, events = run(ActionSessionStart(service_down), make_tracker())
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]


def test_english_text_switches_to_english_and_short_answers_do_not():
    assert detect_language("Hello, I would like to book a meeting") == "en"
    assert detect_language("Jeg vil gerne booke et møde") == "da"
    for neutral in ("Anna Jensen", "20 12 34 56", "ok", "ja"):
        assert detect_language(neutral) is None


def test_an_explicit_language_choice_wins_and_moves_the_opening_hours():
    tracker = make_tracker(
        {"municipality_opening_hours_by_language": {"da": "man-fre 9-15", "en": "Mon-Fri 9-15"}},
        text="kan vi skrive på engelsk",
        intent="choose_language",
        entities=[{"entity": "language", "value": "en"}],
    )
    _, events = run(ActionDetectLanguage(), tracker)
    assert slot_events(events) == {"language": "en", "municipality_opening_hours": "Mon-Fri 9-15"}


def test_a_button_payload_never_changes_the_language():
    tracker = make_tracker({"language": "en"}, text='/inform{"meeting_time":"2030-01-01T10:00"}')
    _, events = run(ActionDetectLanguage(), tracker)
    assert slot_events(events) == {"language": "en"}


def fallback_event(text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}


def test_one_misunderstanding_asks_to_rephrase():
    tracker = make_tracker(text="xyzzy", intent="nlu_fallback")
    tracker.events[-1]["parse_data"]["intent"]["name"] = "nlu_fallback"
    messages, _ = run(ActionHandleFallback(), tracker)
    assert responses(messages) == ["utter_default"]


def test_two_misunderstandings_in_a_row_offer_a_person():
    tracker = make_tracker(
        text="qwerty",
        intent="nlu_fallback",
        events=[fallback_event("xyzzy"), {"event": "bot", "text": "Undskyld"}],
    )
    messages, _ = run(ActionHandleFallback(), tracker)
    assert responses(messages) == ["utter_handoff_after_fallback", "utter_handoff"]


def test_a_understood_message_in_between_resets_the_count():
    understood = {"event": "user", "text": "hej", "parse_data": {"intent": {"name": "greet"}}}
    tracker = make_tracker(
        text="qwerty", intent="nlu_fallback", events=[fallback_event("xyzzy"), understood]
    )
    messages, _ = run(ActionHandleFallback(), tracker)
    assert responses(messages) == ["utter_default"]


def test_asking_for_a_person_gives_the_contact_details():
    messages, _ = run(ActionHandoff(), make_tracker(intent="human_handoff"))
    assert responses(messages) == ["utter_handoff"]
