"""The words of every notification: SMS and e-mail texts, in the booking's language.

The texts are message ids (English) in the catalogues the web pages use (`booking.i18n`), so
the Danish wording lives in web/translations/da with every other text.

SMS texts stay within one GSM-7 segment (160 characters) where the content allows: they carry
only the municipality's name, the meeting time and a link, never case details. Danish letters
æ, ø and å are in the GSM-7 alphabet, so Danish text does not force UCS-2 (70 per segment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.i18n import N_, translate
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


# Per kind, per mode; English message ids, translated through the catalogues (booking.i18n).
# "mode_change" is the change message when the mode itself changed. A phone meeting's change
# message leaves the page link out to stay in one segment; the confirmation and the reminders
# carry it.
_SMS = {
    "confirmation": {
        "video": N_("%(m)s: Your video meeting is booked for %(when)s. Join: %(url)s"),
        "phone": N_("%(m)s: Phone meeting booked for %(when)s. We call %(number)s. See: %(url)s"),
        "in_person": N_("%(m)s: Your meeting is booked for %(when)s, %(address)s. See: %(url)s"),
    },
    "reminder": {
        "video": N_("%(m)s: Reminder: video meeting %(when)s. Join: %(url)s"),
        "phone": N_("%(m)s: Reminder: phone meeting %(when)s. We call %(number)s. See: %(url)s"),
        "in_person": N_("%(m)s: Reminder: meeting %(when)s, %(address)s. See: %(url)s"),
    },
    "change": {
        "video": N_("%(m)s: Your video meeting has moved to %(when)s. Join: %(url)s"),
        "phone": N_(
            "%(m)s: Your phone meeting has moved to %(when)s. We will call you on %(number)s."
        ),
        "in_person": N_("%(m)s: Your meeting has moved to %(when)s, %(address)s. See: %(url)s"),
    },
    "mode_change": {
        "video": N_("%(m)s: Your meeting %(when)s is now a video meeting. Join: %(url)s"),
        "phone": N_(
            "%(m)s: Your meeting %(when)s is now by phone. We will call you on %(number)s."
        ),
        "in_person": N_("%(m)s: Your meeting %(when)s is now in person, %(address)s. See: %(url)s"),
    },
    "cancellation": {
        "video": N_("%(m)s: Your video meeting %(when)s is cancelled. Questions: call %(phone)s"),
        "phone": N_("%(m)s: Your phone meeting %(when)s is cancelled. Questions: call %(phone)s"),
        "in_person": N_("%(m)s: Your meeting %(when)s is cancelled. Questions: call %(phone)s"),
    },
}
_SMS_MANAGE = N_(" Change/cancel: %(manage)s")


def _language(ctx: MessageContext) -> str:
    return "en" if ctx.language == "en" else "da"


def _variant(kind: str, ctx: MessageContext) -> str:
    return "mode_change" if kind == "change" and ctx.mode_changed else kind


def _mode(ctx: MessageContext) -> str:
    return ctx.mode if ctx.mode in ("video", "phone", "in_person") else "video"


def _fields(ctx: MessageContext) -> dict[str, Any]:
    return {
        "m": ctx.municipality_name,
        "phone": ctx.municipality_phone,
        "when": format_when(ctx.start_at, ctx.language),
        "service": ctx.service_name,
        "url": ctx.meeting_url,
        "manage": ctx.manage_url,
        "mode": mode_name(_mode(ctx), _language(ctx)),
        "number": ctx.call_number,
        "address": ctx.address,
    }


def sms_text(kind: str, ctx: MessageContext) -> str:
    """The SMS for `kind` (confirmation, reminder, change, cancellation) in its language."""
    language, fields = _language(ctx), _fields(ctx)
    text = translate(language, _SMS[_variant(kind, ctx)][_mode(ctx)], **fields)
    if ctx.manage_url and kind == "confirmation":
        text += translate(language, _SMS_MANAGE, **fields)
    return text


_SUBJECTS = {
    "confirmation": N_("Confirmed: %(mode)s %(when)s"),
    "change": N_("Changed: %(mode)s %(when)s"),
    "cancellation": N_("Cancelled: %(mode)s %(when)s"),
}

_EMAIL_LEADS = {
    "confirmation": N_("Your %(mode)s (%(service)s) with %(m)s is booked for %(when)s."),
    "change": N_("Your %(mode)s (%(service)s) with %(m)s has moved to %(when)s."),
    "mode_change": N_("Your meeting (%(service)s) with %(m)s %(when)s is now a %(mode)s."),
    "cancellation": N_("Your %(mode)s (%(service)s) with %(m)s %(when)s is cancelled."),
}

_EMAIL_PARTS = {
    "join": N_("Join the meeting here (opens 15 minutes before): %(url)s"),
    "call": N_("Your caseworker will call you on %(number)s. Please keep your phone at hand."),
    "place": N_("The meeting takes place at: %(address)s."),
    "details": N_("See the meeting and your calendar invitation here: %(url)s"),
    "manage": N_("Change or cancel your meeting: %(manage)s"),
    "invite": N_("The calendar invitation is attached."),
    "questions": N_("Questions? Call %(m)s on %(phone)s."),
    "auto": N_("This e-mail was sent automatically; replies are not read."),
}


def email_subject(kind: str, ctx: MessageContext) -> str:
    language = _language(ctx)
    subject = translate(language, _SUBJECTS[kind], **_fields(ctx))
    return f"{ctx.municipality_name}: {subject}"


def email_text(kind: str, ctx: MessageContext) -> str:
    """The plain-text e-mail body; the .ics invite travels as an attachment."""
    language, fields = _language(ctx), _fields(ctx)

    def part(name: str) -> str:
        return translate(language, _EMAIL_PARTS[name], **fields)

    lines = [translate(language, _EMAIL_LEADS[_variant(kind, ctx)], **fields), ""]
    if kind != "cancellation":
        lines += _how_lines(ctx, part)
    if ctx.manage_url and kind == "confirmation":
        lines.append(part("manage"))
    lines += ["", part("invite"), part("questions"), "", part("auto")]
    return "\n".join(lines) + "\n"


def _how_lines(ctx: MessageContext, part: Callable[[str], str]) -> list[str]:
    mode = _mode(ctx)
    if mode == "video":
        return [part("join")]
    if mode == "phone":
        return [part("call"), part("details")]
    lines = [part("place")]
    if ctx.directions:
        lines.append(ctx.directions)
    return [*lines, part("details")]
