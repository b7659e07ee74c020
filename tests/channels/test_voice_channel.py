"""The phone line: Twilio Voice webhooks, signed with Twilio's own RequestValidator, answered
with TwiML in Danish; choices by voice or key, the caller's number offered, transfer, silence
and no-match, and never a recording. The assistant is a scripted stand-in here (the whole
stack is tests/e2e/test_phone_booking.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.channels.twilio_voice_verified import TwilioVoiceVerifiedInput

AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
PUBLIC_URL = "https://assistent.example.dk/webhooks/twilio_voice_verified/webhook"
CALLER = "+4520304050"
SWITCHBOARD = "+4570123456"

GREETING = {
    "text": "Hej! Jeg kan booke, flytte eller aflyse et møde. Hvad kan jeg hjælpe med?",
    "buttons": [
        {"title": "Book et møde", "payload": "/book_meeting"},
        {"title": "Aflys eller flyt et møde", "payload": "/cancel_booking"},
    ],
    "utter_action": "utter_greet",
}
ASK_MODE = {
    "text": "Hvordan vil du holde mødet?",
    "buttons": [
        {"title": "Video", "payload": '/inform{"mode":"video"}'},
        {"title": "Telefon", "payload": '/inform{"mode":"phone"}'},
        {"title": "Fremmøde", "payload": '/inform{"mode":"in_person"}'},
    ],
    "utter_action": "utter_ask_mode",
}
ASK_PHONE = {
    "text": "Hvilket mobilnummer kan vi sende bekræftelse og påmindelse til?",
    "utter_action": "utter_ask_citizen_phone",
}
ASK_CONSENT = {
    "text": "Vil du booke mødet på de betingelser?",
    "buttons": [
        {"title": "Ja, book mødet", "payload": "/affirm"},
        {"title": "Nej", "payload": "/deny"},
    ],
    "utter_action": "utter_consent_text",
}
CONFIRMED = {
    "text": "Dit telefonmøde er booket: tirsdag 8. december kl. 10.00.\n"
    "Vi ringer til dig på +45 20 30 40 50.\nReference: K7M2-9QXD\n"
    "Tilføj til kalender: https://booking.example.dk/m/K7M2-9QXD/abc/invite.ics",
    "utter_action": "utter_booking_confirmed_phone",
}
DEFAULT = {"text": "Undskyld, det forstod jeg ikke.", "utter_action": "utter_default"}
GOODBYE = {"text": "Farvel, og god dag!", "utter_action": "utter_goodbye"}


class ScriptedAssistant:
    """Answers each message from a script and records what it was sent."""

    def __init__(self, script: dict[str, list[dict[str, Any]]]) -> None:
        self.script = script
        self.received: list[tuple[str, str, str, dict[str, Any]]] = []

    async def __call__(self, message: Any) -> None:
        self.received.append(
            (message.sender_id, message.text, message.input_channel, message.metadata)
        )
        for reply in self.script.get(message.text, [DEFAULT]):
            await message.output_channel.send_response(message.sender_id, dict(reply))


def make_app(script: dict[str, list[dict[str, Any]]], **options: Any) -> tuple[Sanic, Any]:
    assistant = ScriptedAssistant(script)
    channel = TwilioVoiceVerifiedInput(
        auth_token=AUTH_TOKEN,
        webhook_url=PUBLIC_URL,
        switchboard=options.get("switchboard", SWITCHBOARD),
        municipality_phone="+4570102030",
    )
    app = Sanic(f"voice_test_{len(Sanic._app_registry)}")
    app.blueprint(channel.blueprint(assistant), url_prefix="/webhooks/twilio_voice_verified")
    return app, assistant


def call(app: Sanic, form: dict[str, str], *, turn: bool = True, signature: str | None = "ok"):
    """POST a webhook as Twilio does: signed over the public URL (with ?turn=1 after a Gather)."""
    url = PUBLIC_URL + ("?turn=1" if turn else "")
    body = {"CallSid": "CA" + "1" * 32, "From": CALLER, "AccountSid": "AC" + "0" * 32, **form}
    headers = {}
    if signature == "ok":
        headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(url, body)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    path = "/webhooks/twilio_voice_verified/webhook" + ("?turn=1" if turn else "")
    _, response = app.test_client.post(path, data=body, headers=headers)
    return response


def twiml(response: Any) -> ET.Element:
    assert response.status == 200, response.text
    assert response.content_type.startswith("text/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    assert root.find(".//Record") is None  # never a recording
    return root


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


def check_gather(root: ET.Element, **expected: str) -> ET.Element:
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == "da-DK"
    assert gather.get("action") == PUBLIC_URL + "?turn=1"
    assert gather.get("actionOnEmptyResult") == "true"
    for say in gather.iter("Say"):
        assert (say.get("voice"), say.get("language")) == ("Polly.Naja", "da-DK")
    for key, value in expected.items():
        assert gather.get(key) == value, (key, gather.attrib)
    return gather


def test_an_answered_call_is_greeted_in_danish_with_spoken_choices():
    app, assistant = make_app({"/greet": [GREETING]})

    root = twiml(call(app, {"CallStatus": "ringing"}, turn=False))

    check_gather(root, numDigits="1")
    text = spoken(root)
    assert text.startswith("Hej! Jeg kan booke")
    assert "Sig Book et møde eller Aflys eller flyt et møde, eller tryk 1 eller 2." in text
    sender, message, channel, metadata = assistant.received[0]
    # the conversation is the call, not the caller's number; the number is only metadata
    assert (sender, message, channel) == ("CA" + "1" * 32, "/greet", "twilio_voice_verified")
    assert metadata == {"caller": CALLER}


def test_the_twiml_says_it_is_utf_8_so_danish_letters_arrive_whole():
    app, _ = make_app({"/greet": [GREETING], "/book_meeting": [ASK_MODE]})
    call(app, {}, turn=False)

    response = call(app, {"Digits": "1"})

    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert "Fremmøde" in spoken(ET.fromstring(response.body))


def test_unsigned_or_tampered_requests_are_refused():
    app, assistant = make_app({"/greet": [GREETING]})
    assert call(app, {"SpeechResult": "hej"}, signature=None).status == 403
    assert call(app, {"SpeechResult": "hej"}, signature="bm9wZQ==").status == 403
    body = {"CallSid": "CA" + "1" * 32, "From": CALLER, "SpeechResult": "hej"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + "?turn=1", body)
    _, tampered = app.test_client.post(
        "/webhooks/twilio_voice_verified/webhook?turn=1",
        data={**body, "From": "+4599999999"},
        headers={"X-Twilio-Signature": signature},
    )
    assert tampered.status == 403
    other_url = RequestValidator(AUTH_TOKEN).compute_signature("https://evil.example/x", body)
    assert call(app, {"SpeechResult": "hej"}, signature=other_url).status == 403
    assert assistant.received == []


def test_without_an_auth_token_every_request_is_refused(monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    channel = TwilioVoiceVerifiedInput.from_credentials(None)

    async def never(message: Any) -> None:
        raise AssertionError("must not be called")

    app = Sanic("voice_test_no_token")
    app.blueprint(channel.blueprint(never), url_prefix="/webhooks/twilio_voice_verified")
    _, response = app.test_client.post(
        "/webhooks/twilio_voice_verified/webhook",
        data={"CallSid": "CA1"},
        headers={"X-Twilio-Signature": RequestValidator("").compute_signature("http://x/", {})},
    )
    assert response.status == 403


def test_a_key_pressed_chooses_the_button_with_that_number():
    app, assistant = make_app({"/greet": [GREETING], "/book_meeting": [ASK_MODE]})
    call(app, {}, turn=False)

    root = twiml(call(app, {"Digits": "1"}))

    assert assistant.received[-1][1] == "/book_meeting"
    check_gather(root, numDigits="1")
    assert "Sig Video, Telefon eller Fremmøde, eller tryk 1, 2 eller 3." in spoken(root)


def test_a_choice_can_be_said_by_its_name_or_its_number():
    phone = '/inform{"mode":"phone"}'
    app, assistant = make_app(
        {"/greet": [GREETING], "/book_meeting": [ASK_MODE], phone: [ASK_PHONE]}
    )
    call(app, {}, turn=False)
    call(app, {"Digits": "1"})

    call(app, {"SpeechResult": "Telefon.", "Confidence": "0.9"})

    assert assistant.received[-1][1] == phone


def test_free_speech_goes_to_the_assistant_as_it_was_said():
    app, assistant = make_app({"/greet": [GREETING], "/book_meeting": [ASK_MODE]})
    call(app, {}, turn=False)
    call(app, {"Digits": "1"})
    call(app, {"SpeechResult": "jeg vil hellere komme ind på rådhuset"})
    assert assistant.received[-1][1] == "jeg vil hellere komme ind på rådhuset"


def test_the_callers_number_is_offered_and_used_only_after_a_yes():
    app, assistant = make_app(
        {"/greet": [GREETING], "/book_meeting": [ASK_PHONE], CALLER: [ASK_CONSENT]}
    )
    call(app, {}, turn=False)

    offer = twiml(call(app, {"Digits": "1"}))

    check_gather(offer, numDigits="1")
    assert "Vil du bruge det nummer, du ringer fra, 20 30 40 50?" in spoken(offer)
    assert "Sig ja eller nej, eller tryk 1 eller 2." in spoken(offer)
    assert [m[1] for m in assistant.received] == ["/greet", "/book_meeting"]  # not assumed

    consent = twiml(call(app, {"SpeechResult": "Ja."}))

    assert assistant.received[-1][1] == CALLER
    assert "Sig ja eller nej, eller tryk 1 eller 2." in spoken(consent)


def test_a_caller_who_declines_their_number_keys_in_another():
    app, assistant = make_app(
        {"/greet": [GREETING], "/book_meeting": [ASK_PHONE], "40506070": [ASK_CONSENT]}
    )
    call(app, {}, turn=False)
    call(app, {"Digits": "1"})

    ask = twiml(call(app, {"Digits": "2"}))

    check_gather(ask, finishOnKey="#")
    assert "Sig dit mobilnummer, eller tast det og afslut med firkant." in spoken(ask)
    call(app, {"Digits": "40506070"})
    assert assistant.received[-1][1] == "40506070"
    assert CALLER not in [m[1] for m in assistant.received]


def test_yes_and_no_buttons_are_spoken_as_ja_or_nej():
    app, assistant = make_app(
        {"/greet": [GREETING], "/book_meeting": [ASK_CONSENT], "/affirm": [CONFIRMED]}
    )
    call(app, {}, turn=False)
    call(app, {"Digits": "1"})

    root = twiml(call(app, {"SpeechResult": "ja"}))

    assert assistant.received[-1][1] == "/affirm"
    text = spoken(root)
    # links are not read aloud: they come by SMS
    assert "https://" not in text and "Tilføj til kalender" not in text
    assert "Vi ringer til dig på +45 20 30 40 50." in text


def test_silence_is_met_with_a_repeat_and_then_a_polite_hand_off():
    app, _ = make_app({"/greet": [GREETING]})
    call(app, {}, turn=False)

    repeat = twiml(call(app, {"SpeechResult": ""}))

    check_gather(repeat, numDigits="1")
    assert spoken(repeat).startswith("Jeg hørte desværre ikke noget. Hej! Jeg kan booke")

    handoff = twiml(call(app, {}))

    assert handoff.find("Gather") is None
    assert "Jeg stiller dig videre til en medarbejder." in spoken(handoff)
    assert handoff.find("Dial").text == SWITCHBOARD


def test_two_answers_in_a_row_it_does_not_understand_lead_to_a_hand_off():
    app, _ = make_app({"/greet": [GREETING]})
    call(app, {}, turn=False)

    first = twiml(call(app, {"SpeechResult": "blomkål"}))

    check_gather(first)
    assert spoken(first).startswith("Undskyld, det forstod jeg ikke. Hej! Jeg kan booke")

    second = twiml(call(app, {"SpeechResult": "agurk"}))

    assert second.find("Dial").text == SWITCHBOARD


def test_a_key_that_is_no_choice_counts_as_not_understood():
    app, assistant = make_app({"/greet": [GREETING]})
    call(app, {}, turn=False)
    root = twiml(call(app, {"Digits": "7"}))
    assert spoken(root).startswith("Undskyld, det forstod jeg ikke.")
    assert [m[1] for m in assistant.received] == ["/greet"]


@pytest.mark.parametrize("form", [{"SpeechResult": "Stil mig videre."}, {"Digits": "0"}])
def test_stil_mig_videre_or_0_transfers_to_the_switchboard(form):
    app, assistant = make_app({"/greet": [GREETING]})
    call(app, {}, turn=False)

    root = twiml(call(app, form))

    assert root.find("Dial").text == SWITCHBOARD
    assert [m[1] for m in assistant.received] == ["/greet"]


def test_without_a_switchboard_the_caller_is_given_the_number_and_the_call_ends():
    app, _ = make_app({"/greet": [GREETING]}, switchboard=None)
    call(app, {}, turn=False)
    root = twiml(call(app, {"SpeechResult": "stil mig videre"}))
    assert root.find("Dial") is None and root.find("Hangup") is not None
    assert "Ring til kommunen på 70 10 20 30." in spoken(root)


def test_the_assistants_own_hand_off_transfers_the_call():
    handoff = {"text": "Du kan tale med en medarbejder …", "utter_action": "utter_handoff"}
    app, _ = make_app({"/greet": [GREETING], "jeg vil tale med et menneske": [handoff]})
    call(app, {}, turn=False)
    root = twiml(call(app, {"SpeechResult": "jeg vil tale med et menneske"}))
    assert root.find("Dial").text == SWITCHBOARD


def test_goodbye_ends_the_call():
    app, _ = make_app({"/greet": [GREETING], "farvel": [GOODBYE]})
    call(app, {}, turn=False)
    root = twiml(call(app, {"SpeechResult": "farvel"}))
    assert "Farvel, og god dag!" in spoken(root)
    assert root.find("Hangup") is not None and root.find("Gather") is None
