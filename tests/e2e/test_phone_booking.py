"""End to end: a citizen books a meeting by phone (issue 14, point 5).

Twilio's side is played by this test: every webhook is POSTed as Twilio posts it, signed with
the twilio library's own `RequestValidator` over the public URL Twilio calls (the stack runs
the channel as behind the municipality's proxy, `TWILIO_VOICE_WEBHOOK_URL`), and every answer
is parsed as TwiML and checked: spoken in Danish by the Danish voice, a speech `<Gather>` in
da-DK that posts back to the webhook, never a `<Record>`. The assistant is the real one (Rasa
+ the action server + the web app under gunicorn: the session's stack in conftest.py), and the
booking is then read from the booking database like any other, with its SMS confirmation.
"""

from __future__ import annotations

import secrets
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.e2e.stack import ROOT, SWITCHBOARD, VOICE_AUTH_TOKEN, VOICE_PUBLIC_URL, Assistant

pytestmark = pytest.mark.slow

PATH = "/webhooks/twilio_voice_verified/webhook"
ACTION = VOICE_PUBLIC_URL + "?turn=1"  # where every <Gather> and <Redirect> sends Twilio next
VOICE, LANGUAGE = "Polly.Naja", "da-DK"
YES_NO = "Sig ja eller nej, eller tryk 1 eller 2."
TRANSCRIPTS = ROOT / "reports" / "phone"


@dataclass
class Turn:
    """One TwiML answer: what was said (in order), the <Gather> if any, the root element."""

    root: ET.Element
    said: list[str]
    gather: ET.Element | None

    @property
    def text(self) -> str:
        return " ".join(self.said)


@dataclass
class PhoneCall:
    """One call to the municipality's number, as Twilio makes its webhook requests."""

    assistant: Assistant
    caller: str
    sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    turns: list[Turn] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)  # what the caller did before each turn

    def params(self, **extra: str) -> dict[str, str]:
        # the fields Twilio posts on every voice webhook (empty ones count for the signature)
        return {
            "AccountSid": "AC" + "0" * 32,
            "ApiVersion": "2010-04-01",
            "CallSid": self.sid,
            "CallStatus": "in-progress",
            "Called": "+4570102030",
            "Caller": self.caller,
            "Direction": "inbound",
            "From": self.caller,
            "FromCountry": "DK",
            "To": "+4570102030",
            "ToCountry": "DK",
            **extra,
        }

    def post(
        self,
        params: dict[str, str],
        *,
        first: bool = False,
        signature: str | None = None,
        body: dict[str, str] | None = None,
    ) -> requests.Response:
        """POST as Twilio: form-encoded `body` (default `params`), signed over `params` and
        the public URL (the call's first webhook has no query, later ones `?turn=1`)."""
        query = "" if first else "?turn=1"
        if signature is None:
            signature = RequestValidator(VOICE_AUTH_TOKEN).compute_signature(
                VOICE_PUBLIC_URL + query, params
            )
        return requests.post(
            self.assistant.url + PATH + query,
            data=body if body is not None else params,
            headers={"X-Twilio-Signature": signature} if signature else {},
            timeout=120,
        )

    def answer(self, heard: str, response: requests.Response) -> Turn:
        turn = read_twiml(response)
        self.heard.append(heard)
        self.turns.append(turn)
        return turn

    def ring(self) -> Turn:
        return self.answer("(rings)", self.post(self.params(CallStatus="ringing"), first=True))

    def say(self, speech: str) -> Turn:
        return self.answer(
            f"«{speech}»", self.post(self.params(SpeechResult=speech, Confidence="0.91"))
        )

    def press(self, digits: str) -> Turn:
        return self.answer(f"(presses {digits})", self.post(self.params(Digits=digits)))

    def silence(self) -> Turn:
        # <Gather actionOnEmptyResult="true"> posts without SpeechResult or Digits
        return self.answer("(says nothing)", self.post(self.params()))

    def write_transcript(self, name: str) -> Path:
        """What the call sounded like, step by step (reports/phone/<name>.txt)."""
        TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
        lines = []
        for heard, turn in zip(self.heard, self.turns, strict=True):
            lines.append(f"Caller:    {heard}")
            lines.extend(f"Assistant: {sentence}" for sentence in turn.said)
            for dial in turn.root.iter("Dial"):
                lines.append(f"           <Dial>{dial.text}</Dial>")
        path = TRANSCRIPTS / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def read_twiml(response: requests.Response) -> Turn:
    """The TwiML of one step, checked for what every step must hold."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # as Twilio reads it: bytes, by the XML prolog
    assert root.tag == "Response"
    assert not [e for e in root.iter() if e.tag == "Record"], "a call is never recorded"
    says = list(root.iter("Say"))
    assert says, response.text
    for say in says:
        assert (say.get("voice"), say.get("language")) == (VOICE, LANGUAGE), say.attrib
        assert say.text and "http" not in say.text  # links come by SMS, never read aloud
    gathers = root.findall("Gather")
    assert len(gathers) <= 1
    gather = gathers[0] if gathers else None
    if gather is not None:
        check_gather(root, gather)
    return Turn(root, [s.text or "" for s in says], gather)


def check_gather(root: ET.Element, gather: ET.Element) -> None:
    """Danish speech recognition that posts back to the webhook, then a repeat on silence."""
    assert "speech" in (gather.get("input") or "").split(), gather.attrib
    assert gather.get("language") == LANGUAGE
    assert (gather.get("action"), gather.get("method")) == (ACTION, "POST")
    assert gather.get("actionOnEmptyResult") == "true"  # silence reaches the webhook
    assert gather.get("timeout") == "6" and gather.get("speechTimeout") == "2"
    children = list(root)
    assert children[-1].tag == "Redirect" and children[-1].text == ACTION
    assert children[-1].get("method") == "POST"
    assert children.index(gather) == len(children) - 2


def choices(turn: Turn) -> str:
    return turn.said[-1] if turn.said else ""


def outbox_for(database: Any, reference: str) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT m.kind, m.channel, m.recipient, m.body FROM outbox_messages m "
            "JOIN bookings b ON b.id = m.booking_id WHERE b.reference = ?",
            (reference,),
        ).fetchall()


def stored_booking(database: Any, reference: str) -> dict[str, Any]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(
            "SELECT reference, status, mode, channel, citizen_phone, citizen_name, room_name, "
            "language FROM bookings WHERE reference = ?",
            (reference,),
        ).fetchone()
    assert row is not None, f"no booking {reference}"
    return dict(row)


# --- The whole booking -------------------------------------------------------------------------


def test_a_caller_books_a_phone_meeting_from_the_first_webhook_to_the_sms(
    assistant: Assistant, booking_service
) -> None:
    call = PhoneCall(assistant, caller="+4522334455")

    greeting = call.ring()
    assert greeting.text.startswith("Hej!")
    assert choices(greeting) == (
        "Sig Book et videomøde eller Aflys eller flyt et møde, eller tryk 1 eller 2."
    )
    assert greeting.gather is not None and greeting.gather.get("numDigits") == "1"

    mode = call.say("jeg vil gerne booke et møde med jobcentret")
    assert "Hvordan vil du holde mødet?" in mode.text, mode.said
    assert choices(mode).startswith("Sig Video") and "tryk 1, 2 eller 3" in choices(mode)

    repeated = call.silence()  # nothing heard: the question once more
    assert repeated.said[0] == "Jeg hørte desværre ikke noget."
    assert repeated.said[1:] == mode.said

    times = call.say("telefon")
    assert " kl. " in times.text and "tryk 1" in choices(times), times.said

    name = call.press("1")  # the first time offered
    assert name.said == ["Hvad er dit fulde navn?"], name.said

    number = call.say("Anna Jensen")
    # the caller's own number is offered, never assumed
    assert number.said == ["Vil du bruge det nummer, du ringer fra, 22 33 44 55?", YES_NO]
    assert number.gather is not None and number.gather.get("numDigits") == "1"

    email = call.say("ja")
    assert "e-mail" in email.text, email.said

    consent = call.say("spring over")
    assert choices(consent) == YES_NO, consent.said

    confirmed = call.say("ja")
    text = confirmed.text
    assert "Dit telefonmøde er booket" in text, confirmed.said
    assert "Vi ringer til dig på +45 22 33 44 55" in text
    assert "Tilføj til kalender" not in text  # the line with a link is not read aloud
    reference = text.split("Reference: ")[1].split()[0].rstrip(".")
    call.write_transcript("booking-call")

    booking = stored_booking(booking_service.database, reference)
    assert booking["status"] == "confirmed"
    assert (booking["mode"], booking["channel"]) == ("phone", "phone")
    assert booking["citizen_phone"] == "+4522334455" and booking["room_name"] is None
    assert booking["language"] == "da"
    sms = [m for m in outbox_for(booking_service.database, reference) if m[1] == "sms"]
    confirmation = [m for m in sms if m[0] == "confirmation"]
    assert len(confirmation) == 1 and confirmation[0][2] == "+4522334455"
    assert f"/booking/{reference}?token=" in confirmation[0][3]  # the manage link
    assert "ringer" in confirmation[0][3]

    # the conversation is the call (CallSid), and it was told nothing but Danish
    tracker = assistant.tracker(call.sid)
    assert tracker["latest_input_channel"] == "twilio_voice_verified"
    assert tracker["slots"]["citizen_phone"] is None  # cleared once booked


# --- Signatures ----------------------------------------------------------------------------


def _events(assistant: Assistant, sid: str) -> int:
    return len(assistant.tracker(sid).get("events") or [])


def test_unsigned_tampered_or_wrongly_signed_requests_are_refused_and_reach_nobody(
    assistant: Assistant,
) -> None:
    call = PhoneCall(assistant, caller="+4523344556")
    call.ring()
    before = _events(assistant, call.sid)
    params = call.params(SpeechResult="jeg vil gerne booke et møde", Confidence="0.9")
    validator = RequestValidator(VOICE_AUTH_TOKEN)

    unsigned = call.post(params, signature="")
    tampered = call.post(params, body={**params, "SpeechResult": "aflys mit møde"})
    other_caller = call.post(params, body={**params, "From": "+4599999999"})
    loopback = call.post(  # signed over the URL Rasa sees, not the one Twilio calls
        params,
        signature=validator.compute_signature(assistant.url + PATH + "?turn=1", params),
    )
    other_token = call.post(
        params,
        signature=RequestValidator("f" * 32).compute_signature(ACTION, params),
    )
    first_webhook_for_turn = call.post(  # a signature for the first webhook's URL
        params, signature=validator.compute_signature(VOICE_PUBLIC_URL, params)
    )

    for response in (unsigned, tampered, other_caller, loopback, other_token):
        assert response.status_code == 403, response.text
    assert first_webhook_for_turn.status_code == 403
    assert _events(assistant, call.sid) == before  # nothing reached the assistant
    # the same request, signed as Twilio signs it, is answered
    assert call.post(params).status_code == 200


# --- Silence, no match, transfer -------------------------------------------------------------


def _dialled(turn: Turn) -> str:
    dials = turn.root.findall("Dial")
    assert len(dials) == 1 and turn.gather is None, turn.said
    return (dials[0].text or "").strip()


def test_two_silences_are_a_repeat_then_a_polite_transfer_to_the_switchboard(
    assistant: Assistant,
) -> None:
    call = PhoneCall(assistant, caller="+4524455667")
    greeting = call.ring()

    repeat = call.silence()
    assert repeat.said == ["Jeg hørte desværre ikke noget.", *greeting.said]
    handoff = call.silence()

    assert handoff.said == [
        "Jeg hørte desværre ikke noget.",
        "Jeg stiller dig videre til en medarbejder. Et øjeblik.",
    ]
    assert _dialled(handoff) == SWITCHBOARD
    call.write_transcript("silence-call")


def test_an_answer_that_fits_nothing_is_asked_again_then_handed_off(
    assistant: Assistant,
) -> None:
    call = PhoneCall(assistant, caller="+4525566778")
    greeting = call.ring()

    again = call.press("7")  # two choices were offered
    assert again.said == ["Undskyld, det forstod jeg ikke.", *greeting.said]
    handoff = call.press("9")

    assert handoff.said[0] == "Undskyld, det forstod jeg ikke."
    assert handoff.said[-1] == "Jeg stiller dig videre til en medarbejder. Et øjeblik."
    assert _dialled(handoff) == SWITCHBOARD


def test_stil_mig_videre_puts_the_caller_through_mid_booking(assistant: Assistant) -> None:
    call = PhoneCall(assistant, caller="+4526677889")
    call.ring()
    assert "Hvordan vil du holde mødet?" in call.say("book et møde med jobcentret").text

    transfer = call.say("Stil mig videre.")

    assert transfer.said == ["Jeg stiller dig videre til en medarbejder. Et øjeblik."]
    assert _dialled(transfer) == SWITCHBOARD
    call.write_transcript("transfer-call")


def test_a_caller_who_declines_their_own_number_is_asked_for_another(
    assistant: Assistant,
) -> None:
    call = PhoneCall(assistant, caller="+4527788990")
    call.ring()
    call.say("jeg vil gerne booke et møde med jobcentret")
    call.say("telefon")
    call.press("1")
    assert call.say("Bo Hansen").said[-1] == YES_NO

    other = call.say("nej")

    assert other.said == ["Sig dit mobilnummer, eller tast det og afslut med firkant."]
    assert other.gather is not None and other.gather.get("finishOnKey") == "#"
    email = call.press("20304050")
    assert "e-mail" in email.text, email.said
