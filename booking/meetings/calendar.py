"""iCalendar files: the citizen's invite for one booking, and what every calendar file shares.

The invite is an iTIP message (RFC 5546): `METHOD:REQUEST` with a `UID` that stays the same for
the life of the booking and a `SEQUENCE` the booking service bumps on every reschedule or change
of mode, so the citizen's calendar moves the event instead of adding a second one;
`METHOD:CANCEL` removes it. Without the citizen's e-mail there is no attendee, and the file is
`METHOD:PUBLISH` (imported, and updated by UID and SEQUENCE). What the invite says follows the
meeting mode: the video link, who calls whom, or the address.
The caseworker's feed (`booking.meetings.calendar_feed`) is built on the same calendar shell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from booking.i18n import N_, translate
from booking.meetings.links import LinkSettings, meeting_url
from booking.meetings.modes import PHONE, VIDEO, how_to_meet, meeting_place, mode_name
from booking.models import Booking, BookingStatus
from booking.names import redact_cpr
from booking.slots import COPENHAGEN

PRODID = "-//Borgerbooking//Borgerbooking//DA"
ALARM_BEFORE = timedelta(minutes=15)


@dataclass(frozen=True)
class CalendarSettings:
    """Who the invites come from and where links point."""

    links: LinkSettings
    mail_from: str
    municipality_name: str = ""
    municipality_phone: str = ""
    open_before_minutes: int = 15

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> CalendarSettings:
        """Read PUBLIC_BASE_URL, SECRET_KEY, MAIL_FROM and MUNICIPALITY_* from a config mapping."""
        return cls(
            links=LinkSettings.from_mapping(config),
            mail_from=str(config.get("MAIL_FROM") or "Borgerbooking <noreply@example.dk>"),
            municipality_name=str(config.get("MUNICIPALITY_NAME") or ""),
            municipality_phone=str(config.get("MUNICIPALITY_PHONE") or ""),
            open_before_minutes=int(config.get("MEETING_OPEN_BEFORE_MINUTES", 15)),
        )

    @property
    def uid_domain(self) -> str:
        return urlsplit(self.links.public_base_url).hostname or "borgerbooking.invalid"


def invite_uid(booking: Booking, settings: CalendarSettings) -> str:
    """The invite's UID: the same for the booking's whole life, across reschedules."""
    return f"{booking.reference}@{settings.uid_domain}"


# English message ids, translated through the catalogues (booking.i18n).
_INVITE_TEXT = {
    # The title is seen by others in shared and work calendars: no health service in it.
    "summary": N_("%(mode)s with %(municipality)s"),
    "service": N_("Meeting: %(service)s"),
    "join": N_("Join the video meeting here: %(url)s"),
    "window": N_("The link opens the meeting %(minutes)s minutes before the start."),
    "details": N_("See the meeting here: %(url)s"),
    "physical": N_(
        "You always have the right to choose an in-person meeting instead of a video"
        " meeting. Call us on %(phone)s if you would like one."
    ),
    "other_mode": N_("If you would rather meet another way, call us on %(phone)s."),
    "alarm": N_("Your %(mode)s starts in 15 minutes"),
    "cancelled": N_("The meeting has been cancelled."),
}


def invite_method(booking: Booking) -> str:
    """REQUEST or CANCEL for an invite sent to the citizen's e-mail; PUBLISH without one.

    iTIP (RFC 5546) REQUEST and CANCEL are scheduling messages to attendees: without an
    attendee address the file is a published event, which a calendar imports or updates by UID.
    """
    if not booking.citizen_email:
        return "PUBLISH"
    return "CANCEL" if booking.status == BookingStatus.CANCELLED.value else "REQUEST"


def citizen_invite(booking: Booking, settings: CalendarSettings, *, now: datetime) -> bytes:
    """The .ics for the citizen: REQUEST for a confirmed booking, CANCEL for a cancelled one
    (PUBLISH for both when the citizen gave no e-mail), saying how to join, who calls or where.

    It carries the meeting page link, never a Jitsi token (that is minted only on the page).
    """
    cancelled = booking.status == BookingStatus.CANCELLED.value
    language = booking.language
    url = meeting_url(settings.links, booking.reference)
    municipality = settings.municipality_name or "kommunen"
    phone = settings.municipality_phone or municipality

    calendar = new_calendar(method=invite_method(booking))
    event = Event()
    event.add("uid", invite_uid(booking, settings))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", booking.start_at.astimezone(COPENHAGEN))
    event.add("dtend", booking.end_at.astimezone(COPENHAGEN))

    def text(name: str, **values: object) -> str:
        return translate(language, _INVITE_TEXT[name], **values)

    mode = mode_name(booking.mode, language)
    summary = text(
        "summary", mode=mode_name(booking.mode, language, capital=True), municipality=municipality
    )
    event.add("summary", summary)
    description = [text("service", service=booking.service.name(language))]
    if cancelled:
        description.insert(0, text("cancelled"))
    place = meeting_place(booking, language)
    if (booking.mode or VIDEO) == VIDEO:
        event.add("location", url)
        if not cancelled:
            description += [
                text("join", url=url),
                text("window", minutes=settings.open_before_minutes),
            ]
        description.append(text("physical", phone=phone))
    else:
        if place is not None and place.address:
            event.add("location", place.address)
        elif booking.mode == PHONE:
            event.add("location", mode_name(PHONE, language, capital=True))
        if not cancelled:
            description += [how_to_meet(booking, language), text("details", url=url)]
        description.append(text("other_mode", phone=phone))
    event.add("url", url)
    event.add("description", "\n\n".join(description))
    event.add("organizer", _organizer(settings))
    if booking.citizen_email:
        attendee = vCalAddress(f"mailto:{booking.citizen_email}")
        attendee.params["cn"] = vText(redact_cpr(booking.citizen_name) or booking.citizen_email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not cancelled:
        event.add_component(_alarm(text("alarm", mode=mode)))
    calendar.add_component(event)
    return calendar.to_ical()


def new_calendar(*, method: str | None) -> Calendar:
    """An empty calendar with our PRODID and the Copenhagen time zone (and `method`, if any)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(copenhagen_vtimezone())
    return calendar


def copenhagen_vtimezone() -> Timezone:
    """Europe/Copenhagen with the EU summer-time rules, as Outlook and Google write it.

    Since 1996 summer time runs from the last Sunday of March (02:00 → 03:00) to the last
    Sunday of October (03:00 → 02:00). Rules instead of a list of dates keep the file small and
    correct for meetings in any year.
    """
    timezone = Timezone()
    timezone.add("tzid", "Europe/Copenhagen")
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("dtstart", datetime(1996, 3, 31, 2, 0))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


def _organizer(settings: CalendarSettings) -> vCalAddress:
    name, address = parseaddr(settings.mail_from)
    organizer = vCalAddress(f"mailto:{address or 'noreply@' + settings.uid_domain}")
    organizer.params["cn"] = vText(name or settings.municipality_name or "Borgerbooking")
    return organizer


def _alarm(text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm
