"""End to end (issue 10): whole bookings over the REST channel with names that look like words,
a question and a stale button in the middle of the form, a correction, and an English chat that
stays English through a name with æ, ø and å; the names are stored exactly as written.

Uses the session's running stack (tests/e2e/conftest.py): needs a current model (make bot-train).
"""

from __future__ import annotations

import pytest

from tests.e2e.stack import Assistant, BookingService
from tests.e2e.test_end_to_end import Chat, all_buttons, all_text

pytestmark = pytest.mark.slow


def _choose_jobcenter_video_and_a_time(chat: Chat, language: str) -> str:
    """Up to the name question; returns the Jobcenter button's payload (stale afterwards)."""
    replies = chat.say("jeg vil gerne booke et møde" if language == "da" else "I want to book")
    service = next(b["payload"] for b in all_buttons(replies) if "jobcenter" in b["payload"])
    replies = chat.say(service)
    video = next((b["payload"] for b in all_buttons(replies) if '"video"' in b["payload"]), None)
    if video is not None:  # the jobcentre offers several modes
        replies = chat.say(video)
    times = [b["payload"] for b in all_buttons(replies) if "meeting_time" in b["payload"]]
    assert times, replies
    chat.say(times[0])
    return service


def _stored_citizen(service: BookingService, confirmation: str, phone: str) -> dict:
    reference = confirmation.split("Reference: ")[1].split()[0]
    token = service.manage_token(reference, phone)
    booking = service.get(f"/bookings/{reference}", headers={"X-Manage-Token": token}).json()
    assert booking["status"] == "confirmed", booking
    return booking


def test_ja_skov_books_through_a_question_and_a_stale_button_and_is_stored_exactly(
    assistant: Assistant, booking_service: BookingService
):
    chat = Chat(assistant, "e2e-issue10-da")
    stale_service = _choose_jobcenter_video_and_a_time(chat, "da")

    # an old button: answered as stale, nothing changes, the name is asked again in other words
    replies = all_text(chat.say(stale_service))
    assert "tidligere trin" in replies and "navnet igen" in replies, replies
    assert assistant.tracker("e2e-issue10-da")["slots"]["service"] == "jobcenter"

    # "Ja Skov" reads like "yes": it is the name
    assert "mobilnummer" in all_text(chat.say("Ja Skov"))
    # a question in the middle of the form: answered, then the phone asked again
    replies = all_text(chat.say("Hvordan foregår et videomøde?"))
    assert "venterum" in replies and "telefonnummeret igen" in replies, replies
    # a CPR number instead of the phone: refused, and why
    assert "CPR-nummer" in all_text(chat.say("010190-1234"))
    assert "e-mail" in all_text(chat.say("0045 20 30 40 51"))
    assert "Mødet optages ikke" in all_text(chat.say("spring over"))
    confirmation = all_text(chat.say("ja"))
    assert "Dit videomøde er booket" in confirmation, confirmation

    booking = _stored_citizen(booking_service, confirmation, "+4520304051")
    assert booking["citizen"]["name"] == "Ja Skov"
    assert booking["citizen"]["phone"] == "+4520304051"
    assert assistant.tracker("e2e-issue10-da")["slots"]["language"] == "da"


def test_an_english_chat_keeps_english_through_soeren_oestergaard_and_a_correction(
    assistant: Assistant, booking_service: BookingService
):
    sender = "e2e-issue10-en"
    chat = Chat(assistant, sender)
    assert "Hello" in all_text(chat.say("Hello"))
    _choose_jobcenter_video_and_a_time(chat, "en")

    assert "mobile number" in all_text(chat.say("my name is Søren Østergard"))
    assert assistant.tracker(sender)["slots"]["language"] == "en"
    replies = all_text(chat.say("no, my name is Søren Østergård"))
    assert "corrected" in replies and "phone number" in replies, replies
    assert "e-mail" in all_text(chat.say("+45 20 30 40 52"))
    assert "on these terms" in all_text(chat.say("my email is soeren@example.com"))
    confirmation = all_text(chat.say("yes"))
    assert "Your video meeting is booked" in confirmation, confirmation
    assert assistant.tracker(sender)["slots"]["language"] == "en"

    booking = _stored_citizen(booking_service, confirmation, "+4520304052")
    assert booking["citizen"]["name"] == "Søren Østergård"
    assert booking["citizen"]["email"] == "soeren@example.com"
    assert booking["language"] == "en"
