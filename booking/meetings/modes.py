"""What each meeting mode means for the meeting itself: a Jitsi room for video only, who
calls whom for a phone meeting, the address and directions for an in-person meeting.

The address is the caseworker's own when they have one, else the service's, in the
booking's language. These sentences are shared by the invite, the messages and the pages, so
they never disagree about where or how the citizen meets.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from booking.i18n import N_, translate
from booking.meetings.jitsi import new_room_name
from booking.models import Booking, Caseworker, MeetingMode, Service

VIDEO, PHONE, IN_PERSON = (m.value for m in MeetingMode)

# English message ids, translated through the catalogues (booking.i18n).
MODE_NAMES = {
    VIDEO: N_("video meeting"),
    PHONE: N_("phone meeting"),
    IN_PERSON: N_("in-person meeting"),
}
_CALLS = N_("Your caseworker will call you on %(number)s.")
_PLACE = N_("The meeting takes place at: %(address)s.")


def room_for(mode: str) -> str | None:
    """A fresh Jitsi room name for a video meeting; other modes have no room."""
    return new_room_name() if mode == VIDEO else None


def mode_name(mode: str | None, language: str, *, capital: bool = False) -> str:
    """'videomøde' / 'phone meeting' …, in `language` (no mode yet: a video meeting)."""
    mode = mode or VIDEO
    name = translate(language, MODE_NAMES[mode]) if mode in MODE_NAMES else mode
    return name[:1].upper() + name[1:] if capital else name


@dataclass(frozen=True)
class MeetingPlace:
    """Where an in-person meeting is held, in one language."""

    address: str
    directions: str = ""


def place_of(caseworker: Caseworker | None, service: Service, language: str) -> MeetingPlace:
    """The caseworker's address when they have one, else the service's, in `language`."""
    english = language == "en"
    for holder in (caseworker, service):
        if holder is None:
            continue
        address = (holder.address_en if english else holder.address_da) or holder.address_da
        if address:
            directions = (
                holder.directions_en if english else holder.directions_da
            ) or holder.directions_da
            return MeetingPlace(address=address, directions=directions or "")
    return MeetingPlace(address="")


def meeting_place(booking: Booking, language: str | None = None) -> MeetingPlace | None:
    """Where the booking's meeting is held, for an in-person meeting; None otherwise."""
    if booking.mode != IN_PERSON:
        return None
    return place_of(booking.caseworker, booking.service, language or booking.language)


def display_phone(number: str | None) -> str:
    """'+45 12 34 56 78' for E.164 '+4512345678'; anything unparsable as it is."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def how_to_meet(booking: Booking, language: str | None = None) -> str:
    """One sentence for phone and in-person meetings: who calls whom, or where; '' for video."""
    language = "en" if (language or booking.language) == "en" else "da"
    if booking.mode == PHONE:
        return translate(language, _CALLS, number=display_phone(booking.citizen_phone))
    place = meeting_place(booking, language)
    if place is None:
        return ""
    text = translate(language, _PLACE, address=place.address)
    return f"{text} {place.directions}".strip() if place.directions else text
