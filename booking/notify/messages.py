"""The words of every notification: SMS and e-mail texts, in the booking's language.

The texts are message ids (English) in the catalogues the web pages use (`booking.i18n`), so
the Danish wording lives in web/translations/da with every other text.

SMS texts stay within one GSM-7 segment (160 characters) where the content allows: they carry
only the municipality's name, the meeting time and a link, never case details. Danish letters
æ, ø and å are in the GSM-7 alphabet, so Danish text does not force UCS-2 (70 per segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.i18n import N_, translate
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
    "confirmation": N_("%(m)s: Your video meeting is booked for %(when)s. Join: %(url)s"),
    "reminder": N_("%(m)s: Reminder: video meeting %(when)s. Join: %(url)s"),
    "change": N_("%(m)s: Your video meeting has moved to %(when)s. Join: %(url)s"),
    "cancellation": N_(
        "%(m)s: Your video meeting %(when)s is cancelled. Questions: call %(phone)s"
    ),
}
# Appended to the confirmation SMS (leading space: it continues the text).
SMS_MANAGE = N_(" Change/cancel: %(manage)s")


def sms_text(kind: str, ctx: MessageContext) -> str:
    """The SMS for `kind` (confirmation, reminder, change, cancellation) in its language."""
    text = translate(
        ctx.language,
        _SMS[kind],
        m=ctx.municipality_name,
        when=format_when(ctx.start_at, ctx.language),
        url=ctx.meeting_url,
        phone=ctx.municipality_phone,
    )
    if ctx.manage_url and kind == "confirmation":
        text += translate(ctx.language, SMS_MANAGE, manage=ctx.manage_url)
    return text


_SUBJECTS = {
    "confirmation": N_("Confirmed: video meeting %(when)s"),
    "change": N_("Changed: video meeting %(when)s"),
    "cancellation": N_("Cancelled: video meeting %(when)s"),
}

_EMAIL_LEADS = {
    "confirmation": N_("Your video meeting (%(service)s) with %(m)s is booked for %(when)s."),
    "change": N_("Your video meeting (%(service)s) with %(m)s has moved to %(when)s."),
    "cancellation": N_("Your video meeting (%(service)s) with %(m)s %(when)s is cancelled."),
}

_EMAIL_PARTS = {
    "join": N_("Join the meeting here (opens 15 minutes before): %(url)s"),
    "manage": N_("Change or cancel your meeting: %(manage)s"),
    "invite": N_("The calendar invitation is attached."),
    "questions": N_("Questions? Call %(m)s on %(phone)s."),
    "auto": N_("This e-mail was sent automatically; replies are not read."),
}


def email_subject(kind: str, ctx: MessageContext) -> str:
    when = format_when(ctx.start_at, ctx.language)
    return f"{ctx.municipality_name}: " + translate(ctx.language, _SUBJECTS[kind], when=when)


def email_text(kind: str, ctx: MessageContext) -> str:
    """The plain-text e-mail body; the .ics invite travels as an attachment."""
    fields = {
        "m": ctx.municipality_name,
        "phone": ctx.municipality_phone,
        "when": format_when(ctx.start_at, ctx.language),
        "service": ctx.service_name,
        "url": ctx.meeting_url,
        "manage": ctx.manage_url,
    }

    def part(name: str) -> str:
        return translate(ctx.language, _EMAIL_PARTS[name], **fields)

    lines = [translate(ctx.language, _EMAIL_LEADS[kind], **fields), ""]
    if kind != "cancellation":
        lines.append(part("join"))
    if ctx.manage_url and kind == "confirmation":
        lines.append(part("manage"))
    lines += ["", part("invite"), part("questions"), "", part("auto")]
    return "\n".join(lines) + "\n"
