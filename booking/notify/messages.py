"""The words of every notification: SMS and e-mail texts in Danish and English.

SMS texts stay within one GSM-7 segment (160 characters) where the content allows: they carry
only the municipality's name, the meeting time and a link, never case details. Danish letters
æ, ø and å are in the GSM-7 alphabet, so Danish text does not force UCS-2 (70 per segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.meetings import when

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
    """What a text may mention: who sends it, when the meeting is, and the citizen's links."""

    municipality_name: str
    municipality_phone: str
    language: str
    start_at: datetime
    meeting_url: str
    manage_url: str | None = None
    service_name: str = ""
    previous_start_at: datetime | None = None


_SMS = {
    "da": {
        "confirmation": "{m}: Dit videomøde er booket {when}. Deltag: {url}",
        "reminder": "{m}: Husk dit videomøde {when}. Deltag: {url}",
        "change": "{m}: Dit videomøde er flyttet til {when}. Deltag: {url}",
        "cancellation": "{m}: Dit videomøde {when} er aflyst. Spørgsmål: ring {phone}",
        "manage": " Ret/aflys: {manage}",
    },
    "en": {
        "confirmation": "{m}: Your video meeting is booked for {when}. Join: {url}",
        "reminder": "{m}: Reminder: video meeting {when}. Join: {url}",
        "change": "{m}: Your video meeting has moved to {when}. Join: {url}",
        "cancellation": "{m}: Your video meeting {when} is cancelled. Questions: call {phone}",
        "manage": " Change/cancel: {manage}",
    },
}


def sms_text(kind: str, ctx: MessageContext) -> str:
    """The SMS for `kind` (confirmation, reminder, change, cancellation) in its language."""
    texts = _SMS["en" if ctx.language == "en" else "da"]
    text = texts[kind].format(
        m=ctx.municipality_name,
        when=format_when(ctx.start_at, ctx.language),
        url=ctx.meeting_url,
        phone=ctx.municipality_phone,
    )
    if ctx.manage_url and kind == "confirmation":
        text += texts["manage"].format(manage=ctx.manage_url)
    return text


_SUBJECTS = {
    "da": {
        "confirmation": "Bekræftelse: videomøde {when}",
        "change": "Ændret: videomøde {when}",
        "cancellation": "Aflyst: videomøde {when}",
    },
    "en": {
        "confirmation": "Confirmed: video meeting {when}",
        "change": "Changed: video meeting {when}",
        "cancellation": "Cancelled: video meeting {when}",
    },
}

_EMAIL_LEADS = {
    "da": {
        "confirmation": "Dit videomøde ({service}) med {m} er booket {when}.",
        "change": "Dit videomøde ({service}) med {m} er flyttet til {when}.",
        "cancellation": "Dit videomøde ({service}) med {m} {when} er aflyst.",
    },
    "en": {
        "confirmation": "Your video meeting ({service}) with {m} is booked for {when}.",
        "change": "Your video meeting ({service}) with {m} has moved to {when}.",
        "cancellation": "Your video meeting ({service}) with {m} {when} is cancelled.",
    },
}

_EMAIL_PARTS = {
    "da": {
        "join": "Deltag i mødet her (åbner 15 minutter før): {url}",
        "manage": "Ret eller aflys dit møde: {manage}",
        "invite": "Kalenderinvitationen er vedhæftet.",
        "questions": "Spørgsmål? Ring til {m} på {phone}.",
        "auto": "Denne e-mail er sendt automatisk og kan ikke besvares.",
    },
    "en": {
        "join": "Join the meeting here (opens 15 minutes before): {url}",
        "manage": "Change or cancel your meeting: {manage}",
        "invite": "The calendar invitation is attached.",
        "questions": "Questions? Call {m} on {phone}.",
        "auto": "This e-mail was sent automatically; replies are not read.",
    },
}


def email_subject(kind: str, ctx: MessageContext) -> str:
    language = "en" if ctx.language == "en" else "da"
    when = format_when(ctx.start_at, ctx.language)
    return f"{ctx.municipality_name}: " + _SUBJECTS[language][kind].format(when=when)


def email_text(kind: str, ctx: MessageContext) -> str:
    """The plain-text e-mail body; the .ics invite travels as an attachment."""
    language = "en" if ctx.language == "en" else "da"
    parts = _EMAIL_PARTS[language]
    fields = {
        "m": ctx.municipality_name,
        "phone": ctx.municipality_phone,
        "when": format_when(ctx.start_at, ctx.language),
        "service": ctx.service_name,
        "url": ctx.meeting_url,
        "manage": ctx.manage_url,
    }
    lines = [_EMAIL_LEADS[language][kind].format(**fields), ""]
    if kind != "cancellation":
        lines.append(parts["join"].format(**fields))
    if ctx.manage_url and kind == "confirmation":
        lines.append(parts["manage"].format(**fields))
    lines += ["", parts["invite"], parts["questions"].format(**fields), "", parts["auto"]]
    return "\n".join(lines) + "\n"
