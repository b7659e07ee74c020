"""The optional chat_transcript consent: given, shown in full, withdrawn, sent with a booking."""

from __future__ import annotations

import pytest

from actions.book_meeting.submit import booking_body
from actions.transcript import ActionTranscriptConsent, retention_days
from tests.actions.support import make_tracker, responses, run, slot_events


def test_keeping_the_transcript_shows_the_text_in_force_and_records_its_version(booking_api):
    messages, events = run(
        ActionTranscriptConsent(booking_api), make_tracker(intent="keep_transcript")
    )
    kept = [m for m in messages if m.get("response") == "utter_transcript_kept"]
    assert kept and "gemme min samtale" in kept[0]["consent_text"]
    assert kept[0]["retention_days"] == 30
    slots = slot_events(events)
    assert slots["chat_transcript"] is True
    assert slots["consent_version"]["chat_transcript"] == 1


def test_the_text_is_in_the_conversation_language(booking_api):
    tracker = make_tracker({"language": "en"}, intent="keep_transcript")
    messages, _ = run(ActionTranscriptConsent(booking_api), tracker)
    assert "keep my conversation" in messages[0]["consent_text"]


def test_withdrawing_sets_the_consent_to_false_and_drops_its_version(booking_api):
    tracker = make_tracker(
        {"chat_transcript": True, "consent_version": {"booking": 1, "chat_transcript": 1}},
        intent="drop_transcript",
    )
    messages, events = run(ActionTranscriptConsent(booking_api), tracker)
    assert responses(messages) == ["utter_transcript_dropped"]
    slots = slot_events(events)
    assert slots["chat_transcript"] is False
    assert slots["consent_version"] == {"booking": 1}


def test_the_service_down_keeps_nothing(service_down):
    messages, events = run(
        ActionTranscriptConsent(service_down), make_tracker(intent="keep_transcript")
    )
    assert responses(messages) == ["utter_service_down"]
    assert "chat_transcript" not in slot_events(events)


@pytest.mark.parametrize(("given", "expected"), [(True, True), (False, False), (None, False)])
def test_a_booking_records_the_transcript_consent_only_when_given(given, expected):
    slots = {
        "service": "jobcenter",
        "meeting_time": "2030-01-07T10:00:00+01:00",
        "citizen_name": "Ole Olsen",
        "citizen_phone": "+4520123456",
        "consent_version": {"booking": 3, "sms_reminders": 2, "chat_transcript": 4},
        "chat_transcript": given,
    }
    consents = booking_body(make_tracker(slots), "da")["consents"]
    assert ({"purpose": "chat_transcript", "text_version": 4} in consents) is expected
    assert {"purpose": "booking", "text_version": 3} in consents


@pytest.mark.parametrize(("raw", "days"), [("14", 14), ("", 30), ("x", 30), ("0", 30)])
def test_the_retention_period_comes_from_the_environment(monkeypatch, raw, days):
    monkeypatch.setenv("TRANSCRIPT_RETENTION_DAYS", raw)
    assert retention_days() == days
