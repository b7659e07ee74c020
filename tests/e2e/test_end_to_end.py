"""End to end: web + action server + Rasa on loopback; a Danish chat books a real meeting.

Slow (Rasa needs ~45 s to load the model, once per session: the `assistant` fixture in
conftest.py): needs models/borgerbooking.tar.gz (make bot-train).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from actions.formatting import parse_iso
from tests.e2e.stack import Assistant

pytestmark = pytest.mark.slow


class Chat:
    def __init__(self, assistant: Assistant, sender: str) -> None:
        self.assistant, self.sender = assistant, sender

    def say(self, message: str) -> list[dict]:
        return self.assistant.say(self.sender, message)


def all_text(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def all_buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons", [])]


def test_a_danish_chat_books_a_meeting_that_the_api_then_shows(assistant, booking_service):
    chat = Chat(assistant, "e2e-citizen-1")
    assert "Hej" in all_text(chat.say("hej"))

    replies = chat.say("jeg vil gerne booke et videomøde")
    service_buttons = {b["title"]: b["payload"] for b in all_buttons(replies)}
    assert "Jobcenter" in service_buttons, replies

    replies = chat.say(service_buttons["Jobcenter"])  # the citizen clicks the button
    times = [b for b in all_buttons(replies) if "meeting_time" in b["payload"]]
    assert times and " kl. " in times[0]["title"], replies
    chosen = json.loads(times[0]["payload"][len("/inform") :])["meeting_time"]

    assert "navn" in all_text(chat.say(times[0]["payload"]))
    assert "mobilnummer" in all_text(chat.say("Anna Jensen"))
    assert "gyldigt telefonnummer" in all_text(chat.say("1234"))  # unhappy path: asked again
    assert "e-mail" in all_text(chat.say("20 12 34 56"))
    consent = all_text(chat.say("spring over"))
    assert "Mødet optages ikke" in consent  # the active consent text, fetched from the API

    confirmation = all_text(chat.say("ja"))
    assert "Dit videomøde er booket" in confirmation, confirmation
    reference = confirmation.split("Reference: ")[1].split()[0]

    token = booking_service.manage_token(reference, "+4520123456")
    booking = booking_service.get(
        f"/bookings/{reference}", headers={"X-Manage-Token": token}
    ).json()
    assert booking["status"] == "confirmed" and booking["service"] == "jobcenter"
    assert parse_iso(booking["start"]) == parse_iso(chosen)

    # personal data left the conversation once the booking was made
    tracker = assistant.tracker("e2e-citizen-1")
    assert tracker["slots"]["citizen_name"] is None and tracker["slots"]["citizen_phone"] is None
    assert tracker["slots"]["booking_reference"] == reference


def test_an_english_chat_is_answered_in_english(assistant):
    chat = Chat(assistant, "e2e-citizen-2")
    replies = chat.say("Hello, I would like to book a video meeting")
    titles = [b["title"] for b in all_buttons(replies)]
    assert "Health visitor" in titles, replies


def test_naming_another_service_mid_form_switches_service_and_nej_stops(assistant):
    chat = Chat(assistant, "e2e-citizen-3")
    chat.say("jeg vil gerne booke et møde")
    first = chat.say('/inform{"service":"jobcenter"}')
    assert any("meeting_time" in b["payload"] for b in all_buttons(first))

    replies = chat.say("jeg vil hellere tale med sundhedsplejersken")
    assert any("meeting_time" in b["payload"] for b in all_buttons(replies)), replies
    tracker = assistant.tracker("e2e-citizen-3")
    assert tracker["slots"]["service"] == "sundhedspleje"

    assert "stoppet bookingen" in all_text(chat.say("nej"))
    tracker = assistant.tracker("e2e-citizen-3")
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["service"] is None


def test_a_citizen_cancels_in_the_chat_with_the_code_sent_by_sms(assistant, booking_service):
    today = date.today()
    slots = booking_service.get(
        "/services/fysioterapi/slots",
        params={"from": today.isoformat(), "to": (today + timedelta(days=14)).isoformat()},
    ).json()
    created = booking_service.post(
        "/bookings",
        json={
            "service": "fysioterapi",
            "start": slots[-1]["start"],
            "language": "da",
            "channel": "web",
            "citizen": {"name": "Bo Berg", "phone": "+4542424242"},
            "consents": [{"purpose": "booking", "text_version": 1}],
        },
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]

    chat = Chat(assistant, "e2e-citizen-4")
    assert "reference" in all_text(chat.say("jeg vil gerne aflyse mit møde")).lower()
    assert "telefonnummer" in all_text(chat.say(f"den er {reference}"))
    assert "kode" in all_text(chat.say("42 42 42 42"))
    replies = chat.say(booking_service.last_code_sent_to("+4542424242"))
    assert reference in all_text(replies) and "aflyse" in all_text(replies), replies
    assert "er aflyst" in all_text(chat.say("ja"))

    # a lookup code replaces the manage token, so the old link no longer works: read the store
    assert booking_service.stored_status(reference) == "cancelled"
