"""The municipality's phone line: a caller talks to the assistant in Danish (or English).

Built on Rasa's own Twilio Voice channel (`rasa.core.channels.twilio_voice`), with what a
public phone line needs on top:

- every webhook request must carry Twilio's `X-Twilio-Signature` (checked with the twilio
  library's RequestValidator, as the SMS channel does); otherwise 403, and without an auth
  token every request is refused;
- Twilio's speech recognition in Danish (`<Gather input="speech dtmf" language="da-DK">`), the
  answers read by a Danish voice (English ones when the conversation is in English);
- buttons become spoken choices ("Sig ja eller nej, eller tryk 1 eller 2"), and a key pressed
  on the phone chooses the button with that number; links are not read aloud (they come by SMS);
- when the assistant asks for a phone number, the caller's own number is offered and used only
  if the caller says yes (or presses 1); otherwise they say or key in another one;
- "stil mig videre" (or 0) puts the caller through to the switchboard (`<Dial>`,
  MUNICIPALITY_SWITCHBOARD); silence, and an answer the assistant did not understand, are met
  with one repeat and then a polite hand-off to the switchboard;
- nothing is recorded: the TwiML never contains `<Record>`, and the conversation id is the
  call's CallSid, not the caller's number.

Settings (environment): TWILIO_AUTH_TOKEN, TWILIO_VOICE_WEBHOOK_URL (the public URL Twilio
calls; default the URL as Rasa sees it), MUNICIPALITY_SWITCHBOARD (E.164), and optionally
TWILIO_VOICE_DA / TWILIO_VOICE_EN (Amazon Polly voices; default Polly.Naja / Polly.Amy).
The state of a call between two webhooks (the last question and its choices) is kept in this
process's memory, so the phone line needs a single Rasa process (or sticky routing by call).
"""

from __future__ import annotations

import logging
import os
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.twilio_voice import TwilioVoiceInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.channels.twilio_verified import is_signed_by_twilio

logger = logging.getLogger(__name__)

LANGUAGES = {"da": "da-DK", "en": "en-GB"}
DEFAULT_VOICES = {"da": "Polly.Naja", "en": "Polly.Amy"}
CALL_TTL_SECONDS = 2 * 60 * 60
MAX_MISSES = 2  # a repeat, then the hand-off
START_PAYLOAD = "/greet"

# Asking for a person in other words is the assistant's `human_handoff`, which also transfers.
TRANSFER_WORDS = re.compile(r"stil mig videre|viderestil|omstilling|transfer me|put me through")
YES = {"ja", "jo", "ja tak", "jep", "yes", "yeah", "yes please", "correct", "det er rigtigt"}
NO = {"nej", "nej tak", "no", "no thanks", "nope", "et andet", "et andet nummer"}
URL = re.compile(r"https?://\S+")
DIGIT_WORDS = {
    "nul": "0", "en": "1", "et": "1", "to": "2", "tre": "3", "fire": "4", "fem": "5",
    "seks": "6", "syv": "7", "otte": "8", "ni": "9",
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip

TEXTS = {
    "da": {
        "choices": "Sig {titles}, eller tryk {digits}.",
        "yes_no": "Sig ja eller nej, eller tryk 1 eller 2.",
        "or": "eller",
        "caller_number": "Vil du bruge det nummer, du ringer fra, {number}?",
        "other_number": "Sig dit mobilnummer, eller tast det og afslut med firkant.",
        "not_heard": "Jeg hørte desværre ikke noget.",
        "not_understood": "Undskyld, det forstod jeg ikke.",
        "handoff": "Jeg stiller dig videre til en medarbejder. Et øjeblik.",
        "handoff_closed": "Ring til kommunen på {number}. Tak for opkaldet.",
        "goodbye": "Tak for opkaldet. Farvel.",
        "links": "Linket får du på SMS.",
    },
    "en": {
        "choices": "Say {titles}, or press {digits}.",
        "yes_no": "Say yes or no, or press 1 or 2.",
        "or": "or",
        "caller_number": "Shall we use the number you are calling from, {number}?",
        "other_number": "Say your mobile number, or key it in followed by the hash key.",
        "not_heard": "Sorry, I did not hear anything.",
        "not_understood": "Sorry, I did not understand that.",
        "handoff": "I am putting you through to a member of staff. One moment.",
        "handoff_closed": "Please call the municipality on {number}. Thank you for calling.",
        "goodbye": "Thank you for calling. Goodbye.",
        "links": "You will get the link by SMS.",
    },
}


@dataclass
class Prompt:
    """What was last said to the caller, so it can be repeated, and its spoken choices."""

    texts: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    keys: bool = False  # a whole number may be keyed in (ended by #)
    yes_no: bool = False
    confirms_caller_number: bool = False


@dataclass
class Call:
    caller: str | None
    language: str = "da"
    prompt: Prompt = field(default_factory=Prompt)
    misses: int = 0
    confirming_caller_number: bool = False
    number_offered: bool = False
    seen: float = field(default_factory=time.monotonic)


class VoiceCollector(CollectingOutputChannel):
    """Collects the assistant's answers with their buttons and the response that made them."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice_verified"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(
            {"recipient_id": recipient_id, "text": text, "utter_action": kwargs.get("utter_action")}
        )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._persist_message(
            {
                "recipient_id": recipient_id,
                "text": text or "",
                "buttons": buttons,
                "utter_action": kwargs.get("utter_action"),
            }
        )


class TwilioVoiceVerifiedInput(TwilioVoiceInput):
    """Rasa's Twilio Voice channel, signature-checked, in Danish, with choices by key."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice_verified"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioVoiceVerifiedInput:
        credentials = credentials or {}
        env = os.environ.get
        return cls(
            auth_token=credentials.get("auth_token") or env("TWILIO_AUTH_TOKEN"),
            webhook_url=credentials.get("webhook_url") or env("TWILIO_VOICE_WEBHOOK_URL"),
            switchboard=credentials.get("switchboard") or env("MUNICIPALITY_SWITCHBOARD"),
            municipality_phone=env("MUNICIPALITY_PHONE"),
            voices={
                "da": credentials.get("voice_da") or env("TWILIO_VOICE_DA") or DEFAULT_VOICES["da"],
                "en": credentials.get("voice_en") or env("TWILIO_VOICE_EN") or DEFAULT_VOICES["en"],
            },
        )

    def __init__(
        self,
        *,
        auth_token: str | None,
        webhook_url: str | None = None,
        switchboard: str | None = None,
        municipality_phone: str | None = None,
        voices: dict[str, str] | None = None,
        speech_timeout: str = "2",
    ) -> None:
        self.voices = {**DEFAULT_VOICES, **(voices or {})}
        # Rasa's checks: a voice it knows, and a timeout its speech model allows.
        super().__init__(
            initial_prompt=START_PAYLOAD,
            reprompt_fallback_phrase=TEXTS["da"]["not_heard"],
            assistant_voice=self.voices["da"],
            speech_timeout=speech_timeout,
            speech_model="default",
        )
        for voice in self.voices.values():
            if voice not in self.SUPPORTED_VOICES:
                self._raise_invalid_voice_exception()
        self.auth_token = auth_token
        self.webhook_url = webhook_url
        self.switchboard = switchboard
        self.municipality_phone = municipality_phone or switchboard or ""
        self.calls: dict[str, Call] = {}

    # --- the webhook ---------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_voice_verified_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # every posted field counts for the signature, empty ones too (Twilio sends those)
            params = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
            signature = request.headers.get("X-Twilio-Signature", "")
            if not is_signed_by_twilio(
                self.auth_token, self._signed_url(request), params, signature
            ):
                logger.warning("Rejected an unsigned or wrongly signed Twilio Voice request")
                return response.json({"error": "invalid signature"}, status=403)
            call_sid = params.get("CallSid")
            if not call_sid:
                return response.json({"error": "CallSid is required"}, status=400)
            twiml = await self._answer(request, params, call_sid, on_new_message)
            # Danish letters: say the encoding in the header too, not only in the XML prolog
            return response.text(str(twiml), content_type="text/xml; charset=utf-8")

        return webhook

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public address, with the request's query."""
        if not self.webhook_url:
            return request.url
        query = urlsplit(request.url).query
        return f"{self.webhook_url}?{query}" if query else self.webhook_url

    async def _answer(
        self,
        request: Request,
        params: dict[str, Any],
        call_sid: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> VoiceResponse:
        call = self._call(call_sid, params.get("From"))
        if request.args.get("turn") is None:
            # the call has just been answered: the assistant greets the caller
            return await self._ask_assistant(request, call, call_sid, START_PAYLOAD, on_new_message)
        speech = (params.get("SpeechResult") or "").strip()
        digits = (params.get("Digits") or "").strip()
        if not speech and not digits:
            return self._missed(call, TEXTS[call.language]["not_heard"])
        heard = _normalise(speech)
        if digits == "0" or TRANSFER_WORDS.search(heard):
            return self._transfer(call)
        text = self._understood(call, heard, speech, digits)
        if text is None:
            return self._missed(call, TEXTS[call.language]["not_understood"])
        if text == "":
            # the caller declined their own number: ask for another one
            return self._say(call, Prompt(texts=[TEXTS[call.language]["other_number"]], keys=True))
        return await self._ask_assistant(request, call, call_sid, text, on_new_message)

    def _call(self, call_sid: str, caller: str | None) -> Call:
        now = time.monotonic()
        for sid in [s for s, c in self.calls.items() if now - c.seen > CALL_TTL_SECONDS]:
            del self.calls[sid]
        call = self.calls.setdefault(call_sid, Call(caller=caller))
        call.seen = now
        return call

    def _understood(self, call: Call, heard: str, speech: str, digits: str) -> str | None:
        """What to send to the assistant: a chosen button's payload, the caller's number once
        confirmed, or what they said. '' when they declined their number; None when a key
        pressed matches nothing."""
        if call.confirming_caller_number:
            call.confirming_caller_number = False
            if digits == "1" or heard in YES:
                return call.caller or ""
            if digits == "2" or heard in NO:
                return ""
            if digits:
                return digits  # a whole number keyed in
            return speech
        buttons = call.prompt.buttons
        if digits:
            if len(digits) == 1 and buttons:
                index = int(digits) - 1
                return buttons[index]["payload"] if 0 <= index < len(buttons) else None
            return digits
        chosen = _spoken_choice(heard, buttons)
        return chosen if chosen is not None else speech

    async def _ask_assistant(
        self,
        request: Request,
        call: Call,
        call_sid: str,
        text: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> VoiceResponse:
        collector = VoiceCollector()
        await on_new_message(
            UserMessage(
                text,
                collector,
                call_sid,  # the conversation is the call, not the caller's number
                input_channel=self.name(),
                metadata={"caller": call.caller},
            )
        )
        call.language = await self._language(request, call_sid, call.language)
        messages = collector.messages
        actions = {m.get("utter_action") for m in messages}
        if "utter_handoff_after_fallback" in actions or "utter_handoff" in actions:
            return self._transfer(call)
        if actions & {"utter_default"}:
            call.misses += 1
            if call.misses >= MAX_MISSES:
                return self._transfer(call, said=[TEXTS[call.language]["not_understood"]])
            # the assistant's own "sorry", then the last question again
            return self._say(
                call, call.prompt, before=[_speakable(m.get("text")) for m in messages]
            )
        call.misses = 0
        buttons = [b for m in messages for b in (m.get("buttons") or [])]
        prompt = Prompt(
            texts=[t for t in (_speakable(m.get("text")) for m in messages) if t],
            buttons=buttons,
            keys="utter_ask_citizen_phone" in actions,
            yes_no=_is_yes_no(buttons),
        )
        if "utter_goodbye" in actions:
            return self._goodbye(call, prompt)
        if prompt.keys and call.caller and not call.number_offered:
            # offered, never assumed: used only when the caller says yes
            call.number_offered = True
            question = TEXTS[call.language]["caller_number"].format(
                number=_spoken_number(call.caller)
            )
            prompt = Prompt(texts=[question], yes_no=True, confirms_caller_number=True)
        return self._say(call, prompt)

    async def _language(self, request: Request, call_sid: str, current: str) -> str:
        agent = getattr(getattr(request.app, "ctx", None), "agent", None)
        if agent is None or getattr(agent, "tracker_store", None) is None:
            return current
        tracker = await agent.tracker_store.retrieve(call_sid)
        language = tracker.get_slot("language") if tracker else None
        return language if language in LANGUAGES else current

    # --- TwiML -----------------------------------------------------------------------------------
    def _gather(self, call: Call, prompt: Prompt) -> Gather:
        options: dict[str, Any] = {
            "input": "speech dtmf",
            "language": LANGUAGES[call.language],
            "action": self._action_url(),
            "method": "POST",
            "action_on_empty_result": True,
            "speech_timeout": self.speech_timeout,
            "speech_model": self.speech_model,
            "timeout": 6,
        }
        if prompt.keys:
            options["finish_on_key"] = "#"  # a whole number keyed in
        elif prompt.yes_no or 0 < len(prompt.buttons) < 10:
            options["num_digits"] = 1
        return Gather(**options)

    def _action_url(self) -> str:
        base = self.webhook_url or f"/webhooks/{self.name()}/webhook"
        return f"{base}?turn=1"

    def _say(self, call: Call, prompt: Prompt, *, before: list[str] | None = None) -> VoiceResponse:
        """Say the prompt inside a <Gather>, with its choices, and remember it for a repeat."""
        texts = TEXTS[call.language]
        spoken = [*(before or []), *prompt.texts]
        if prompt.yes_no:
            spoken.append(texts["yes_no"])
        elif prompt.buttons:
            spoken.append(_choices_sentence(prompt.buttons, texts))
        call.prompt = prompt
        call.confirming_caller_number = prompt.confirms_caller_number
        voice = VoiceResponse()
        gather = self._gather(call, prompt)
        for sentence in spoken:
            gather.say(
                sentence, voice=self.voices[call.language], language=LANGUAGES[call.language]
            )
        voice.append(gather)
        # no answer at all (Twilio's own timeout): the webhook hears of it and repeats once
        voice.redirect(self._action_url(), method="POST")
        return voice

    def _missed(self, call: Call, reason: str) -> VoiceResponse:
        """Silence or an answer that fits nothing: the question once more, then a hand-off."""
        call.misses += 1
        if call.misses >= MAX_MISSES:
            return self._transfer(call, said=[reason])
        return self._say(call, call.prompt, before=[reason])

    def _transfer(self, call: Call, said: list[str] | None = None) -> VoiceResponse:
        """A polite hand-off: put the caller through to the switchboard, or give its number."""
        texts = TEXTS[call.language]
        voice = VoiceResponse()
        options = {"voice": self.voices[call.language], "language": LANGUAGES[call.language]}
        for sentence in [s for s in (said or []) if s]:
            voice.say(sentence, **options)
        if self.switchboard:
            voice.say(texts["handoff"], **options)
            voice.dial(self.switchboard)
        else:
            number = _spoken_number(self.municipality_phone)
            voice.say(texts["handoff_closed"].format(number=number), **options)
            voice.hangup()
        return voice

    def _goodbye(self, call: Call, prompt: Prompt) -> VoiceResponse:
        voice = VoiceResponse()
        options = {"voice": self.voices[call.language], "language": LANGUAGES[call.language]}
        for sentence in prompt.texts or [TEXTS[call.language]["goodbye"]]:
            voice.say(sentence, **options)
        voice.hangup()
        return voice


def _normalise(text: str) -> str:
    cleaned = unicodedata.normalize("NFC", text).lower()
    cleaned = re.sub(r"[^\w\s+]", " ", cleaned)
    return " ".join(cleaned.split())


def _speakable(text: str | None) -> str:
    """The text without links (they come by SMS) and without lines left empty by that."""
    if not text:
        return ""
    lines = [line for line in text.splitlines() if not URL.search(line)]
    return " ".join(" ".join(lines).split())


def _is_yes_no(buttons: list[dict[str, str]]) -> bool:
    payloads = [b.get("payload", "").split("{")[0] for b in buttons]
    return len(buttons) >= 2 and payloads[0] == "/affirm" and payloads[-1] == "/deny"


def _choices_sentence(buttons: list[dict[str, str]], texts: dict[str, str]) -> str:
    titles = [b["title"] for b in buttons]
    digits = [str(i) for i in range(1, len(buttons) + 1)]

    def joined(items: list[str]) -> str:
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {texts['or']} {items[-1]}"

    return texts["choices"].format(titles=joined(titles), digits=joined(digits))


def _spoken_choice(heard: str, buttons: list[dict[str, str]]) -> str | None:
    """The payload of the button the caller named: "ja"/"nej" for yes/no buttons, a digit
    said aloud ("tre"), or the button's title (or its first words)."""
    if not buttons or not heard:
        return None
    if _is_yes_no(buttons):
        if heard in YES or heard.startswith("ja "):
            return buttons[0]["payload"]
        if heard in NO or heard.startswith("nej "):
            return buttons[-1]["payload"]
    word = DIGIT_WORDS.get(heard, heard)
    if word.isdigit() and 1 <= int(word) <= len(buttons):
        return buttons[int(word) - 1]["payload"]
    for button in buttons:
        title = _normalise(button["title"])
        if heard == title or (len(heard) > 3 and (heard in title or title in heard)):
            return button["payload"]
    return None


def _spoken_number(number: str) -> str:
    """'+4520304050' → '20 30 40 50' (Danish numbers are said in pairs)."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("45") and len(digits) == 10:
        digits = digits[2:]
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return " ".join(digits)


def compute_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's signature of a request (for tests and local tools)."""
    return str(RequestValidator(auth_token).compute_signature(url, params))
