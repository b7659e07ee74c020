"""The widget's own controls in the middle of a booking, against the running stack.

The transcript switch and the language button send payloads (`/keep_transcript`,
`/choose_language{"language":"en"}`) at whatever question the form is at. They belong to no
step, so they must be answered by their rules and the booking must go on, never be treated as a
stale button of an earlier step.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

STALE = "tidligere trin"


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _times(replies: list[dict]) -> list[str]:
    return [
        b["payload"]
        for r in replies
        for b in r.get("buttons", [])
        if "meeting_time" in b["payload"]
    ]


def _at_the_time_question(assistant, sender: str) -> None:
    assistant.say(sender, "jeg vil gerne booke et møde")
    replies = assistant.say(sender, '/inform{"service":"jobcenter"}')
    if not _times(replies):  # the jobcentre offers several modes: video
        replies = assistant.say(sender, '/inform{"mode":"video"}')
    assert _times(replies), replies


def test_the_transcript_switch_at_the_time_question_is_answered_and_the_form_goes_on(assistant):
    sender = "e2e-controls-transcript"
    _at_the_time_question(assistant, sender)
    replies = assistant.say(sender, "/keep_transcript")
    said = _text(replies)
    assert STALE not in said
    assert "gemme min samtale" in said  # the consent text in force
    assert _times(replies)  # and the time is asked again
    assert assistant.tracker(sender)["slots"]["chat_transcript"] is True
    assistant.say(sender, "stop")


def test_the_language_button_at_the_time_question_switches_and_the_form_goes_on(assistant):
    sender = "e2e-controls-language"
    _at_the_time_question(assistant, sender)
    replies = assistant.say(sender, '/choose_language{"language":"en"}')
    assert STALE not in _text(replies)
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["language"] == "en"
    assert tracker["active_loop"]["name"] == "booking_form"
    assistant.say(sender, "stop")
