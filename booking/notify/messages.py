"""The words of every notification: SMS and e-mail texts in Danish and English.

SMS texts stay within one GSM-7 segment (160 characters) where the content allows: they carry
only the municipality's name, the meeting time and a link, never case details. Danish letters
æ, ø and å are in the GSM-7 alphabet, so Danish text does not force UCS-2 (70 per segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.meetings import mode_name, when

# GSM 03.38 basic character set; each counts as one septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus itself.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
SINGLE_SEGMENT_GSM7 = 160
MULTI_SEGMENT_GSM7 = 153


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet (no UCS-2 needed)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def gsm7_length(text: str) -> int:
    """The number of septets `text` takes in GSM-7; extension characters count twice."""
    if not is_gsm7(text):
        raise ValueError("text is not GSM-7")
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def sms_segments(text: str) -> int:
    """How many SMS segments the text needs (GSM-7 if possible, UCS-2 otherwise)."""
    if is_gsm7(text):
        length, single, multi = gsm7_length(text), SINGLE_SEGMENT_GSM7, MULTI_SEGMENT_GSM7
    else:
        length, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    if length <= single:
        return 1
    return -(-length // multi)


def format_when(at: datetime, language: str) -> str:
    """'tirsdag 1. dec. kl. 10.00' / 'Tuesday 1 Dec at 10:00', in Copenhagen time."""
    return when(at, language, short=True)


@dataclass(frozen=True)
class MessageContext:
    """What a text may mention: who sends it, when and how the meeting is, the citizen's links.

    `meeting_url` is the meeting page: the video meeting itself, or for the other modes the
    page with the details (and "stop SMS"). `call_number` is the number the caseworker calls
    for a phone meeting, `address` and `directions` where an in-person meeting is held.
    """

    municipality_name: str
    municipality_phone: str
    language: str
    start_at: datetime
    meeting_url: str
    manage_url: str | None = None
    service_name: str = ""
    previous_start_at: datetime | None = None
    mode: str = "video"
    mode_changed: bool = False
    call_number: str = ""
    address: str = ""
    directions: str = ""


# Per kind, per mode. "mode_change" is the change message when the mode itself changed.
# A phone meeting's change message leaves the page link out to stay in one segment; the
# confirmation and the reminders carry it.
_SMS = {
    "da": {
        "confirmation": {
            "video": "{m}: Dit videomøde er booket {when}. Deltag: {url}",
            "phone": "{m}: Telefonmøde booket {when}. Vi ringer til {number}. Se: {url}",
            "in_person": "{m}: Dit møde er booket {when}, {address}. Se: {url}",
        },
        "reminder": {
            "video": "{m}: Husk dit videomøde {when}. Deltag: {url}",
            "phone": "{m}: Husk telefonmøde {when}. Vi ringer til {number}. Se: {url}",
            "in_person": "{m}: Husk dit møde {when}, {address}. Se: {url}",
        },
        "change": {
            "video": "{m}: Dit videomøde er flyttet til {when}. Deltag: {url}",
            "phone": "{m}: Dit telefonmøde er flyttet til {when}. Vi ringer til dig på {number}.",
            "in_person": "{m}: Dit møde er flyttet til {when}, {address}. Se: {url}",
        },
        "mode_change": {
            "video": "{m}: Dit møde {when} er nu et videomøde. Deltag: {url}",
            "phone": "{m}: Dit møde {when} er nu et telefonmøde. Vi ringer til dig på {number}.",
            "in_person": "{m}: Dit møde {when} er nu et fysisk møde, {address}. Se: {url}",
        },
        "cancellation": {
            "video": "{m}: Dit videomøde {when} er aflyst. Spørgsmål: ring {phone}",
            "phone": "{m}: Dit telefonmøde {when} er aflyst. Spørgsmål: ring {phone}",
            "in_person": "{m}: Dit møde {when} er aflyst. Spørgsmål: ring {phone}",
        },
        "manage": " Ret/aflys: {manage}",
    },
    "en": {
        "confirmation": {
            "video": "{m}: Your video meeting is booked for {when}. Join: {url}",
            "phone": "{m}: Phone meeting booked for {when}. We call {number}. See: {url}",
            "in_person": "{m}: Your meeting is booked for {when}, {address}. See: {url}",
        },
        "reminder": {
            "video": "{m}: Reminder: video meeting {when}. Join: {url}",
            "phone": "{m}: Reminder: phone meeting {when}. We call {number}. See: {url}",
            "in_person": "{m}: Reminder: meeting {when}, {address}. See: {url}",
        },
        "change": {
            "video": "{m}: Your video meeting has moved to {when}. Join: {url}",
            "phone": "{m}: Your phone meeting has moved to {when}. We will call you on {number}.",
            "in_person": "{m}: Your meeting has moved to {when}, {address}. See: {url}",
        },
        "mode_change": {
            "video": "{m}: Your meeting {when} is now a video meeting. Join: {url}",
            "phone": "{m}: Your meeting {when} is now by phone. We will call you on {number}.",
            "in_person": "{m}: Your meeting {when} is now in person, {address}. See: {url}",
        },
        "cancellation": {
            "video": "{m}: Your video meeting {when} is cancelled. Questions: call {phone}",
            "phone": "{m}: Your phone meeting {when} is cancelled. Questions: call {phone}",
            "in_person": "{m}: Your meeting {when} is cancelled. Questions: call {phone}",
        },
        "manage": " Change/cancel: {manage}",
    },
}


def _language(ctx: MessageContext) -> str:
    return "en" if ctx.language == "en" else "da"


def _variant(kind: str, ctx: MessageContext) -> str:
    return "mode_change" if kind == "change" and ctx.mode_changed else kind


def _mode(ctx: MessageContext) -> str:
    return ctx.mode if ctx.mode in ("video", "phone", "in_person") else "video"


def sms_text(kind: str, ctx: MessageContext) -> str:
    """The SMS for `kind` (confirmation, reminder, change, cancellation) in its language."""
    texts = _SMS[_language(ctx)]
    template = texts[_variant(kind, ctx)]
    assert isinstance(template, dict)
    text = template[_mode(ctx)].format(
        m=ctx.municipality_name,
        when=format_when(ctx.start_at, ctx.language),
        url=ctx.meeting_url,
        phone=ctx.municipality_phone,
        number=ctx.call_number,
        address=ctx.address,
    )
    if ctx.manage_url and kind == "confirmation":
        text += str(texts["manage"]).format(manage=ctx.manage_url)
    return text


_SUBJECTS = {
    "da": {
        "confirmation": "Bekræftelse: {mode} {when}",
        "change": "Ændret: {mode} {when}",
        "cancellation": "Aflyst: {mode} {when}",
    },
    "en": {
        "confirmation": "Confirmed: {mode} {when}",
        "change": "Changed: {mode} {when}",
        "cancellation": "Cancelled: {mode} {when}",
    },
}

_EMAIL_LEADS = {
    "da": {
        "confirmation": "Dit {mode} ({service}) med {m} er booket {when}.",
        "change": "Dit {mode} ({service}) med {m} er flyttet til {when}.",
        "mode_change": "Dit møde ({service}) med {m} {when} er nu et {mode}.",
        "cancellation": "Dit {mode} ({service}) med {m} {when} er aflyst.",
    },
    "en": {
        "confirmation": "Your {mode} ({service}) with {m} is booked for {when}.",
        "change": "Your {mode} ({service}) with {m} has moved to {when}.",
        "mode_change": "Your meeting ({service}) with {m} {when} is now a {mode}.",
        "cancellation": "Your {mode} ({service}) with {m} {when} is cancelled.",
    },
}

_EMAIL_PARTS = {
    "da": {
        "join": "Deltag i mødet her (åbner 15 minutter før): {url}",
        "call": "Din sagsbehandler ringer til dig på {number}. Hav telefonen ved hånden.",
        "place": "Mødet foregår her: {address}.",
        "details": "Se mødet og din kalenderinvitation her: {url}",
        "manage": "Ret eller aflys dit møde: {manage}",
        "invite": "Kalenderinvitationen er vedhæftet.",
        "questions": "Spørgsmål? Ring til {m} på {phone}.",
        "auto": "Denne e-mail er sendt automatisk og kan ikke besvares.",
    },
    "en": {
        "join": "Join the meeting here (opens 15 minutes before): {url}",
        "call": "Your caseworker will call you on {number}. Please keep your phone at hand.",
        "place": "The meeting takes place at: {address}.",
        "details": "See the meeting and your calendar invitation here: {url}",
        "manage": "Change or cancel your meeting: {manage}",
        "invite": "The calendar invitation is attached.",
        "questions": "Questions? Call {m} on {phone}.",
        "auto": "This e-mail was sent automatically; replies are not read.",
    },
}


def email_subject(kind: str, ctx: MessageContext) -> str:
    language = _language(ctx)
    when = format_when(ctx.start_at, ctx.language)
    mode = mode_name(_mode(ctx), language)
    return f"{ctx.municipality_name}: " + _SUBJECTS[language][kind].format(when=when, mode=mode)


def email_text(kind: str, ctx: MessageContext) -> str:
    """The plain-text e-mail body; the .ics invite travels as an attachment."""
    language = _language(ctx)
    parts = _EMAIL_PARTS[language]
    fields = {
        "m": ctx.municipality_name,
        "phone": ctx.municipality_phone,
        "when": format_when(ctx.start_at, ctx.language),
        "service": ctx.service_name,
        "url": ctx.meeting_url,
        "manage": ctx.manage_url,
        "mode": mode_name(_mode(ctx), language),
        "number": ctx.call_number,
        "address": ctx.address,
    }
    lines = [_EMAIL_LEADS[language][_variant(kind, ctx)].format(**fields), ""]
    if kind != "cancellation":
        lines += _how_lines(ctx, parts, fields)
    if ctx.manage_url and kind == "confirmation":
        lines.append(parts["manage"].format(**fields))
    lines += ["", parts["invite"], parts["questions"].format(**fields), "", parts["auto"]]
    return "\n".join(lines) + "\n"


def _how_lines(ctx: MessageContext, parts: dict[str, str], fields: dict[str, Any]) -> list[str]:
    mode = _mode(ctx)
    if mode == "video":
        return [parts["join"].format(**fields)]
    if mode == "phone":
        return [parts["call"].format(**fields), parts["details"].format(**fields)]
    lines = [parts["place"].format(**fields)]
    if ctx.directions:
        lines.append(ctx.directions)
    return [*lines, parts["details"].format(**fields)]
